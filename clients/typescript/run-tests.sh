#!/usr/bin/env bash
# Installs the TypeScript package's dependencies from npm (exactly package-lock.json), builds it
# with tsc, and runs its tests (node's test runner) against the csat binary given: each suite
# starts the server on a temporary SQLite file and a free port, and stops it with SIGTERM.
#
#   bash clients/typescript/run-tests.sh target/debug/csat
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH_TO_CSAT_BINARY" >&2
    exit 2
fi
binary="$(realpath "$1")"
if [[ ! -x "$binary" ]]; then
    echo "run-tests: $binary is not an executable csat binary" >&2
    exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")"

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "==> tsc"
rm -rf dist dist-test
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json
echo "==> node --test (csat: $binary)"
# One file at a time: each starts its own server, and the machine may have few cores.
CSAT_BINARY="$binary" node --test --test-concurrency=1 dist-test/test/*.test.js
