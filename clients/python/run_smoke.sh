#!/usr/bin/env bash
# Python end-to-end smoke test: starts a csat server on a fresh SQLite file and a free port, runs
# clients/python/smoke_test.py against it, then stops it with SIGTERM and requires exit code 0.
#
#   bash clients/python/run_smoke.sh target/debug/csat
#
# VENV (default .venv at the repo top) is created if missing; requirements.txt is installed into it.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH_TO_CSAT_BINARY" >&2
    exit 2
fi

repo_top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_arg="$1"
if [[ "$bin_arg" != /* ]]; then
    bin_arg="$PWD/$bin_arg"
fi
if [[ ! -x "$bin_arg" ]]; then
    echo "run_smoke: $1 is not an executable file" >&2
    exit 2
fi
BIN="$bin_arg"
cd "$repo_top"

VENV="${VENV:-.venv}"
tmp="$(mktemp -d)"
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

show_log() {
    echo "---- csat server log ----" >&2
    cat "$tmp/server.log" >&2 || true
    echo "-------------------------" >&2
}

echo "run_smoke: python environment in $VENV"
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
fi
py="$VENV/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check -r clients/python/requirements.txt

echo "run_smoke: generating stubs into $tmp/stubs"
mkdir -p "$tmp/stubs"
"$py" -m grpc_tools.protoc -Iproto --python_out="$tmp/stubs" --grpc_python_out="$tmp/stubs" \
    proto/csat/v1/*.proto

PORT="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

echo "run_smoke: starting $BIN on 127.0.0.1:$PORT"
"$BIN" serve --listen "127.0.0.1:$PORT" --database-url "sqlite://$tmp/csat.db?mode=rwc" \
    >"$tmp/server.log" 2>&1 &
server_pid=$!

if ! "$py" clients/python/smoke_test.py --target "127.0.0.1:$PORT" --stubs "$tmp/stubs"; then
    show_log
    exit 1
fi

echo "run_smoke: stopping the server with SIGTERM"
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_smoke: the server exited before SIGTERM" >&2
    show_log
    exit 1
fi
kill -TERM "$server_pid"
for _ in $(seq 1 200); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
    echo "run_smoke: the server still runs 20 s after SIGTERM" >&2
    show_log
    exit 1
fi
status=0
wait "$server_pid" || status=$?
server_pid=""
if [[ "$status" -ne 0 ]]; then
    echo "run_smoke: the server exited with status $status after SIGTERM, expected 0" >&2
    show_log
    exit 1
fi
echo "run_smoke: server stopped cleanly (exit 0)"
