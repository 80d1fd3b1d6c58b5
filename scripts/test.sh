#!/usr/bin/env bash
# Sets up this machine and runs every test: formatting, lints, unit,
# property, cross-crate and CLI tests, the web UI and desktop end to end,
# a smoke run of the benchmarks and a short fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each stage says when it began (time since the start), so a slow run
# shows where its time went.
SECONDS=0
stage() { printf '== [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
scripts/setup.sh

stage "web UI: strict TypeScript build (the desktop app embeds ui/dist)"
(cd ui && npm run build --silent)
stage "web UI: format and lint (Biome), unit tests of its pure logic (Vitest)"
(cd ui && npm run check --silent)
mkdir -p target
(cd ui && npx vitest run --dir tests/unit --reporter=default --reporter=json --outputFile=../target/vitest.json)
stage "cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
stage "cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
passed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^passed/) s += $i } END { print s + 0 }' "$log")
failed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed/) s += $i } END { print s + 0 }' "$log")
stage "benchmarks build; harness smoke run (figures not kept)"
cargo bench -p tracelens-formats --locked --no-run
cargo run --release --locked -p tracelens-bench -- report \
    --out target/bench-smoke/benchmarks.md --dir target/bench-smoke --runs 1 --sizes 2000 >/dev/null
grep -q '| 2000 |' target/bench-smoke/benchmarks.md || grep -q '^| 20[0-9][0-9] |' target/bench-smoke/benchmarks.md
stage "the bundled sample opens"
cargo run --release --locked -p tracelens-cli -- summary examples/agent-runs.jsonl --json >/dev/null
e2e_log=$(mktemp)
stage "web UI end to end in Chromium against tracelens serve"
(cd ui && timeout 600 node tests/e2e.mjs ../target/release/tracelens) 2>&1 | tee "$e2e_log"
stage "desktop app end to end in its real window (Xvfb, tauri-driver, WebKitWebDriver)"
cargo build --locked -p tracelens-app
(cd ui && timeout 600 node tests/desktop.mjs ../target/debug/tracelens-app) 2>&1 | tee -a "$e2e_log"
passed=$((passed + $(grep -c '^ok ' "$e2e_log" || true)))
unit=$(node -e 'const r = require("./target/vitest.json"); console.log(r.numPassedTests + " " + r.numFailedTests)')
passed=$((passed + ${unit% *}))
failed=$((failed + ${unit#* }))
failed=$((failed + $(grep -c '^FAIL ' "$e2e_log" || true)))
rm -f "$e2e_log"
# A short fuzz run of every target (10 s each by default; 0 skips): the
# readers, the readers behind real compression layers, the receiver's body.
fuzz_secs="${TRACELENS_FUZZ_SECONDS:-10}"
if [[ "$fuzz_secs" != 0 ]]; then
    stage "fuzz (${fuzz_secs}s per target)"
    scripts/fuzz.sh "$fuzz_secs"
fi
stage "done"
echo "tests: ${passed} passed, ${failed} failed"
