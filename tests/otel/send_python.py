#!/usr/bin/env python3
"""Sends a small agent run through Python's opentelemetry-sdk and its OTLP/HTTP
(protobuf) or OTLP/gRPC exporter (second argument: http or grpc) to ENDPOINT, then prints what it sent as JSON: the trace
id and, per span, its id, name, attributes and events; and a log record
written with Python's logging inside the run, through the SDK's
LoggingHandler and OTLP log exporter. The receiver test compares that with
what Tracelens recorded."""

import json
import logging
import sys

from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

endpoint = sys.argv[1]
protocol = sys.argv[2] if len(sys.argv) > 2 else "http"
if protocol == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=10)
    log_exporter = OTLPLogExporter(endpoint=endpoint, insecure=True, timeout=10)
else:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, timeout=10)
    log_exporter = OTLPLogExporter(endpoint=endpoint.replace("/v1/traces", "/v1/logs"), timeout=10)
resource = Resource.create({"service.name": "py-agent"})
logs = LoggerProvider(resource=resource)
logs.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
log = logging.getLogger("py-agent")
log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logs))
log.setLevel(logging.INFO)
provider = TracerProvider(resource=resource)
provider.add_span_processor(BatchSpanProcessor(exporter))
tracer = provider.get_tracer("tracelens-test", "1.0")

sent = []
with tracer.start_as_current_span("invoke_agent planner", attributes={
    "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner", "request_id": "req-py-1",
}) as root:
    root.add_event("agent_started", {"step": 1})
    log.warning("planner retrying", extra={"attempt": 2})
    with tracer.start_as_current_span("chat gpt-4o", attributes={
        "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 321, "gen_ai.usage.output_tokens": 45, "ratio": 0.5, "cached": True,
        # A prompt-sized value: stored traces open without it, and load it on demand.
        "gen_ai.prompt": "You are a careful planner. " + "step " * 600,
    }) as chat:
        pass
    with tracer.start_as_current_span("execute_tool search", attributes={"gen_ai.operation.name": "execute_tool"}) as tool:
        tool.set_status(Status(StatusCode.ERROR, "tool failed"))
    root.add_event("agent_completed")

for s in (root, chat, tool):
    ctx = s.get_span_context()
    sent.append({
        "span_id": format(ctx.span_id, "016x"),
        "name": s.name,
        "attributes": dict(s.attributes),
        "events": [e.name for e in s.events],
    })
provider.force_flush()
provider.shutdown()
logs.force_flush()
logs.shutdown()
print(json.dumps({"trace_id": format(root.get_span_context().trace_id, "032x"), "spans": sent,
                  "log": {"body": "planner retrying", "span_id": sent[0]["span_id"]}}))
