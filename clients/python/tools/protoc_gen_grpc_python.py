"""protoc-gen-grpc_python: grpcio-tools' gRPC Python generator as a protoc plugin, for buf.

grpcio-tools builds the generator into its own protoc (`--grpc_python_out`) and ships no plugin
binary, and buf proxies only protoc's own built-in generators. This plugin does what buf's proxy
does: it writes the request's files as a descriptor set, runs grpc_tools.protoc on it with
--grpc_python_out, and answers with what it wrote. The plugin parameter, if any, is passed on as
the generator's options. install-plugins.sh links it into "$TOOLS/bin" with the tools venv's
python.
"""

from __future__ import annotations

import os
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> int:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse(
        supported_features=plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    )
    with tempfile.TemporaryDirectory(prefix="protoc-gen-grpc_python-") as work:
        descriptor_set = os.path.join(work, "input.binpb")
        with open(descriptor_set, "wb") as out:
            out.write(descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString())
        out_dir = os.path.join(work, "out")
        os.mkdir(out_dir)
        # protoc's form for a generator's options: --grpc_python_out=OPTIONS:DIR.
        out_flag = f"--grpc_python_out={request.parameter + ':' if request.parameter else ''}{out_dir}"
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"--descriptor_set_in={descriptor_set}",
                out_flag,
                *request.file_to_generate,
            ]
        )
        if status != 0:
            response.error = f"grpc_tools.protoc exited with status {status}"
        else:
            for root, _dirs, files in sorted(os.walk(out_dir)):
                for name in sorted(files):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as generated:
                        response.file.add(
                            name=os.path.relpath(path, out_dir).replace(os.sep, "/"),
                            content=generated.read(),
                        )
    sys.stdout.buffer.write(response.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
