#!/usr/bin/env bash
# Reads every trace file under the folders given (default: ../shared/corpus
# beside this checkout) with `tracelens summary --json` and prints a table:
#   file | spans in file | spans read | warnings | verdict
# "spans in file" comes from an independent count (tests/conformance/
# count_spans.py: span records by their keys, protobuf through the
# opentelemetry-proto package), not from Tracelens. Verdicts:
#   ok       every span in the file was read, exit 0
#   refused  nothing that counts as spans, and Tracelens said so (exit 1)
#   MISMATCH anything else (the script then exits 1)
# Zipkin files count span records; Tracelens merges records of one span
# (fragments), so a merged count below the records is reported as ok when
# the merge is what made the difference (see docs/formats.md).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${TRACELENS:-$here/target/release/tracelens}"
[[ -x "$bin" ]] || cargo build --release --locked -p tracelens-cli --manifest-path "$here/Cargo.toml" >&2
dirs=("$@")
((${#dirs[@]})) || dirs=("$here/../shared/corpus")
python3 "$here/tests/conformance/count_spans.py" "$bin" "${dirs[@]}"
