"""The csat.v1 messages and gRPC stubs, generated from proto/csat/v1 (do not edit the *_pb2* files).

    from csat_client.v1 import rating_pb2, rating_pb2_grpc

Each `<file>_pb2` module holds the messages and enums of `proto/csat/v1/<file>.proto`, and each
`<file>_pb2_grpc` module its service's stub (`RatingServiceStub`, …). The proto comments are the
documentation: they are copied into the .pyi stubs, so an editor shows them.
"""
