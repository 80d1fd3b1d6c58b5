"""Conformance table: what each trace file holds, counted independently of
Tracelens, against what `tracelens summary --json` read from it.

Usage: count_spans.py TRACELENS DIR... (scripts/conformance.sh calls it).

A span record is counted by its keys, the way each format names a span:
OTLP/JSON objects inside a "spans" array with "spanId"; Jaeger objects with
"spanID" (not references, which carry "refType"); Zipkin v2 objects with "traceId" and "id". Protobuf files are
decoded with the opentelemetry-proto package. Files that are not trace data
(DDL, READMEs) are passed over.
"""

import gzip
import json
import os
import subprocess
import sys

TRACE_SUFFIXES = (".json", ".jsonl", ".protobuf-bin", ".pb", ".bin", ".gz")


def count_json(value, in_spans=False):
    """Span records in a parsed JSON value."""
    n = 0
    if isinstance(value, dict):
        if "spanID" in value and "refType" not in value:
            # A Jaeger span (a reference names a span too, with its refType).
            n += 1
        elif "traceId" in value and "id" in value and "spanId" not in value:
            n += 1
        elif in_spans and "spanId" in value:
            n += 1
        for k, v in value.items():
            # Jaeger UI's references hold copies of the spans they name.
            if k != "references":
                n += count_json(v, k == "spans")
    elif isinstance(value, list):
        for v in value:
            n += count_json(v, in_spans)
    return n


def count_proto(data):
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    req = trace_service_pb2.ExportTraceServiceRequest()
    req.ParseFromString(data)
    return sum(len(ss.spans) for rs in req.resource_spans for ss in rs.scope_spans)


def count_file(path):
    """Span records in the file, or None when it is no kind of trace data."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.lstrip(b"\xef\xbb\xbf").strip()
    if text[:1] in (b"{", b"["):
        try:
            return count_json(json.loads(text))
        except ValueError:
            # JSON Lines.
            return sum(count_json(json.loads(l)) for l in text.splitlines() if l.strip())
    try:
        return count_proto(data)
    except Exception:
        return None


def read_with_tracelens(bin_path, path):
    p = subprocess.run(
        [bin_path, "summary", "--json", path], capture_output=True, timeout=300
    )
    spans = 0
    warnings = 0
    try:
        doc = json.loads(p.stdout)
        spans = sum(t["span_count"] for t in doc.get("traces", []))
        warnings = len(doc.get("warnings", []))
    except ValueError:
        pass
    first_error = p.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
    return p.returncode, spans, warnings, first_error[0] if first_error else ""


def main():
    bin_path, dirs = sys.argv[1], sys.argv[2:]
    files = []
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith(TRACE_SUFFIXES):
                    files.append(os.path.join(root, n))
    rows = []
    bad = 0
    for path in sorted(files):
        expected = count_file(path)
        if expected is None:
            continue
        code, read, warnings, err = read_with_tracelens(bin_path, path)
        if code == 0 and read == expected:
            verdict = "ok"
        elif code == 1 and read == 0 and err:
            verdict = "refused"
        else:
            verdict = "MISMATCH"
            bad += 1
        rel = os.path.relpath(path, dirs[0]) if len(dirs) == 1 else path
        rows.append((rel, expected, read, warnings, verdict, err if verdict != "ok" else ""))
    width = max([len(r[0]) for r in rows] + [4])
    print(f"{'file':<{width}} | spans in file | spans read | warnings | verdict")
    print(f"{'-' * width}-|---------------|------------|----------|--------")
    for rel, expected, read, warnings, verdict, err in rows:
        print(f"{rel:<{width}} | {expected:>13} | {read:>10} | {warnings:>8} | {verdict}")
        if err:
            print(f"{'':<{width}}   {err[:160]}")
    ok = sum(1 for r in rows if r[4] == "ok")
    refused = sum(1 for r in rows if r[4] == "refused")
    print(f"\nconformance: {ok} ok, {refused} refused, {bad} mismatched, of {len(rows)} files")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
