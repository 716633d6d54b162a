#!/usr/bin/env python3
"""End-to-end smoke test of a running csat server, from a Python gRPC client.

Generates no code itself: the csat.v1 stubs come from --stubs DIR, made by

    python -m grpc_tools.protoc -Iproto --python_out=DIR --grpc_python_out=DIR proto/csat/v1/*.proto

(clients/python/run_smoke.sh does that, starts a server and runs this script).

Checks: health "" SERVING, CreateSurvey, SubmitRating (valid, idempotent duplicate, score out of
scale -> INVALID_ARGUMENT) and ListRatings paging, newest first.
Prints "python smoke: 1 passed, 0 failed" and exits 0 on success; exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
import uuid

import grpc
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

HEALTH_WAIT_SECONDS = 30.0
RPC_TIMEOUT_SECONDS = 10.0


class SmokeFailure(Exception):
    """A check of the smoke test did not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target", default="127.0.0.1:50051", help="server address host:port (default: %(default)s)"
    )
    parser.add_argument(
        "--stubs",
        required=True,
        help="directory holding the generated csat/v1/*_pb2.py and *_pb2_grpc.py modules",
    )
    return parser.parse_args(argv)


def wait_for_serving(channel: grpc.Channel) -> None:
    """Polls grpc.health.v1.Health/Check for service "" until SERVING, for up to 30 s."""
    stub = health_pb2_grpc.HealthStub(channel)
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2.0)
            if response.status == health_pb2.HealthCheckResponse.SERVING:
                return
            last = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        except grpc.RpcError as err:
            last = f"{err.code().name}: {err.details()}"
        time.sleep(0.2)
    raise SmokeFailure(f"health \"\" not SERVING after {HEALTH_WAIT_SECONDS:.0f} s (last: {last})")


def run(target: str) -> None:
    # Imported here: the stub directory is put on sys.path by main().
    from csat.v1 import common_pb2, rating_pb2, rating_pb2_grpc, survey_pb2, survey_pb2_grpc

    with grpc.insecure_channel(target) as channel:
        wait_for_serving(channel)
        print(f"health: SERVING at {target}")

        surveys = survey_pb2_grpc.SurveyServiceStub(channel)
        ratings = rating_pb2_grpc.RatingServiceStub(channel)

        survey_id = f"py-smoke-{uuid.uuid4().hex[:12]}"
        created = surveys.CreateSurvey(
            survey_pb2.CreateSurveyRequest(
                survey_id=survey_id,
                survey=survey_pb2.Survey(
                    display_name="Python smoke test",
                    question="How satisfied were you with this chat?",
                    touchpoint="support_chat",
                    metric=common_pb2.METRIC_CSAT,
                ),
            ),
            timeout=RPC_TIMEOUT_SECONDS,
        ).survey
        check(created.survey_id == survey_id, f"CreateSurvey returned survey_id {created.survey_id!r}")
        check(created.metric == common_pb2.METRIC_CSAT, f"CreateSurvey returned metric {created.metric}")
        print(f"CreateSurvey: {survey_id} (scale {created.scale_min}-{created.scale_max})")

        # An explicit occur_time in whole seconds, one minute ago: a resubmission then carries
        # exactly the same content, whatever precision the database keeps.
        occur = timestamp_pb2.Timestamp(seconds=int(time.time()) - 60)

        def rating(rating_id: str, score: int) -> rating_pb2.Rating:
            return rating_pb2.Rating(
                rating_id=rating_id,
                survey_id=survey_id,
                score=score,
                channel=common_pb2.CHANNEL_WEB_CHAT,
                attributes={"agent": "a1"},
                occur_time=occur,
            )

        def submit(r: rating_pb2.Rating) -> rating_pb2.SubmitRatingResponse:
            return ratings.SubmitRating(
                rating_pb2.SubmitRatingRequest(rating=r), timeout=RPC_TIMEOUT_SECONDS
            )

        submitted = {}
        for rating_id, score in (("r1", 5), ("r2", 2), ("r3", 4)):
            response = submit(rating(rating_id, score))
            check(not response.duplicate, f"SubmitRating {rating_id}: duplicate on first submission")
            check(
                response.rating.rating_id == rating_id and response.rating.score == score,
                f"SubmitRating {rating_id}: returned {response.rating}",
            )
            check(response.rating.sequence > 0, f"SubmitRating {rating_id}: sequence not set")
            submitted[rating_id] = response.rating
        print("SubmitRating x3: ok, sequences " + ", ".join(str(r.sequence) for r in submitted.values()))

        again = submit(rating("r1", 5))
        check(again.duplicate is True, "SubmitRating r1 again: duplicate is not True")
        check(
            again.rating.sequence == submitted["r1"].sequence,
            f"SubmitRating r1 again: sequence {again.rating.sequence} != {submitted['r1'].sequence}",
        )
        print("SubmitRating r1 again: duplicate = True")

        try:
            submit(rating("r4", 9))
        except grpc.RpcError as err:
            check(
                err.code() == grpc.StatusCode.INVALID_ARGUMENT,
                f"SubmitRating score 9: expected INVALID_ARGUMENT, got {err.code().name}: {err.details()}",
            )
            print(f"SubmitRating score 9: INVALID_ARGUMENT ({err.details()})")
        else:
            raise SmokeFailure("SubmitRating score 9: accepted, expected INVALID_ARGUMENT")

        listed = []
        page_token = ""
        pages = 0
        while True:
            pages += 1
            check(pages <= 10, "ListRatings: more than 10 pages for 3 ratings")
            page = ratings.ListRatings(
                rating_pb2.ListRatingsRequest(
                    filter=rating_pb2.RatingFilter(survey_ids=[survey_id]),
                    page_size=2,
                    page_token=page_token,
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            )
            check(len(page.ratings) <= 2, f"ListRatings: page of {len(page.ratings)} with page_size 2")
            listed.extend(page.ratings)
            page_token = page.next_page_token
            if not page_token:
                break
        check(len(listed) == 3, f"ListRatings: {len(listed)} ratings, expected 3")
        sequences = [r.sequence for r in listed]
        check(
            all(a > b for a, b in zip(sequences, sequences[1:])),
            f"ListRatings: not newest first, sequences {sequences}",
        )
        check(all(r.survey_id == survey_id for r in listed), "ListRatings: rating of another survey")
        scores = {r.score for r in listed}
        check(scores == {5, 2, 4}, f"ListRatings: scores {sorted(scores)}, expected [2, 4, 5]")
        print(f"ListRatings: 3 ratings in {pages} pages, sequences {sequences}")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sys.path.insert(0, args.stubs)
    try:
        run(args.target)
    except SmokeFailure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
    except grpc.RpcError as err:
        print(f"FAIL: unexpected RPC error {err.code().name}: {err.details()}", file=sys.stderr)
        traceback.print_exc()
    except Exception:  # noqa: BLE001 - any other error is a failed smoke test too
        traceback.print_exc()
    else:
        print("python smoke: 1 passed, 0 failed")
        return 0
    print("python smoke: 0 passed, 1 failed")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
