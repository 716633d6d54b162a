#!/usr/bin/env bash
# Runs the Go client's checks and tests against a csat server binary:
#
#   bash clients/go/run-tests.sh PATH_TO_CSAT_BINARY
#
# Modules come from the Go module proxy (go.sum pins them). The tests start the binary
# themselves on a temporary SQLite file and a port the kernel picks, and stop it with SIGTERM.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH_TO_CSAT_BINARY" >&2
    exit 2
fi
if [[ ! -x "$1" ]]; then
    echo "run-tests: $1 is not an executable csat binary" >&2
    exit 2
fi
CSAT_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export CSAT_BIN
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
# This module alone, whatever go.work a developer keeps above it.
export GOWORK=off
go version

echo "==> go mod download"
go mod download
echo "==> go.mod and go.sum are tidy"
go mod tidy -diff
echo "==> gofmt"
unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
    echo "run-tests: not gofmt-formatted:" >&2
    echo "$unformatted" >&2
    exit 1
fi
echo "==> go vet"
go vet ./...
echo "==> go test (server: $CSAT_BIN)"
go test -count=1 ./...
