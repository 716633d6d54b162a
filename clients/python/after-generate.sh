#!/usr/bin/env bash
# Moves the Python code that buf.gen.yaml generates into clients/python/.gen (as csat/v1/…) into
# the package, as csat_client.v1, and rewrites its imports of `csat.v1` to `csat_client.v1`:
# generated as it is, `from csat.v1 import common_pb2` only works with the generation folder on
# sys.path, and would collide with any other top-level `csat` package. Only import lines (and
# the module name the messages are registered under, which pickling uses) are rewritten; proto
# package names, descriptors and method paths (`/csat.v1.RatingService/…`) stay as they are.
# .ci/generate runs this after `buf generate`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

staging=.gen
dest=src/csat_client/v1

if [[ ! -d "$staging/csat/v1" ]]; then
    echo "after-generate: $PWD/$staging/csat/v1 is missing; run buf generate first" >&2
    exit 1
fi
unexpected="$(find "$staging" -type f ! -path "$staging/csat/v1/*")"
if [[ -n "$unexpected" ]]; then
    echo "after-generate: generated files outside csat/v1, which this script does not place:" >&2
    echo "$unexpected" >&2
    exit 1
fi

rm -f "$dest"/*_pb2.py "$dest"/*_pb2.pyi "$dest"/*_pb2_grpc.py "$dest"/*_pb2_grpc.pyi
for generated in "$staging"/csat/v1/*; do
    sed -E \
        -e 's/^from csat\.v1 import /from csat_client.v1 import /' \
        -e 's/^import csat\.v1\./import csat_client.v1./' \
        -e "s/^(_builder\.BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')csat\.v1\./\1csat_client.v1./" \
        "$generated" >"$dest/$(basename "$generated")"
done
rm -rf "$staging"

left="$(grep -nE '^\s*(from|import) csat(\.|\s|$)' "$dest"/*_pb2*.py "$dest"/*_pb2*.pyi || true)"
if [[ -n "$left" ]]; then
    echo "after-generate: imports of csat.v1 left after rewriting:" >&2
    echo "$left" >&2
    exit 1
fi
echo "after-generate: python code in clients/python/$dest"
