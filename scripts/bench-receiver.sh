#!/usr/bin/env bash
# Receiver benchmark: spans/s that Python's opentelemetry-sdk sustains
# exporting to `tracelens receive` over OTLP/HTTP and OTLP/gRPC, against the
# SDK's own ceiling (the same load with an exporter that drops everything),
# medians of 3, and the receiver's peak memory. Writes a section of
# docs/benchmarks.md. Usage: scripts/bench-receiver.sh [SPANS] (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
n="${1:-200000}"
cargo build --release --locked -p tracelens-cli
bin=target/release/tracelens
py=tests/otel/load_python.py
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_receiver() {
    "$bin" receive --addr 127.0.0.1:0 --grpc-addr 127.0.0.1:0 --json >"$tmp/out" &
    rpid=$!
    for _ in $(seq 100); do
        [[ $(wc -l <"$tmp/out") -ge 2 ]] && break
        sleep 0.1
    done
    http_url=$(sed -n 1p "$tmp/out"); http_url="${http_url##* }"
    grpc_addr=$(sed -n 2p "$tmp/out"); grpc_addr="${grpc_addr##* }"
}
stop_receiver() {
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$rpid/status")
    # CPU seconds the receiver used (utime + stime, in clock ticks).
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$rpid/stat")
    kill -TERM "$rpid"
    wait "$rpid" || true
}
null=(); http=(); grpc=(); cpus=(); peak=0
for _ in 1 2 3; do
    null+=("$(python3 "$py" "$n" none)")
    run_receiver
    http+=("$(python3 "$py" "$n" http "$http_url")")
    grpc+=("$(python3 "$py" "$n" grpc "http://$grpc_addr")")
    stop_receiver
    cpus+=("$cpu")
    (( hwm > peak )) && peak=$hwm
done
m_null=$(printf '%s\n' "${null[@]}" | median)
m_http=$(printf '%s\n' "${http[@]}" | median)
m_grpc=$(printf '%s\n' "${grpc[@]}" | median)
section=$(cat <<MD
<!-- rx-bench -->
## OTLP receiver (tracelens receive)

Measured by \`scripts/bench-receiver.sh\` on $(nproc) × $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(date -u +%F). Python's opentelemetry-sdk makes $n spans (agent spans of 10) with a BatchSpanProcessor (512 a batch) and exports them to \`tracelens receive\` on loopback; the same load with an exporter that drops everything is the sender's ceiling. Medians of 3 runs; the receiver parses, queues and counts (no recording).

| sender | spans/s | ÷ ceiling |
|---|---:|---:|
| SDK alone (null exporter) | $m_null | 1.00 |
| OTLP/HTTP (protobuf) to Tracelens | $m_http | $(awk "BEGIN {printf \"%.2f\", $m_http / $m_null}") |
| OTLP/gRPC to Tracelens | $m_grpc | $(awk "BEGIN {printf \"%.2f\", $m_grpc / $m_null}") |

Receiver peak memory (VmHWM) over the runs: $((peak / 1024)) MiB. Receiver CPU per run (its $((2 * n)) spans, HTTP then gRPC): $(printf '%s\n' "${cpus[@]}" | median) s (median), against the sender's $(awk "BEGIN {printf \"%.1f\", $n / $m_http + $n / $m_grpc}") s of wall time: the sender (making, encoding and sending spans in Python) is the bottleneck, not the receiver.
<!-- /rx-bench -->
MD
)
python3 - "$section" <<'PY'
import re, sys
sec = sys.argv[1]
p = "docs/benchmarks.md"
s = open(p).read()
if "<!-- rx-bench -->" in s:
    s = re.sub(r"<!-- rx-bench -->.*?<!-- /rx-bench -->", lambda m: sec, s, flags=re.S)
else:
    s = s.rstrip() + "\n\n" + sec + "\n"
open(p, "w").write(s)
PY
echo "$section"
