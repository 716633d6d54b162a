"""`connect()`: one channel to a csat server with its stubs, a token and the retry policy."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import grpc
from grpc_health.v1 import health_pb2

from csat_client.v1 import (
    benchmark_pb2_grpc,
    customer_pb2_grpc,
    follow_up_pb2_grpc,
    invitation_pb2_grpc,
    rating_pb2_grpc,
    report_pb2_grpc,
    survey_pb2_grpc,
)

ChannelOption = tuple[str, Any]


def default_service_config() -> dict[str, Any]:
    """Returns the gRPC service config `connect()` uses unless told otherwise.

    It retries UNAVAILABLE (up to 5 attempts, backoff from 0.1 s doubling to 2 s) on the
    read-only and idempotent methods and on SubmitRating, BatchSubmitRatings and
    CreateInvitation, which rating and invitation ids make safe to resend: a resent one that was
    stored is answered as stored. CreateSurvey, CreateBenchmark, UpdateFollowUp, AddFollowUpNote
    and ImportRatings are not retried.
    The file is csat_client/retry_service_config.json; a fresh dict is returned on each call.
    """
    text = resources.files("csat_client").joinpath("retry_service_config.json").read_text("utf-8")
    config: dict[str, Any] = json.loads(text)
    return config


def channel_options(
    service_config: Mapping[str, Any] | None = None,
    options: Sequence[ChannelOption] = (),
) -> list[ChannelOption]:
    """Returns the channel options `connect()` passes to grpc: the service config, then `options`.

    For callers who build their own channel (grpc.aio included):

        channel = grpc.aio.insecure_channel(target, options=csat_client.channel_options())
    """
    config = default_service_config() if service_config is None else service_config
    return [
        ("grpc.enable_retries", 1),
        ("grpc.service_config", json.dumps(config)),
        *options,
    ]


class _ClientCallDetails(NamedTuple):
    method: str
    timeout: float | None
    metadata: Sequence[tuple[str, str | bytes]] | None
    credentials: grpc.CallCredentials | None
    wait_for_ready: bool | None
    compression: grpc.Compression | None


class _MetadataInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds fixed metadata (the `authorization` header) to every call on the channel.

    An interceptor rather than call credentials: gRPC sends call credentials only over TLS, and
    a token must also reach a server on a plaintext port behind a TLS-terminating proxy.
    """

    def __init__(self, metadata: Sequence[tuple[str, str]]) -> None:
        self._metadata = tuple(metadata)

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _ClientCallDetails(  # type: ignore[return-value]
            method=details.method,
            timeout=details.timeout,
            metadata=(*(details.metadata or ()), *self._metadata),
            credentials=details.credentials,
            wait_for_ready=getattr(details, "wait_for_ready", None),
            compression=getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_stream_unary(
        self, continuation: Callable[..., Any], details: Any, request_iterator: Iterator[Any]
    ) -> Any:
        return continuation(self._details(details), request_iterator)

    def intercept_stream_stream(
        self, continuation: Callable[..., Any], details: Any, request_iterator: Iterator[Any]
    ) -> Any:
        return continuation(self._details(details), request_iterator)


class HealthStub:
    """A typed stub of grpc.health.v1.Health (grpcio-health-checking's own has no types)."""

    Check: grpc.UnaryUnaryMultiCallable[health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse]
    """Answers the serving status of a service; "" is the whole server."""
    Watch: grpc.UnaryStreamMultiCallable[health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse]
    """Sends the serving status of a service, then each change of it."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.Check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        self.Watch = channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )


class CsatClient:
    """A channel to one csat server and a stub per service; `connect()` makes one.

    Use it as a context manager, or call `close()`, to release the channel. Every stub method
    takes `timeout=` (seconds, the call's deadline) and `metadata=`; a failed call raises
    grpc.RpcError, whose details `error_reason()` and `field_violations()` decode.
    """

    channel: grpc.Channel
    """The channel every stub below uses (with the token interceptor, if a token was given)."""
    surveys: survey_pb2_grpc.SurveyServiceStub
    """csat.v1.SurveyService: CreateSurvey, GetSurvey, ListSurveys, UpdateSurvey, ArchiveSurvey."""
    ratings: rating_pb2_grpc.RatingServiceStub
    """csat.v1.RatingService: SubmitRating, BatchSubmitRatings, ImportRatings, GetRating,
    ListRatings, StreamRatings, ExcludeRating, RestoreRating."""
    reports: report_pb2_grpc.ReportServiceStub
    """csat.v1.ReportService: GetReport, WatchReport, GetBenchmarkReport."""
    benchmarks: benchmark_pb2_grpc.BenchmarkServiceStub
    """csat.v1.BenchmarkService: CreateBenchmark, GetBenchmark, ListBenchmarks, DeleteBenchmark."""
    customers: customer_pb2_grpc.CustomerServiceStub
    """csat.v1.CustomerService: GetCustomer, ListCustomers, GetHealthPolicy, UpdateHealthPolicy,
    EraseCustomer."""
    follow_ups: follow_up_pb2_grpc.FollowUpServiceStub
    """csat.v1.FollowUpService: GetFollowUp, ListFollowUps, UpdateFollowUp, AddFollowUpNote."""
    invitations: invitation_pb2_grpc.InvitationServiceStub
    """csat.v1.InvitationService: CreateInvitation, GetInvitation, ListInvitations."""
    health: HealthStub
    """grpc.health.v1.Health: Check("") answers SERVING once the server is ready."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.surveys = survey_pb2_grpc.SurveyServiceStub(channel)
        self.ratings = rating_pb2_grpc.RatingServiceStub(channel)
        self.reports = report_pb2_grpc.ReportServiceStub(channel)
        self.benchmarks = benchmark_pb2_grpc.BenchmarkServiceStub(channel)
        self.customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self.follow_ups = follow_up_pb2_grpc.FollowUpServiceStub(channel)
        self.invitations = invitation_pb2_grpc.InvitationServiceStub(channel)
        self.health = HealthStub(channel)

    def close(self) -> None:
        """Closes the channel; calls in flight end with CANCELLED."""
        self.channel.close()

    def __enter__(self) -> CsatClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def tls_credentials(
    ca_file: str | os.PathLike[str] | None = None,
    cert_file: str | os.PathLike[str] | None = None,
    key_file: str | os.PathLike[str] | None = None,
) -> grpc.ChannelCredentials:
    """Returns TLS credentials for `connect(..., tls=...)` from PEM files.

    - `ca_file`: the certificates to trust for the server (a private CA); None trusts the
      system's roots.
    - `cert_file` and `key_file`, together: a client certificate and its key, presented for
      mutual TLS (a server started with --tls-client-ca takes its subject as the principal).
    """
    if (cert_file is None) != (key_file is None):
        raise ValueError("tls_credentials: give cert_file and key_file together, or neither")

    def read(path: str | os.PathLike[str] | None) -> bytes | None:
        return None if path is None else Path(path).read_bytes()

    return grpc.ssl_channel_credentials(
        root_certificates=read(ca_file), private_key=read(key_file), certificate_chain=read(cert_file)
    )


def connect(
    target: str,
    token: str | None = None,
    *,
    tls: bool | grpc.ChannelCredentials = True,
    service_config: Mapping[str, Any] | None = None,
    options: Sequence[ChannelOption] = (),
) -> CsatClient:
    """Returns a CsatClient for the csat server at `target` ("host:port", or any gRPC target).

    - `token`: an API key, sent as `authorization: Bearer <token>` metadata on every call,
      streams included (None or "" sends none). Read it from the environment or a secret
      (`os.environ.get("CSAT_API_KEY")`); it is never logged.
    - `tls`: True (the default) for TLS with the system's root certificates, False for a
      plaintext connection (a local server: `connect("127.0.0.1:50051", tls=False)`), or
      grpc.ChannelCredentials of your own (a private CA, client certificates:
      `tls_credentials(ca_file="ca.pem", cert_file="client.pem", key_file="client-key.pem")`).
    - `service_config`: a gRPC service config as a dict; default `default_service_config()`,
      which retries UNAVAILABLE where that is safe.
    - `options`: more grpc channel options, such as ("grpc.max_receive_message_length", n).

    The channel connects lazily: a server that is down shows as UNAVAILABLE on the first call
    (after the retries), not here.
    """
    all_options = channel_options(service_config, options)
    if tls is False:
        channel = grpc.insecure_channel(target, options=all_options)
    else:
        credentials = grpc.ssl_channel_credentials() if tls is True else tls
        channel = grpc.secure_channel(target, credentials, options=all_options)
    if token:
        channel = grpc.intercept_channel(
            channel, _MetadataInterceptor([("authorization", f"Bearer {token}")])
        )
    return CsatClient(channel)
