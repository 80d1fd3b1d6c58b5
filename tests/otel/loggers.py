#!/usr/bin/env python3
"""Log lines from real Python loggers inside real spans: python-json-logger
with OpenTelemetry's LoggingInstrumentor injecting the ids, structlog's
JSONRenderer with a processor adding them (as its docs suggest for
OpenTelemetry), and the SDK's own OTLP log records (LoggingHandler, the
OTLP protobuf encoder, framed like the Collector's file exporter). Spans go
out through the SDK's OTLP encoder too.

Usage: loggers.py DIR   (writes DIR/app.spans, json.log, structlog.log, otlp.logs)
"""

import logging
import os
import sys

import structlog
from opentelemetry import trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.instrumentation.logging import LoggingInstrumentor
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import LogExporter, LogExportResult, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

try:
    from pythonjsonlogger.json import JsonFormatter
except ImportError:  # python-json-logger < 3
    from pythonjsonlogger.jsonlogger import JsonFormatter


def framed(path):
    f = open(path, "ab")

    def write(msg):
        data = msg.SerializeToString()
        f.write(len(data).to_bytes(4, "big") + data)
        f.flush()

    return write


class Spans(SpanExporter):
    def __init__(self, path):
        self.write = framed(path)

    def export(self, spans):
        self.write(encode_spans(spans))
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass


class Logs(LogExporter):
    def __init__(self, path):
        self.write = framed(path)

    def export(self, batch):
        self.write(encode_logs(batch))
        return LogExportResult.SUCCESS

    def force_flush(self, timeout_millis=30000):
        return True

    def shutdown(self):
        pass


def main(d):
    resource = Resource.create({"service.name": "loggers"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(Spans(os.path.join(d, "app.spans"))))
    trace.set_tracer_provider(provider)
    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(SimpleLogRecordProcessor(Logs(os.path.join(d, "otlp.logs"))))
    set_logger_provider(logs)
    LoggingInstrumentor().instrument(inject_trace_context=True, enable_log_auto_instrumentation=False)

    pylog = logging.getLogger("app.python")
    h = logging.FileHandler(os.path.join(d, "json.log"))
    h.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(otelTraceID)s %(otelSpanID)s"))
    pylog.addHandler(h)
    pylog.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logs))
    pylog.setLevel(logging.INFO)

    def add_ids(_logger, _name, event):
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            event["trace_id"] = format(ctx.trace_id, "032x")
            event["span_id"] = format(ctx.span_id, "016x")
        return event

    sfile = open(os.path.join(d, "structlog.log"), "w")
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            add_ids,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sfile),
    )
    slog = structlog.get_logger()

    tracer = trace.get_tracer("loggers")
    with tracer.start_as_current_span("handle request", attributes={"request_id": "req-42"}):
        pylog.info("request accepted")
        with tracer.start_as_current_span("execute_tool db_query"):
            pylog.warning("slow query", extra={"rows": 1200})
            slog.error("query failed", table="orders")
        slog.info("request done", request_id="req-42")
    # After the span: only the request id ties this line to the run.
    slog.info("audit written", request_id="req-42")
    sfile.flush()
    provider.shutdown()
    logs.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
