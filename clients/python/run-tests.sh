#!/usr/bin/env bash
# Installs the Python client package into a venv as a user would (`pip install
# ./clients/python[test]`, from the registries), type-checks it with mypy, and runs its pytest
# suite against a csat binary; the tests start that binary themselves on a temporary SQLite file
# and a free port, and stop it with SIGTERM.
#
#   bash clients/python/run-tests.sh target/debug/csat
#
# The venv is PYTHON_CLIENT_VENV (default clients/python/.venv), not .ci/run's VENV: the package
# and its dependencies are tested without whatever else that venv holds. pytest runs from a
# temporary folder, so `import csat_client` can only find the installed package.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH_TO_CSAT_BINARY" >&2
    exit 2
fi
csat_bin="$1"
if [[ "$csat_bin" != /* ]]; then
    csat_bin="$PWD/$csat_bin"
fi
if [[ ! -x "$csat_bin" || -d "$csat_bin" ]]; then
    echo "run-tests: $1 is not an executable file" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PYTHON_CLIENT_VENV:-$here/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
py="$venv/bin/python"
pip=("$py" -m pip --disable-pip-version-check --quiet)

echo "run-tests: pip install ./clients/python[test] into $venv"
# --force-reinstall --no-deps after the normal install: pip keeps an installed csat-client 0.1.0
# even when the source changed, and the test must see this checkout's package.
"${pip[@]}" install "$here[test]"
"${pip[@]}" install --force-reinstall --no-deps "$here"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

installed="$("$py" -c 'import csat_client; print(csat_client.__file__)')"
case "$installed" in
    "$venv"/*) echo "run-tests: csat_client imported from $installed" ;;
    *)
        echo "run-tests: csat_client imported from $installed, not from the venv" >&2
        exit 1
        ;;
esac

echo "run-tests: mypy --strict on the package and its tests"
"$py" -m mypy --config-file "$here/pyproject.toml" --cache-dir "$work/.mypy_cache" \
    "$here/src/csat_client" "$here/tests"

echo "run-tests: pytest against $csat_bin"
CSAT_BIN="$csat_bin" "$py" -m pytest -p no:cacheprovider --rootdir "$here" -c "$here/pyproject.toml" "$here/tests"
