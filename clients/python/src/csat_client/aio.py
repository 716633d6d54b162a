"""`csat_client.aio.connect()`: the asyncio twin of `csat_client.connect()`, on grpc.aio.

    async with csat_client.aio.connect("127.0.0.1:50051", tls=False) as csat:
        survey = (await csat.surveys.GetSurvey(request, timeout=5)).survey
        async for message in csat.ratings.StreamRatings(stream_request):
            ...

The stubs, the retry policy, the token and the error helpers are the same as in the synchronous
client; a failed call raises grpc.aio.AioRpcError, a grpc.RpcError that `field_violations()` and
`error_reason()` decode like any other.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

import grpc
import grpc.aio
from grpc_health.v1 import health_pb2

from csat_client.client import ChannelOption, channel_options
from csat_client.v1 import (
    benchmark_pb2_grpc,
    customer_pb2_grpc,
    follow_up_pb2_grpc,
    invitation_pb2_grpc,
    rating_pb2_grpc,
    report_pb2_grpc,
    survey_pb2_grpc,
)


class _MetadataInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
    grpc.aio.StreamStreamClientInterceptor,
):
    """Adds fixed metadata (the `authorization` header) to every call on the channel."""

    def __init__(self, metadata: Sequence[tuple[str, str]]) -> None:
        self._metadata = tuple(metadata)

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()), *self._metadata)
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Awaitable[Any]], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(self._details(client_call_details), request)

    async def intercept_unary_stream(
        self, continuation: Callable[[Any, Any], Awaitable[Any]], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(self._details(client_call_details), request)

    async def intercept_stream_unary(
        self,
        continuation: Callable[[Any, Any], Awaitable[Any]],
        client_call_details: Any,
        request_iterator: AsyncIterable[Any] | Iterable[Any],
    ) -> Any:
        return await continuation(self._details(client_call_details), request_iterator)

    async def intercept_stream_stream(
        self,
        continuation: Callable[[Any, Any], Awaitable[Any]],
        client_call_details: Any,
        request_iterator: AsyncIterable[Any] | Iterable[Any],
    ) -> Any:
        return await continuation(self._details(client_call_details), request_iterator)


class HealthStub:
    """A typed asyncio stub of grpc.health.v1.Health."""

    Check: grpc.aio.UnaryUnaryMultiCallable[health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse]
    """Answers the serving status of a service; "" is the whole server."""
    Watch: grpc.aio.UnaryStreamMultiCallable[health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse]
    """Sends the serving status of a service, then each change of it."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
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


class AsyncCsatClient:
    """A grpc.aio channel to one csat server and an async stub per service.

    Use it with `async with`, or `await close()`. Calls are awaited (unary) or iterated with
    `async for` (streams), and take `timeout=` and `metadata=` as in the synchronous client.
    """

    channel: grpc.aio.Channel
    """The channel every stub below uses."""
    surveys: survey_pb2_grpc.SurveyServiceAsyncStub
    """csat.v1.SurveyService."""
    ratings: rating_pb2_grpc.RatingServiceAsyncStub
    """csat.v1.RatingService."""
    reports: report_pb2_grpc.ReportServiceAsyncStub
    """csat.v1.ReportService."""
    benchmarks: benchmark_pb2_grpc.BenchmarkServiceAsyncStub
    """csat.v1.BenchmarkService."""
    customers: customer_pb2_grpc.CustomerServiceAsyncStub
    """csat.v1.CustomerService."""
    follow_ups: follow_up_pb2_grpc.FollowUpServiceAsyncStub
    """csat.v1.FollowUpService."""
    invitations: invitation_pb2_grpc.InvitationServiceAsyncStub
    """csat.v1.InvitationService."""
    health: HealthStub
    """grpc.health.v1.Health."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.channel = channel
        self.surveys = survey_pb2_grpc.SurveyServiceStub(channel)
        self.ratings = rating_pb2_grpc.RatingServiceStub(channel)
        self.reports = report_pb2_grpc.ReportServiceStub(channel)
        self.benchmarks = benchmark_pb2_grpc.BenchmarkServiceStub(channel)
        self.customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self.follow_ups = follow_up_pb2_grpc.FollowUpServiceStub(channel)
        self.invitations = invitation_pb2_grpc.InvitationServiceStub(channel)
        self.health = HealthStub(channel)

    async def close(self, grace: float | None = None) -> None:
        """Closes the channel; calls still in flight after `grace` seconds end with CANCELLED."""
        await self.channel.close(grace)

    async def __aenter__(self) -> AsyncCsatClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def connect(
    target: str,
    token: str | None = None,
    *,
    tls: bool | grpc.ChannelCredentials = True,
    service_config: Mapping[str, Any] | None = None,
    options: Sequence[ChannelOption] = (),
) -> AsyncCsatClient:
    """Returns an AsyncCsatClient for the csat server at `target`; the arguments are those of
    `csat_client.connect()`. Call it with an event loop running (inside a coroutine)."""
    all_options = channel_options(service_config, options)
    interceptors = [] if not token else [_MetadataInterceptor([("authorization", f"Bearer {token}")])]
    if tls is False:
        channel = grpc.aio.insecure_channel(target, options=all_options, interceptors=interceptors)
    else:
        credentials = grpc.ssl_channel_credentials() if tls is True else tls
        channel = grpc.aio.secure_channel(target, credentials, options=all_options, interceptors=interceptors)
    return AsyncCsatClient(channel)
