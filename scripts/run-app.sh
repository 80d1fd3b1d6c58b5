#!/usr/bin/env bash
# Sets up this machine and opens Tracelens on the bundled sample trace.
# The desktop window arrives with the desktop issue; until then this prints
# the sample's summary and the span tree of its most eventful trace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked -p tracelens-cli
bin=target/release/tracelens
sample=examples/agent-runs.jsonl
"$bin" summary "$sample"
# The trace with a dead agent: the one the audit could not explain.
trace=$("$bin" summary "$sample" --json | python3 -c 'import json,sys
d=json.load(sys.stdin)
t=[t for t in d["traces"] if "dead" in t["states"]] or d["traces"]
print(t[0]["trace_id"])')
echo
"$bin" tree "$sample" --trace "$trace"
