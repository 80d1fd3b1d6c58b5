#!/usr/bin/env python3
"""A supervisor whose sub-agent's process is killed mid-run, with the real
OpenTelemetry Python SDK: every span goes out when it ends (SimpleSpanProcessor,
the OTLP protobuf encoder, one framed message per export), so the killed
agent's own span never leaves its process. What remains is what a real
backend leaves: the agent's finished tool spans (children of a span that is
not there), its log lines (python-json-logger, ids injected by
OpenTelemetry's LoggingInstrumentor: agent_started, heartbeats), and the
supervisor's own span and logs.

Usage: dying_agent.py DIR          (writes DIR/{supervisor,worker}.{spans,log})
       dying_agent.py --worker DIR (the sub-agent; started by the supervisor)
"""

import logging
import os
import subprocess
import sys
import time

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.instrumentation.logging import LoggingInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

try:
    from pythonjsonlogger.json import JsonFormatter
except ImportError:  # python-json-logger < 3
    from pythonjsonlogger.jsonlogger import JsonFormatter

BEAT_S = 0.1


class FramedFile(SpanExporter):
    """OTLP protobuf, 4-byte big-endian length before each message: the
    Collector file exporter's framed form."""

    def __init__(self, path):
        self.f = open(path, "ab")

    def export(self, spans):
        data = encode_spans(spans).SerializeToString()
        self.f.write(len(data).to_bytes(4, "big") + data)
        self.f.flush()
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.f.close()


def setup(service, spans_path, log_path):
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(FramedFile(spans_path)))
    trace.set_tracer_provider(provider)
    # Ids into every record (otelTraceID, otelSpanID); no OTLP log handler.
    LoggingInstrumentor().instrument(inject_trace_context=True, enable_log_auto_instrumentation=False)
    handler = logging.FileHandler(log_path)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(otelTraceID)s %(otelSpanID)s")
    )
    log = logging.getLogger(service)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return trace.get_tracer(service), log


def worker(d):
    tracer, log = setup("agent-worker", os.path.join(d, "worker.spans"), os.path.join(d, "worker.log"))
    ctx = propagate.extract({"traceparent": os.environ["TRACEPARENT"]})
    attrs = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "researcher"}
    with tracer.start_as_current_span("invoke_agent researcher", context=ctx, attributes=attrs):
        log.info("agent_started", extra={"event": "agent_started", "agent": "researcher", "heartbeat_interval_ms": 100})
        for q in ("flights", "hotels"):
            tool = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "web_search", "query": q}
            with tracer.start_as_current_span("execute_tool web_search", attributes=tool):
                time.sleep(0.02)
            log.info("heartbeat", extra={"agent": "researcher"})
            time.sleep(BEAT_S)
        print("READY", flush=True)
        time.sleep(120)  # killed here, its span still open


def supervisor(d):
    tracer, log = setup("supervisor", os.path.join(d, "supervisor.spans"), os.path.join(d, "supervisor.log"))
    with tracer.start_as_current_span("invoke_agent supervisor") as root:
        carrier = {}
        propagate.inject(carrier)
        env = dict(os.environ, TRACEPARENT=carrier["traceparent"])
        w = subprocess.Popen([sys.executable, __file__, "--worker", d], env=env, stdout=subprocess.PIPE, text=True)
        line = w.stdout.readline()
        if line.strip() != "READY":
            raise SystemExit(f"worker said {line!r}")
        w.kill()  # SIGKILL: no exporter flush, no atexit
        w.wait()
        time.sleep(6 * BEAT_S)
        log.error("sub-agent researcher stopped responding")
        root.set_status(trace.Status(trace.StatusCode.ERROR, "sub-agent researcher lost"))
    trace.get_tracer_provider().shutdown()


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        supervisor(sys.argv[1])
