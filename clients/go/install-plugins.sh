#!/usr/bin/env bash
# Installs the Go code-generation plugins that the root buf.gen.yaml names (protoc-gen-go and
# protoc-gen-go-grpc) into "$TOOLS/bin", at pinned versions, from the Go module proxy. Quick when
# they are already there at those versions: the version each binary reports is checked first.
# Bump a pin together with `bash .ci/generate --write`, so the committed code matches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROTOC_GEN_GO_VERSION=v1.36.12      # google.golang.org/protobuf
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2   # google.golang.org/grpc/cmd/protoc-gen-go-grpc

TOOLS="${TOOLS:-$PWD/.tools}"
mkdir -p "$TOOLS/bin"
export GOBIN="$TOOLS/bin"

installed_version() {
    # `protoc-gen-go --version` prints "protoc-gen-go v1.36.12"; the grpc plugin
    # "protoc-gen-go-grpc 1.6.2" (no "v").
    [[ -x "$GOBIN/$1" ]] && "$GOBIN/$1" --version 2>/dev/null | awk '{print $2}' | sed 's/^v//'
}

if [[ "$(installed_version protoc-gen-go || true)" != "${PROTOC_GEN_GO_VERSION#v}" ]]; then
    echo "installing protoc-gen-go $PROTOC_GEN_GO_VERSION into $GOBIN"
    go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
fi
if [[ "$(installed_version protoc-gen-go-grpc || true)" != "${PROTOC_GEN_GO_GRPC_VERSION#v}" ]]; then
    echo "installing protoc-gen-go-grpc $PROTOC_GEN_GO_GRPC_VERSION into $GOBIN"
    go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
fi
