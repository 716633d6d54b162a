"""csat_client.aio against the real server and the in-process recorder: the same calls, awaited."""

from __future__ import annotations

import asyncio
import uuid
from concurrent import futures

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import csat_client
from csat_client.v1 import common_pb2, rating_pb2, survey_pb2

RPC_TIMEOUT_SECONDS = 10.0


def test_aio_client_submits_decodes_errors_and_follows_a_stream(csat_target: str) -> None:
    async def scenario() -> None:
        async with csat_client.aio.connect(csat_target, tls=False) as csat:
            survey_id = f"py-aio-{uuid.uuid4().hex[:12]}"
            await csat.surveys.CreateSurvey(
                survey_pb2.CreateSurveyRequest(
                    survey_id=survey_id,
                    survey=survey_pb2.Survey(touchpoint="support_chat", metric=common_pb2.METRIC_CSAT),
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            )

            def rating(rating_id: str, score: int) -> rating_pb2.SubmitRatingRequest:
                return rating_pb2.SubmitRatingRequest(
                    rating=rating_pb2.Rating(survey_id=survey_id, rating_id=rating_id, score=score)
                )

            first = await csat.ratings.SubmitRating(rating("r1", 4), timeout=RPC_TIMEOUT_SECONDS)
            again = await csat.ratings.SubmitRating(rating("r1", 4), timeout=RPC_TIMEOUT_SECONDS)
            assert (first.duplicate, again.duplicate) == (False, True)
            assert again.rating.sequence == first.rating.sequence

            with pytest.raises(grpc.RpcError) as raised:
                await csat.ratings.SubmitRating(rating("r2", 0), timeout=RPC_TIMEOUT_SECONDS)
            assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert csat_client.error_reason(raised.value) == "INVALID_FIELD"
            assert csat_client.field_violations(raised.value) == [
                csat_client.FieldViolation(
                    field="rating.score", description="0 is outside the survey's scale 1-5", reason="OUT_OF_RANGE"
                )
            ]

            stream = csat.ratings.StreamRatings(
                rating_pb2.StreamRatingsRequest(
                    filter=rating_pb2.RatingFilter(survey_ids=[survey_id]), follow=True
                ),
                timeout=30,
            )


            async def next_rating() -> rating_pb2.Rating:
                message = await stream.read()
                assert isinstance(message, rating_pb2.StreamRatingsResponse), f"stream ended: {message}"
                return message.rating

            try:
                # The stored rating arriving proves the stream is open before the next submit.
                stored = await next_rating()
                live = (await csat.ratings.SubmitRating(rating("r3", 2), timeout=RPC_TIMEOUT_SECONDS)).rating
                received = await next_rating()
            finally:
                stream.cancel()
            assert stored == first.rating
            assert received == live

    asyncio.run(scenario())


class RecordingHealth(health_pb2_grpc.HealthServicer):
    def __init__(self) -> None:
        self.metadata: list[dict[str, str | bytes]] = []

    def Check(
        self, request: health_pb2.HealthCheckRequest, context: grpc.ServicerContext
    ) -> health_pb2.HealthCheckResponse:
        self.metadata.append(dict(context.invocation_metadata()))
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


def test_aio_token_is_sent_as_bearer_authorization() -> None:
    servicer = RecordingHealth()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    async def check() -> health_pb2.HealthCheckResponse:
        async with csat_client.aio.connect(f"127.0.0.1:{port}", token="s3cret", tls=False) as csat:
            return await csat.health.Check(
                health_pb2.HealthCheckRequest(), timeout=5, metadata=grpc.aio.Metadata(("x-request-id", "7"))
            )

    try:
        response = asyncio.run(check())
    finally:
        server.stop(grace=None)

    assert response.status == health_pb2.HealthCheckResponse.SERVING
    assert servicer.metadata[0]["authorization"] == "Bearer s3cret"
    assert servicer.metadata[0]["x-request-id"] == "7"
