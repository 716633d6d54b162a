#!/usr/bin/env bash
# Installs the Java code generators that the root buf.gen.yaml names into "$TOOLS/bin", at pinned
# versions, from Maven Central (through mvn, which every Java developer has):
#   - protoc-4.33.5: protoc itself (com.google.protobuf:protoc). buf runs protoc's built-in `java`
#     generator through it (`protoc_path`); the version is in the name so that buf.gen.yaml pins it
#     and no other protoc on PATH is picked up.
#   - protoc-gen-grpc-java-1.83.0: grpc-java's stub generator (io.grpc:protoc-gen-grpc-java).
# Quick when both are already there. The protoc version must not be newer than the protobuf-java
# in clients/java/pom.xml (generated code checks its runtime at class load). Changing a pin changes
# the generated code: update buf.gen.yaml, run `bash .ci/generate --write` and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROTOC_VERSION=4.33.5               # com.google.protobuf:protoc (libprotoc 33.5)
PROTOC_GEN_GRPC_JAVA_VERSION=1.83.0 # io.grpc:protoc-gen-grpc-java (1.85's linux file is not served)
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

TOOLS="${TOOLS:-$PWD/.tools}"
mkdir -p "$TOOLS/bin"

# Maven Central's classifier for this machine, as os-maven-plugin spells it.
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) classifier=linux-x86_64 ;;
    Linux-aarch64 | Linux-arm64) classifier=linux-aarch_64 ;;
    Darwin-x86_64) classifier=osx-x86_64 ;;
    Darwin-arm64) classifier=osx-aarch_64 ;;
    *)
        echo "install-plugins: no protoc build on Maven Central for $(uname -s) $(uname -m)" >&2
        exit 1
        ;;
esac

# install_executable NAME GROUP:ARTIFACT:VERSION: copies the artifact's native executable to $TOOLS/bin/NAME.
install_executable() {
    local name="$1" coordinates="$2"
    if [[ -x "$TOOLS/bin/$name" ]]; then
        return
    fi
    echo "installing $name ($coordinates:exe:$classifier) into $TOOLS/bin"
    local scratch
    scratch="$(mktemp -d)"
    mvn -B -q -Dstyle.color=never "$DEPENDENCY_PLUGIN:copy" -Dartifact="$coordinates:exe:$classifier" \
        -DoutputDirectory="$scratch" -Dmdep.stripVersion=true
    install -m 0755 "$scratch"/*.exe "$TOOLS/bin/$name.partial"
    mv "$TOOLS/bin/$name.partial" "$TOOLS/bin/$name"
    rm -rf "$scratch"
}

install_executable "protoc-$PROTOC_VERSION" "com.google.protobuf:protoc:$PROTOC_VERSION"
install_executable "protoc-gen-grpc-java-$PROTOC_GEN_GRPC_JAVA_VERSION" \
    "io.grpc:protoc-gen-grpc-java:$PROTOC_GEN_GRPC_JAVA_VERSION"
echo "java plugins: protoc $PROTOC_VERSION, protoc-gen-grpc-java $PROTOC_GEN_GRPC_JAVA_VERSION in $TOOLS/bin"
