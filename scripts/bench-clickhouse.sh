#!/usr/bin/env bash
# ClickHouse benchmark: import, fetch by id (lookup vs plain WHERE), trace
# list, written into docs/benchmarks.md. Against $CLICKHOUSE_URL when set,
# else the tests' chdb-core engine started on a temporary directory.
# Usage: scripts/bench-clickhouse.sh [SPANS]   (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
spans="${1:-10000000}"
cargo build --release --locked -p tracelens-bench
url="${CLICKHOUSE_URL:-}"
engine="the ClickHouse server at \$CLICKHOUSE_URL"
if [[ -z "$url" ]]; then
    data=$(mktemp -d)
    trap 'kill "$front" 2>/dev/null || true; rm -rf "$data"' EXIT
    coproc FRONT { exec python3 tests/clickhouse/chdb_front.py --data "$data/db" --port 0; }
    front=$FRONT_PID
    read -r line <&"${FRONT[0]}"
    url="${line#listening on }"
    engine="ClickHouse $(python3 -c 'import chdb; print(chdb.engine_version)' 2>/dev/null || echo 26.x) (chdb-core, in process, behind tests/clickhouse/chdb_front.py)"
fi
target/release/tracelens-bench clickhouse --url "$url" --spans "$spans" --engine "$engine"
