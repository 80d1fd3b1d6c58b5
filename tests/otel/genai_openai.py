#!/usr/bin/env python3
"""An LLM call through the real OpenAI Python client, instrumented by
OpenTelemetry's opentelemetry-instrumentation-openai-v2, against a local
stub of the Chat Completions API (no network, no key). The prompt and the
completion come out as the instrumentation writes them:

- `legacy` (release 2.3b0, GenAI conventions v1.30, content capture on):
  log records named `gen_ai.system.message`, `gen_ai.user.message` and
  `gen_ai.choice`, bodies holding the content;
- `latest` (release 2.4b0 with opentelemetry-util-genai, the latest
  conventions, content in events only): one `gen_ai.client.inference.operation.details`
  record whose attributes `gen_ai.input.messages` and
  `gen_ai.output.messages` hold the messages;
- `span` (the same, content in the span only): those attributes on the
  chat span, as JSON text, and no log record.

Spans and log records go through the SDK's OTLP protobuf encoders, framed
like the Collector's file exporter.

Usage: genai_openai.py DIR MODE   (MODE: legacy | latest | span; writes
DIR/MODE.spans and DIR/MODE.logs)
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE = sys.argv[2] if len(sys.argv) > 2 else "legacy"
# Read by the instrumentation when it instruments: set before the import.
if MODE in ("latest", "span"):
    os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
    os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = (
        "event_only" if MODE == "latest" else "span_only"
    )
else:
    os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Each mode's instrumentation is its own release (2.3b0 writes the legacy
# events, 2.4b0 the latest), installed apart by scripts/setup.sh.
PY_CACHE = os.environ.get("TRACELENS_PY_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tracelens", "py"
)
sys.path.insert(0, os.path.join(PY_CACHE, "genai-legacy" if MODE == "legacy" else "genai-latest"))

import openai  # noqa: E402
from loggers import Logs, Spans  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry._logs import set_logger_provider  # noqa: E402
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor  # noqa: E402
from opentelemetry.sdk._logs import LoggerProvider  # noqa: E402
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402

COMPLETION = "Paris is the capital of France."


class StubChat(BaseHTTPRequestHandler):
    """POST /v1/chat/completions: one assistant choice, with usage."""

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        req = json.loads(self.rfile.read(length) or b"{}")
        body = json.dumps(
            {
                "id": "chatcmpl-stub-1",
                "object": "chat.completion",
                "created": 1700000000,
                "model": req.get("model", "stub-model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": COMPLETION},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 21, "completion_tokens": 7, "total_tokens": 28},
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def main(d):
    server = HTTPServer(("127.0.0.1", 0), StubChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    resource = Resource.create({"service.name": "genai-" + MODE})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(Spans(os.path.join(d, MODE + ".spans"))))
    trace.set_tracer_provider(provider)
    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(SimpleLogRecordProcessor(Logs(os.path.join(d, MODE + ".logs"))))
    set_logger_provider(logs)
    OpenAIInstrumentor().instrument(tracer_provider=provider, logger_provider=logs)

    client = openai.OpenAI(
        base_url=f"http://127.0.0.1:{server.server_port}/v1", api_key="stub", max_retries=0
    )
    tracer = trace.get_tracer("agent")
    with tracer.start_as_current_span("invoke_agent geographer"):
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[
                {"role": "system", "content": "You answer in one sentence."},
                {"role": "user", "content": "What is the capital of France?"},
            ],
        )
    provider.shutdown()
    logs.shutdown()
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
