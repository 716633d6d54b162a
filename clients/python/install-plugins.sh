#!/usr/bin/env bash
# Installs the Python code generators, pinned, into a venv under "$TOOLS" and links them into
# "$TOOLS/bin" (.ci/generate sets TOOLS and puts "$TOOLS/bin" on PATH):
#   - grpc_tools_protoc: a wrapper running `python -m grpc_tools.protoc`, the protoc that
#     grpcio-tools bundles; buf.gen.yaml names it as protoc_path of the `python` protoc_builtin,
#     so messages come from the same protoc version as the gRPC code.
#   - protoc-gen-grpc_python: tools/protoc_gen_grpc_python.py, grpcio-tools' gRPC generator as a
#     plugin (buf proxies only protoc's own built-in generators, and grpc_python is not one).
#   - protoc-gen-mypy and protoc-gen-mypy_grpc (mypy-protobuf): the .pyi stubs.
# Quick when the pinned versions are already there. Changing a pin changes the generated code:
# run `bash .ci/generate --write` and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

GRPCIO_TOOLS_VERSION=1.85.1
MYPY_PROTOBUF_VERSION=5.1.0

TOOLS="${TOOLS:-$PWD/.tools}"
venv="$TOOLS/python-venv"
stamp="$venv/.csat-pins"
pins="grpcio-tools==$GRPCIO_TOOLS_VERSION mypy-protobuf==$MYPY_PROTOBUF_VERSION"

mkdir -p "$TOOLS/bin"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$pins" ]]; then
    # shellcheck disable=SC2086 # $pins is a list of requirements
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins
    echo "$pins" >"$stamp"
fi

cat >"$TOOLS/bin/grpc_tools_protoc" <<WRAPPER
#!/bin/sh
exec "$venv/bin/python" -m grpc_tools.protoc "\$@"
WRAPPER
chmod +x "$TOOLS/bin/grpc_tools_protoc"
cat >"$TOOLS/bin/protoc-gen-grpc_python" <<WRAPPER
#!/bin/sh
exec "$venv/bin/python" "$PWD/clients/python/tools/protoc_gen_grpc_python.py" "\$@"
WRAPPER
chmod +x "$TOOLS/bin/protoc-gen-grpc_python"
ln -sf "$venv/bin/protoc-gen-mypy" "$TOOLS/bin/protoc-gen-mypy"
ln -sf "$venv/bin/protoc-gen-mypy_grpc" "$TOOLS/bin/protoc-gen-mypy_grpc"
echo "python plugins: $pins in $venv"
