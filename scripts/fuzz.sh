#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 30 s each): every reader, the
# readers behind real compression layers (inflated), and the receiver's
# body path (receiver_body). The RSS limit is far below what an unbounded
# inflation or record would take, so a leaking bound is a finding.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain
# accept them (no other toolchain can be installed on these machines).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus
for t in sniffed otlp_json otlp_json_scan otlp_proto otlp_framed jaeger zipkin inflated receiver_body; do
    mkdir -p "fuzz/corpus/$t"
    # Seed every corpus with the fixtures and the sample.
    cp tests/fixtures/* examples/agent-runs.jsonl "fuzz/corpus/$t/" 2>/dev/null || true
    echo "== fuzz $t for ${secs}s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=1024
done
