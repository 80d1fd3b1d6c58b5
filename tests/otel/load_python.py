#!/usr/bin/env python3
"""Load for the receiver benchmark: N spans made by Python's opentelemetry-sdk
(BatchSpanProcessor, 512 spans a batch) exported to ENDPOINT over PROTOCOL
(http, grpc, or none: an exporter that drops everything, the SDK's own
ceiling). Prints spans per second."""

import sys
import time

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

n = int(sys.argv[1])
protocol = sys.argv[2]
endpoint = sys.argv[3] if len(sys.argv) > 3 else ""


class Null(SpanExporter):
    def export(self, spans):
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass


if protocol == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=30)
elif protocol == "http":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, timeout=30)
else:
    exporter = Null()
provider = TracerProvider(resource=Resource.create({"service.name": "load"}))
provider.add_span_processor(BatchSpanProcessor(exporter, max_queue_size=65536, max_export_batch_size=512, schedule_delay_millis=50))
tracer = provider.get_tracer("load")
t0 = time.perf_counter()
for i in range(n // 10):
    with tracer.start_as_current_span("invoke_agent worker", attributes={"gen_ai.operation.name": "invoke_agent", "i": i}):
        for j in range(9):
            with tracer.start_as_current_span("chat model", attributes={"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 100 + j}):
                pass
provider.force_flush(timeout_millis=120000)
dt = time.perf_counter() - t0
provider.shutdown()
print(f"{n / dt:.0f}")
