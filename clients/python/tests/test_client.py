"""The package on its own: what connect() sends, the retry policy, the generated modules' imports.

These tests use an in-process grpc server (a health service that records what it receives),
not csat.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from importlib import resources
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import csat_client
from csat_client.v1 import rating_pb2

REPOSITORY_CONFIG = Path(__file__).resolve().parents[2] / "retry-service-config.json"


class RecordingHealth(health_pb2_grpc.HealthServicer):
    """Answers Check with UNAVAILABLE for the first `failures` calls, then SERVING; records the
    metadata of every call."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[dict[str, str | bytes]] = []

    def Check(
        self, request: health_pb2.HealthCheckRequest, context: grpc.ServicerContext
    ) -> health_pb2.HealthCheckResponse:
        self.calls.append(dict(context.invocation_metadata()))
        if len(self.calls) <= self.failures:
            context.abort(grpc.StatusCode.UNAVAILABLE, "not yet")
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


def serve(servicer: RecordingHealth) -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture()
def flaky_health() -> Iterator[tuple[RecordingHealth, str]]:
    servicer = RecordingHealth(failures=2)
    server, target = serve(servicer)
    yield servicer, target
    server.stop(grace=None)


def test_token_is_sent_as_bearer_authorization(flaky_health: tuple[RecordingHealth, str]) -> None:
    servicer, target = flaky_health
    servicer.failures = 0

    with csat_client.connect(target, token="s3cret", tls=False) as client:
        client.health.Check(health_pb2.HealthCheckRequest(), timeout=5, metadata=(("x-request-id", "42"),))

    assert servicer.calls[0]["authorization"] == "Bearer s3cret"
    assert servicer.calls[0]["x-request-id"] == "42"


def test_without_token_no_authorization_is_sent(flaky_health: tuple[RecordingHealth, str]) -> None:
    servicer, target = flaky_health
    servicer.failures = 0

    with csat_client.connect(target, tls=False) as client:
        client.health.Check(health_pb2.HealthCheckRequest(), timeout=5)

    assert "authorization" not in servicer.calls[0]


def test_default_policy_retries_unavailable(flaky_health: tuple[RecordingHealth, str]) -> None:
    servicer, target = flaky_health

    with csat_client.connect(target, token="t", tls=False) as client:
        response = client.health.Check(health_pb2.HealthCheckRequest(), timeout=10)

    assert response.status == health_pb2.HealthCheckResponse.SERVING
    assert len(servicer.calls) == 3
    assert all(call["authorization"] == "Bearer t" for call in servicer.calls)


def test_a_service_config_without_retries_surfaces_unavailable(
    flaky_health: tuple[RecordingHealth, str],
) -> None:
    servicer, target = flaky_health

    with csat_client.connect(target, tls=False, service_config={}) as client:
        with pytest.raises(grpc.RpcError) as raised:
            client.health.Check(health_pb2.HealthCheckRequest(), timeout=10)

    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert csat_client.error_reason(raised.value) is None
    assert len(servicer.calls) == 1


def test_retry_policy_covers_reads_and_submits_but_not_creates_or_imports() -> None:
    config = csat_client.default_service_config()

    retried = {
        f"{name['service']}/{name.get('method', '')}"
        for method_config in config["methodConfig"]
        if "retryPolicy" in method_config
        for name in method_config["name"]
    }
    assert "csat.v1.RatingService/SubmitRating" in retried
    assert "csat.v1.RatingService/ListRatings" in retried
    assert "csat.v1.ReportService/GetReport" in retried
    assert not retried & {
        "csat.v1.SurveyService/CreateSurvey",
        "csat.v1.BenchmarkService/CreateBenchmark",
        "csat.v1.RatingService/ImportRatings",
    }
    for method_config in config["methodConfig"]:
        if "retryPolicy" in method_config:
            assert method_config["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]


def test_packaged_retry_config_is_the_repository_one() -> None:
    # clients/retry-service-config.json is the one config every language ships; the package
    # carries a copy, since an installed package cannot read the repository. Where this test
    # runs from a checkout that has the file, the two must say the same.
    if not REPOSITORY_CONFIG.exists():
        assert csat_client.default_service_config()["methodConfig"], "packaged config is empty"
        return
    assert csat_client.default_service_config() == json.loads(REPOSITORY_CONFIG.read_text("utf-8"))


def test_generated_modules_import_without_a_top_level_csat_package(tmp_path: Path) -> None:
    # A fresh interpreter in an empty folder: the generated code must not need `csat.v1` on
    # sys.path, and must not shadow or require an unrelated top-level `csat` package.
    code = (
        "import sys\n"
        "from csat_client.v1 import benchmark_pb2, benchmark_pb2_grpc, common_pb2, rating_pb2, "
        "rating_pb2_grpc, report_pb2, report_pb2_grpc, survey_pb2, survey_pb2_grpc\n"
        "import csat_client\n"
        "assert 'csat' not in sys.modules, sorted(m for m in sys.modules if m.startswith('csat'))\n"
        "print(rating_pb2.Rating.DESCRIPTOR.full_name, rating_pb2.Rating.__module__)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["csat.v1.Rating", "csat_client.v1.rating_pb2"]


def test_messages_pickle_round_trip() -> None:
    rating = rating_pb2.Rating(rating_id="r1", survey_id="s", score=4, attributes={"agent": "a1"})

    assert pickle.loads(pickle.dumps(rating)) == rating


def test_package_is_typed() -> None:
    package = resources.files("csat_client")

    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("v1", "rating_pb2.pyi").is_file()
    assert package.joinpath("v1", "rating_pb2_grpc.pyi").is_file()
    assert csat_client.__version__ == "0.1.0"
