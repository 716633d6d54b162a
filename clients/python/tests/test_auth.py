"""Keys and scopes against a server started with a keys file: the token option of connect()
reaches every call, streams included, and the refusals decode with the error helpers."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import grpc
import pytest

import csat_client
from csat_client.v1 import common_pb2, rating_pb2, survey_pb2

RPC_TIMEOUT_SECONDS = 10.0
ADMIN_KEY = "csat-python-test-admin-key"
READER_KEY = "csat-python-test-reader-key"
LIMITED_KEY = "csat-python-test-limited-key"


def sha256(key: str) -> str:
    """Returns the hex SHA-256 of `key`, as a keys file holds it."""
    return hashlib.sha256(key.encode()).hexdigest()


@pytest.fixture(scope="module")
def keyed_target(
    tmp_path_factory: pytest.TempPathFactory, server_runner: Callable[..., AbstractContextManager[str]]
) -> Iterator[str]:
    """A server that asks every call for a key: admin, a surveys:read one, a limited one."""
    folder: Path = tmp_path_factory.mktemp("csat-keyed")
    keys_file = folder / "keys.yaml"
    keys_file.write_text(
        "keys:\n"
        f"  - {{name: admin, sha256: {sha256(ADMIN_KEY)}, scopes: [admin]}}\n"
        f"  - {{name: reader, sha256: {sha256(READER_KEY)}, scopes: ['surveys:read']}}\n"
        f"  - {{name: limited, sha256: {sha256(LIMITED_KEY)}, scopes: ['surveys:read'], requests_per_second: 1}}\n"
    )
    with server_runner(folder, "--api-keys-file", str(keys_file)) as target:
        with csat_client.connect(target, ADMIN_KEY, tls=False) as admin:
            admin.surveys.CreateSurvey(
                survey_pb2.CreateSurveyRequest(
                    survey_id="keyed",
                    survey=survey_pb2.Survey(
                        display_name="Keyed", question="Happy?", touchpoint="support_chat", metric=common_pb2.METRIC_CSAT
                    ),
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            )
        yield target


def test_a_call_with_the_key_works(keyed_target: str) -> None:
    with csat_client.connect(keyed_target, ADMIN_KEY, tls=False) as admin:
        answer = admin.surveys.GetSurvey(survey_pb2.GetSurveyRequest(survey_id="keyed"), timeout=RPC_TIMEOUT_SECONDS)
    assert answer.survey.survey_id == "keyed"


def test_without_a_key_the_call_is_unauthenticated(keyed_target: str) -> None:
    with csat_client.connect(keyed_target, tls=False) as anonymous, pytest.raises(grpc.RpcError) as raised:
        anonymous.surveys.GetSurvey(survey_pb2.GetSurveyRequest(survey_id="keyed"), timeout=RPC_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert csat_client.error_reason(raised.value) == "API_KEY_INVALID"


def test_a_key_without_the_scope_is_denied_naming_the_scope(keyed_target: str) -> None:
    with csat_client.connect(keyed_target, READER_KEY, tls=False) as reader, pytest.raises(grpc.RpcError) as raised:
        reader.ratings.SubmitRating(
            rating_pb2.SubmitRatingRequest(rating=rating_pb2.Rating(survey_id="keyed", rating_id="denied", score=5)),
            timeout=RPC_TIMEOUT_SECONDS,
        )
    info = csat_client.error_info(raised.value)
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert info is not None and info.reason == "SCOPE_MISSING"
    assert info.metadata["scope"] == "ratings:write"


def test_a_followed_stream_with_the_key_receives_a_rating(keyed_target: str) -> None:
    with csat_client.connect(keyed_target, ADMIN_KEY, tls=False) as admin:
        stream = admin.ratings.StreamRatings(
            rating_pb2.StreamRatingsRequest(filter=rating_pb2.RatingFilter(survey_ids=["keyed"]), follow=True),
            timeout=RPC_TIMEOUT_SECONDS,
        )
        submitter = threading.Timer(
            0.2,
            lambda: admin.ratings.SubmitRating(
                rating_pb2.SubmitRatingRequest(rating=rating_pb2.Rating(survey_id="keyed", rating_id="streamed", score=4)),
                timeout=RPC_TIMEOUT_SECONDS,
            ),
        )
        submitter.start()
        received = next(iter(stream))
        stream.cancel()
        submitter.join()
    assert (received.rating.rating_id, received.rating.score) == ("streamed", 4)


def test_a_key_over_its_rate_is_told_when_to_retry(keyed_target: str) -> None:
    with csat_client.connect(keyed_target, LIMITED_KEY, tls=False) as limited, pytest.raises(grpc.RpcError) as raised:
        for _ in range(5):
            limited.surveys.ListSurveys(survey_pb2.ListSurveysRequest(), timeout=RPC_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert csat_client.error_reason(raised.value) == "RATE_LIMITED"
    delay = csat_client.retry_delay(raised.value)
    assert delay is not None and 0 < delay <= 1.0
