#!/usr/bin/env bash
# The write-through's agent tracker: flush cost with many spans kept against
# building them all (the former flush), and memory per kept span. Writes a
# section of docs/benchmarks.md. Usage: scripts/bench-tracker.sh [--runs 21] [--sizes 10000,100000,500000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p tracelens-bench
exec target/release/tracelens-bench tracker --out docs/benchmarks.md "$@"
