"""The client against a real csat server (the `csat_target` fixture): the bars of issue 15 and
what the former smoke test checked."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from google.protobuf import timestamp_pb2

import csat_client
from csat_client.v1 import common_pb2, rating_pb2, report_pb2, survey_pb2

RPC_TIMEOUT_SECONDS = 10.0

NewSurvey = Callable[..., survey_pb2.Survey]


def a_minute_ago() -> timestamp_pb2.Timestamp:
    # Whole seconds: a resubmission then carries exactly the same content, whatever precision the
    # database keeps.
    return timestamp_pb2.Timestamp(seconds=int(time.time()) - 60)


def make_rating(
    survey_id: str,
    rating_id: str,
    score: int,
    agent: str = "a1",
    occur: timestamp_pb2.Timestamp | None = None,
) -> rating_pb2.Rating:
    return rating_pb2.Rating(
        rating_id=rating_id,
        survey_id=survey_id,
        score=score,
        channel=common_pb2.CHANNEL_WEB_CHAT,
        attributes={"agent": agent},
        occur_time=occur if occur is not None else a_minute_ago(),
    )


def submit(client: csat_client.CsatClient, rating: rating_pb2.Rating) -> rating_pb2.SubmitRatingResponse:
    return client.ratings.SubmitRating(
        rating_pb2.SubmitRatingRequest(rating=rating), timeout=RPC_TIMEOUT_SECONDS
    )


def test_create_survey_fills_the_csat_defaults(client: csat_client.CsatClient, new_survey: NewSurvey) -> None:
    survey = new_survey()

    fetched = client.surveys.GetSurvey(
        survey_pb2.GetSurveyRequest(survey_id=survey.survey_id), timeout=RPC_TIMEOUT_SECONDS
    ).survey

    assert survey.metric == common_pb2.METRIC_CSAT
    assert (survey.scale_min, survey.scale_max, survey.satisfied_threshold) == (1, 5, 4)
    assert survey.state == survey_pb2.SURVEY_STATE_ACTIVE
    assert fetched == survey


def test_duplicate_submit_returns_the_stored_rating(
    client: csat_client.CsatClient, new_survey: NewSurvey
) -> None:
    survey_id = new_survey().survey_id
    rating = make_rating(survey_id, "r1", 5)

    first = submit(client, rating)
    again = submit(client, rating)

    assert first.duplicate is False
    assert first.rating.rating_id == "r1" and first.rating.score == 5
    assert first.rating.sequence > 0
    assert again.duplicate is True
    assert again.rating == first.rating


def test_bad_rating_is_refused_with_every_field_violation(
    client: csat_client.CsatClient, new_survey: NewSurvey
) -> None:
    survey_id = new_survey().survey_id
    bad = make_rating(survey_id, "bad-1", 9)
    bad.attributes["Not A Key"] = "x"

    with pytest.raises(grpc.RpcError) as raised:
        submit(client, bad)

    err = raised.value
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert csat_client.error_reason(err) == "INVALID_FIELD"
    info = csat_client.error_info(err)
    assert info is not None and info.domain == csat_client.ERROR_DOMAIN
    violations = {v.field: v for v in csat_client.field_violations(err)}
    assert set(violations) == {"rating.score", 'rating.attributes["Not A Key"]'}
    assert violations["rating.score"].reason == "OUT_OF_RANGE"
    assert violations["rating.score"].description == "9 is outside the survey's scale 1-5"
    assert violations['rating.attributes["Not A Key"]'].reason == "BAD_FORMAT"
    # A rejected request changes nothing.
    listed = client.ratings.ListRatings(
        rating_pb2.ListRatingsRequest(filter=rating_pb2.RatingFilter(survey_ids=[survey_id])),
        timeout=RPC_TIMEOUT_SECONDS,
    )
    assert list(listed.ratings) == []


def test_unknown_survey_has_a_reason_and_no_field_violations(client: csat_client.CsatClient) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        client.surveys.GetSurvey(
            survey_pb2.GetSurveyRequest(survey_id="no-such-survey"), timeout=RPC_TIMEOUT_SECONDS
        )

    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert csat_client.error_reason(raised.value) == "SURVEY_NOT_FOUND"
    assert csat_client.field_violations(raised.value) == []


def test_list_ratings_pages_to_the_end_newest_first(
    client: csat_client.CsatClient, new_survey: NewSurvey
) -> None:
    survey_id = new_survey().survey_id
    scores = {f"r{i}": score for i, score in enumerate([5, 2, 4, 3, 1], start=1)}
    sequences = {
        rating_id: submit(client, make_rating(survey_id, rating_id, score)).rating.sequence
        for rating_id, score in scores.items()
    }

    listed: list[rating_pb2.Rating] = []
    page_sizes: list[int] = []
    page_token = ""
    while True:
        page = client.ratings.ListRatings(
            rating_pb2.ListRatingsRequest(
                filter=rating_pb2.RatingFilter(survey_ids=[survey_id]), page_size=2, page_token=page_token
            ),
            timeout=RPC_TIMEOUT_SECONDS,
        )
        listed.extend(page.ratings)
        page_sizes.append(len(page.ratings))
        page_token = page.next_page_token
        if not page_token:
            break
        assert len(page_sizes) < 10, "ListRatings: more than 10 pages for 5 ratings"

    assert page_sizes == [2, 2, 1]
    assert [r.rating_id for r in listed] == ["r5", "r4", "r3", "r2", "r1"]
    assert [r.sequence for r in listed] == sorted(sequences.values(), reverse=True)
    assert {r.rating_id: r.score for r in listed} == scores


def test_report_groups_by_an_attribute(client: csat_client.CsatClient, new_survey: NewSurvey) -> None:
    survey_id = new_survey().survey_id
    for rating_id, score, agent in [("r1", 5, "a1"), ("r2", 4, "a1"), ("r3", 3, "a1"), ("r4", 2, "a2")]:
        submit(client, make_rating(survey_id, rating_id, score, agent=agent))

    report = client.reports.GetReport(
        report_pb2.GetReportRequest(
            query=report_pb2.ReportQuery(
                filter=rating_pb2.RatingFilter(survey_ids=[survey_id]), group_by=["attributes.agent"]
            )
        ),
        timeout=RPC_TIMEOUT_SECONDS,
    ).report

    assert report.overall.rating_count == 4
    assert report.overall.satisfied_count == 2
    assert report.overall.csat == pytest.approx(50.0)
    groups = {group.key["attributes.agent"]: group.metrics for group in report.groups}
    assert sorted(groups) == ["a1", "a2"]
    assert (groups["a1"].rating_count, groups["a1"].satisfied_count) == (3, 2)
    assert groups["a1"].csat == pytest.approx(200 / 3)
    assert list(groups["a1"].distribution) == [0, 0, 1, 1, 1]
    assert (groups["a2"].rating_count, groups["a2"].satisfied_count) == (1, 0)
    assert groups["a2"].csat == pytest.approx(0.0)
    assert groups["a2"].low_sample is True


def test_followed_stream_receives_a_rating_submitted_after_it_opened(
    client: csat_client.CsatClient, new_survey: NewSurvey
) -> None:
    survey_id = new_survey().survey_id
    stored = submit(client, make_rating(survey_id, "before", 4)).rating
    stream = client.ratings.StreamRatings(
        rating_pb2.StreamRatingsRequest(filter=rating_pb2.RatingFilter(survey_ids=[survey_id]), follow=True),
        timeout=30,  # the test fails with DEADLINE_EXCEEDED rather than hanging
    )
    try:
        # The stored rating arriving proves the stream is open before the next submit.
        first = next(stream).rating
        live = submit(client, make_rating(survey_id, "after", 1)).rating
        second = next(stream).rating
    finally:
        stream.cancel()

    assert first == stored
    assert second == live
    assert second.sequence > first.sequence


def test_stream_deadline_ends_a_followed_stream(
    client: csat_client.CsatClient, new_survey: NewSurvey
) -> None:
    survey_id = new_survey().survey_id
    stream = client.ratings.StreamRatings(
        rating_pb2.StreamRatingsRequest(filter=rating_pb2.RatingFilter(survey_ids=[survey_id]), follow=True),
        timeout=0.5,
    )

    with pytest.raises(grpc.RpcError) as raised:
        next(stream)

    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert csat_client.error_reason(raised.value) is None


def test_submits_from_threads_share_one_client(client: csat_client.CsatClient, new_survey: NewSurvey) -> None:
    survey_id = new_survey().survey_id
    errors: list[BaseException] = []

    def submit_some(worker: int) -> None:
        try:
            for i in range(5):
                submit(client, make_rating(survey_id, f"w{worker}-{i}", 3))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=submit_some, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = client.reports.GetReport(
        report_pb2.GetReportRequest(
            query=report_pb2.ReportQuery(filter=rating_pb2.RatingFilter(survey_ids=[survey_id]))
        ),
        timeout=RPC_TIMEOUT_SECONDS,
    ).report
    assert report.overall.rating_count == 20


README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run_against_the_server(csat_target: str, tmp_path: Path) -> None:
    # Every ```python block of README.md, in order, as one script in a fresh interpreter, with
    # the README's address replaced by the test server's. The README's survey id is its own, so
    # the script runs once per session (each session has a new database).
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text("utf-8"), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 4, "README.md lost its examples"
    script = "\n".join(blocks).replace("127.0.0.1:50051", csat_target)

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, f"README examples failed:\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert lines[0] == "support-chat 1 5"
    assert "StatusCode.INVALID_ARGUMENT" in lines
    assert "INVALID_FIELD" in lines
    assert "rating.score OUT_OF_RANGE 9 is outside the survey's scale 1-5" in lines
    assert "no such survey" in lines
    assert any(line.startswith("unhappy: ticket-44 1 ") for line in lines)
    assert "StatusCode.DEADLINE_EXCEEDED" in lines
    assert lines[-1] == "2"
