#!/usr/bin/env bash
# Installs TypeScript's code-generation plugin, protoc-gen-es (Protobuf-ES v2, which Connect-ES
# uses), from npm into "$TOOLS" and links it as "$TOOLS/bin/protoc-gen-es". Pinned: 2.13.0 is the
# newest that runs on Node 20 (2.14 and later want Node 22). Quick when already installed.
set -euo pipefail

version=2.13.0
tools="${TOOLS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.tools}"
prefix="$tools/npm/protoc-gen-es-$version"
plugin="$prefix/node_modules/.bin/protoc-gen-es"
link="$tools/bin/protoc-gen-es"

if [[ ! -x "$plugin" ]]; then
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error \
        "@bufbuild/protoc-gen-es@$version"
fi
mkdir -p "$tools/bin"
ln -sfn "$plugin" "$link"
installed="$("$link" --version)"
if [[ "$installed" != *"v$version"* ]]; then
    echo "install-plugins: expected protoc-gen-es v$version, found '$installed'" >&2
    exit 1
fi
echo "protoc-gen-es $installed at $link"
