#!/usr/bin/env bash
# Runs the Rust client's checks and tests against a csat server binary:
#
#   bash clients/rust/run-tests.sh PATH_TO_CSAT_BINARY
#
# Crates come from crates.io (Cargo.lock pins them) and build under the repository's ignored
# target/ (target/clients-rust, or CARGO_TARGET_DIR). The tests start the binary themselves on
# a temporary SQLite file and a port the kernel picks, and stop it with SIGTERM.
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
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target/clients-rust}"
cargo --version

echo "==> cargo fmt --check"
cargo fmt --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings
echo "==> no server dependency in the client's tree"
if cargo tree --locked -e normal --prefix none | grep -E '^(sea-orm|sqlx|rusqlite|libsqlite3-sys) v'; then
    echo "run-tests: the client build pulls the server's storage (above)" >&2
    exit 1
fi
echo "==> cargo test (server: $CSAT_BIN)"
cargo test --locked
