#!/usr/bin/env bash
# Sets up this machine and opens Tracelens on the bundled sample trace: the
# desktop app when there is a display; else `tracelens serve` for a browser
# (through an SSH tunnel on a remote box), after the sample's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd ui && npm run build --silent)
# The runs' spans, and the backend's log records for them (placed on the
# spans by their ids).
sample=(examples/agent-runs.jsonl examples/agent-logs.jsonl)
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${TRACELENS_NO_DESKTOP:-}" ]]; then
    cargo build --release --locked -p tracelens-app
    exec target/release/tracelens-app "${sample[@]}"
fi
cargo build --release --locked -p tracelens-cli
bin=target/release/tracelens
"$bin" summary "${sample[@]}"
echo
echo "No display: serving the web UI instead. Open the URL below in a browser"
echo "(from another machine: ssh -L PORT:127.0.0.1:PORT this-host, then the URL)."
exec "$bin" serve "${sample[@]}"
