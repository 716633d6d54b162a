"""Fixtures: a csat server started from the binary in CSAT_BIN, and a client connected to it.

The server runs once per test session on a temporary SQLite file and a free port; the fixture
waits until health "" answers SERVING, and at the end stops the server with SIGTERM and fails
the session unless it exits with status 0 within 20 s. Tests keep out of each other's way by
using surveys of their own (`new_survey`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2

import csat_client
from csat_client.v1 import common_pb2, survey_pb2

HEALTH_WAIT_SECONDS = 30.0
STOP_WAIT_SECONDS = 20.0
RPC_TIMEOUT_SECONDS = 10.0


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_serving(target: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Polls Health/Check("") until SERVING; fails with the server's log on timeout or exit."""
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    last = "no answer"
    with csat_client.connect(target, tls=False) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"csat exited with status {server.returncode} before serving:\n{log.read_text()}")
            try:
                response = client.health.Check(health_pb2.HealthCheckRequest(service=""), timeout=2.0)
                if response.status == health_pb2.HealthCheckResponse.SERVING:
                    return
                last = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
            except grpc.RpcError as err:
                last = f"{err.code().name}: {err.details()}"
            time.sleep(0.1)
    pytest.fail(f'health "" not SERVING after {HEALTH_WAIT_SECONDS:.0f} s (last: {last}):\n{log.read_text()}')


@contextlib.contextmanager
def running_server(folder: Path, *extra_args: str) -> Iterator[str]:
    """Runs `$CSAT_BIN serve` (with `extra_args`) until the block ends and yields its target."""
    binary = os.environ.get("CSAT_BIN")
    if not binary:
        pytest.fail("CSAT_BIN is not set: give the path of a csat binary (run-tests.sh does)")
    log = folder / "server.log"
    target = f"127.0.0.1:{free_port()}"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [binary, "serve", "--listen", target, "--database-url", f"sqlite://{folder}/csat.db?mode=rwc", *extra_args],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},  # a log readable in a failure message
        )
    try:
        wait_for_serving(target, server, log)
        yield target
        assert server.poll() is None, f"csat exited during the tests:\n{log.read_text()}"
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"csat still runs {STOP_WAIT_SECONDS:.0f} s after SIGTERM:\n{log.read_text()}")
        assert status == 0, f"csat exited with status {status} after SIGTERM, expected 0:\n{log.read_text()}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def csat_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts `$CSAT_BIN serve` and yields its target, "127.0.0.1:PORT"."""
    with running_server(tmp_path_factory.mktemp("csat")) as target:
        yield target



@pytest.fixture(scope="session")
def server_runner() -> Callable[..., contextlib.AbstractContextManager[str]]:
    """`running_server`, for tests that start a server of their own (with a keys file, say)."""
    return running_server

@pytest.fixture()
def client(csat_target: str) -> Iterator[csat_client.CsatClient]:
    """A client of the session's server, plaintext, with the default retry policy."""
    with csat_client.connect(csat_target, tls=False) as connected:
        yield connected


@pytest.fixture()
def new_survey(client: csat_client.CsatClient) -> Callable[..., survey_pb2.Survey]:
    """Creates a survey with a fresh id (CSAT 1-5 unless told otherwise) and returns it."""

    def create(metric: common_pb2.Metric.ValueType = common_pb2.METRIC_CSAT) -> survey_pb2.Survey:
        response = client.surveys.CreateSurvey(
            survey_pb2.CreateSurveyRequest(
                survey_id=f"py-{uuid.uuid4().hex[:16]}",
                survey=survey_pb2.Survey(
                    display_name="Python client test",
                    question="How satisfied were you with this chat?",
                    touchpoint="support_chat",
                    metric=metric,
                ),
            ),
            timeout=RPC_TIMEOUT_SECONDS,
        )
        return response.survey

    return create
