#!/usr/bin/env bash
# Builds csat's Java client and runs its JUnit tests against a csat binary:
#
#   bash clients/java/run-tests.sh target/debug/csat
#
# Dependencies and Maven plugins come from Maven Central into ~/.m2 (MAVEN_REPO_LOCAL overrides
# it); the tests start the binary themselves on a temporary SQLite file and a free port, and stop
# it with SIGTERM. Surefire's summary ("Tests run: N, Failures: 0, ...") is the last test output.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH_TO_CSAT_BINARY" >&2
    exit 2
fi
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [[ ! -x "$binary" ]]; then
    echo "run-tests: $1 is not an executable csat binary" >&2
    exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")"

maven_args=(-B --no-transfer-progress -Dstyle.color=never -Dcsat.bin="$binary")
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
    maven_args+=(-Dmaven.repo.local="$MAVEN_REPO_LOCAL")
fi
# verify: compile, run every test (none may be skipped: CsatServer fails without a binary under
# CI=true), and package the jar.
mvn "${maven_args[@]}" verify
