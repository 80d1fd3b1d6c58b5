#!/usr/bin/env bash
# Installs what building and testing Tracelens needs on a fresh Debian machine.
# Idempotent: installs only what is missing. Sourced by run-app.sh and test.sh.
set -euo pipefail

need_apt=()
for pkg in gcc g++ make pkg-config ca-certificates; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
# node builds the web UI and runs the JSON.parse baseline of the benchmarks.
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# Debian's Chromium runs the web UI's end-to-end tests (playwright-core drives it).
[[ -n "${TRACELENS_NO_BROWSER:-}" ]] || command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The desktop app: WebKitGTK to build it; Xvfb, WebKitWebDriver (and
# tauri-driver, below) to test it in a real window; a D-Bus session bus and
# gnome-keyring's Secret Service for the saved connections' keychain tests;
# xclip and xdotool to read the app's clipboard and drive its save dialog.
if [[ -z "${TRACELENS_NO_DESKTOP:-}" ]]; then
    for pkg in libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev xvfb xauth webkit2gtk-driver \
        dbus-daemon dbus-bin gnome-keyring xclip xdotool; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
    done
fi
if ((${#need_apt[@]})); then
    echo "setup: installing ${need_apt[*]}" >&2
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found; install Rust (rustup) first" >&2
    exit 1
fi
if [[ -z "${TRACELENS_NO_DESKTOP:-}" ]] && ! command -v tauri-driver >/dev/null 2>&1; then
    echo "setup: installing tauri-driver" >&2
    cargo install tauri-driver --locked --version '^2'
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt 2>/dev/null || true

# The tests' ClickHouse engine when no server is given (CLICKHOUSE_URL) and
# no `clickhouse` binary is on PATH: ClickHouse 26.x from PyPI's chdb-core
# behind tests/clickhouse/chdb_front.py, which needs lz4 and CityHash.
if [[ -z "${CLICKHOUSE_URL:-}" ]] && ! command -v clickhouse >/dev/null 2>&1 \
    && ! python3 -c 'import chdb, lz4.block, lz4.frame, clickhouse_cityhash.cityhash' >/dev/null 2>&1; then
    echo "setup: installing chdb-core (the ClickHouse engine for the tests), lz4, clickhouse-cityhash" >&2
    python3 -m pip install --quiet --disable-pip-version-check --no-deps chdb-core
    python3 -m pip install --quiet --disable-pip-version-check lz4 clickhouse-cityhash
fi

# Real OTLP senders for the receiver's tests: Python's opentelemetry-sdk
# and its OTLP/HTTP and OTLP/gRPC exporters.
if ! python3 -c 'import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, opentelemetry.exporter.otlp.proto.grpc' >/dev/null 2>&1; then
    echo "setup: installing opentelemetry-sdk and its OTLP/HTTP and OTLP/gRPC exporters (receiver tests)" >&2
    python3 -m pip install --quiet --disable-pip-version-check opentelemetry-sdk \
        opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-proto-grpc
fi

# Real loggers for the log readers' tests: python-json-logger with
# OpenTelemetry's LoggingInstrumentor (ids in every record), and structlog.
if ! python3 -c 'import opentelemetry.instrumentation.logging, pythonjsonlogger, structlog' >/dev/null 2>&1; then
    echo "setup: installing opentelemetry-instrumentation-logging, python-json-logger, structlog (log reader tests)" >&2
    python3 -m pip install --quiet --disable-pip-version-check opentelemetry-instrumentation-logging \
        python-json-logger structlog
fi

# The GenAI instrumentation's log events: the OpenAI client, and
# opentelemetry-instrumentation-openai-v2 in two releases that cannot share
# one environment (2.3b0 writes the per-message events of the v1.30
# conventions and wants wrapt 1; 2.4b0 the latest conventions' details
# event, through opentelemetry-util-genai). Each goes into its own
# directory, which tests/otel/genai_openai.py puts first on its path.
if ! python3 -c 'import openai, httpx' >/dev/null 2>&1; then
    echo "setup: installing openai (GenAI instrumentation tests)" >&2
    python3 -m pip install --quiet --disable-pip-version-check 'openai>=1.26,<2' httpx
fi
py_cache="${TRACELENS_PY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracelens/py}"
if [[ ! -d "$py_cache/genai-legacy/opentelemetry_instrumentation_openai_v2-2.3b0.dist-info" ]]; then
    echo "setup: installing opentelemetry-instrumentation-openai-v2 2.3b0 into $py_cache/genai-legacy" >&2
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$py_cache/genai-legacy" \
        opentelemetry-instrumentation-openai-v2==2.3b0 'wrapt<2'
fi
if [[ ! -d "$py_cache/genai-latest/opentelemetry_instrumentation_openai_v2-2.4b0.dist-info" ]]; then
    echo "setup: installing opentelemetry-instrumentation-openai-v2 2.4b0 into $py_cache/genai-latest" >&2
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$py_cache/genai-latest" \
        opentelemetry-instrumentation-openai-v2==2.4b0 opentelemetry-util-genai==1.1b0
fi

# The web UI's packages, exactly as locked; reinstalled only when the lock changed.
ui="$(dirname "${BASH_SOURCE[0]}")/../ui"
if [[ ! -f "$ui/node_modules/.package-lock.json" || "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]]; then
    echo "setup: installing the web UI's npm packages" >&2
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
fi
