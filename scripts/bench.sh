#!/usr/bin/env bash
# Measures ingest, analyses and memory, and log ingest and placement
# (at 100k and 1M records), and writes docs/benchmarks.md.
# Usage: scripts/bench.sh [--sizes 10000,100000,1000000] [--runs 5]
# Needs ~2 GB of disk under target/bench-data for the 1M-span inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p tracelens-bench
target/release/tracelens-bench report --out docs/benchmarks.md --dir target/bench-data "$@"
exec target/release/tracelens-bench logs --out docs/benchmarks.md --dir target/bench-data
