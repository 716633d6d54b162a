"""Acting on feedback through the client's customers, follow_ups and invitations stubs (sync and
aio), against the real server: the loop README.md's "Act on feedback" shows."""

from __future__ import annotations

import asyncio
import time
import uuid

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2

import csat_client
from csat_client.v1 import common_pb2, customer_pb2, follow_up_pb2, invitation_pb2, rating_pb2, survey_pb2

RPC_TIMEOUT_SECONDS = 10.0


def loop_survey(survey_id: str, touchpoint: str) -> survey_pb2.CreateSurveyRequest:
    return survey_pb2.CreateSurveyRequest(
        survey_id=survey_id,
        survey=survey_pb2.Survey(
            display_name="Python checkout",
            question="How satisfied are you with your order?",
            touchpoint=touchpoint,
            metric=common_pb2.METRIC_CSAT,
            # Due at once, so that the follow-up is overdue within the test.
            follow_up=survey_pb2.FollowUpRule(max_score=2, due_within=duration_pb2.Duration(seconds=1)),
        ),
    )


def resolve_request(follow_up: follow_up_pb2.FollowUp) -> follow_up_pb2.UpdateFollowUpRequest:
    return follow_up_pb2.UpdateFollowUpRequest(
        follow_up=follow_up_pb2.FollowUp(
            follow_up_id=follow_up.follow_up_id,
            state=follow_up_pb2.FOLLOW_UP_STATE_RESOLVED,
            resolution_code="replaced",
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["state", "resolution_code"]),
        etag=follow_up.etag,
    )


def test_act_on_feedback(client: csat_client.CsatClient) -> None:
    tag = uuid.uuid4().hex[:12]
    survey_id, touchpoint, customer_id = f"py-loop-{tag}", f"py_checkout_{tag}", f"py-cust-{tag}"
    client.surveys.CreateSurvey(loop_survey(survey_id, touchpoint), timeout=RPC_TIMEOUT_SECONDS)

    invited = client.invitations.CreateInvitation(
        invitation_pb2.CreateInvitationRequest(
            invitation=invitation_pb2.Invitation(
                invitation_id=f"order-{tag}", survey_id=survey_id, customer_id=customer_id,
                channel=common_pb2.CHANNEL_EMAIL,
            )
        ),
        timeout=RPC_TIMEOUT_SECONDS,
    )
    assert not invited.suppressed
    assert invited.invitation.touchpoint == touchpoint

    client.ratings.SubmitRating(
        rating_pb2.SubmitRatingRequest(
            rating=rating_pb2.Rating(
                rating_id=f"order-{tag}", survey_id=survey_id, score=1, customer_id=customer_id,
                comment="Arrived broken",
            )
        ),
        timeout=RPC_TIMEOUT_SECONDS,
    )

    customer = client.customers.GetCustomer(
        customer_pb2.GetCustomerRequest(customer_id=customer_id), timeout=RPC_TIMEOUT_SECONDS
    ).customer
    assert (customer.rating_count, customer.open_follow_up_count) == (1, 1)
    assert customer.HasField("health") and customer.health == 0
    assert customer.health_band == customer_pb2.HEALTH_BAND_CRITICAL

    # README: the at-risk customers, the lowest health first.
    at_risk = client.customers.ListCustomers(
        customer_pb2.ListCustomersRequest(
            filter=customer_pb2.CustomerFilter(touchpoints=[touchpoint]), order_by="health"
        ),
        timeout=RPC_TIMEOUT_SECONDS,
    )
    assert [c.customer_id for c in at_risk.customers] == [customer_id]

    # README: the follow-ups past their due time, the oldest due first.
    overdue: list[follow_up_pb2.FollowUp] = []
    deadline = time.monotonic() + 10
    while not overdue and time.monotonic() < deadline:
        time.sleep(0.2)
        overdue = list(
            client.follow_ups.ListFollowUps(
                follow_up_pb2.ListFollowUpsRequest(
                    filter=follow_up_pb2.FollowUpFilter(overdue=True, survey_ids=[survey_id])
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            ).follow_ups
        )
    assert len(overdue) == 1, "the follow-up was not overdue within 10 s"
    follow_up = overdue[0]
    assert (follow_up.rating_id, follow_up.customer_id, follow_up.score, follow_up.comment) == (
        f"order-{tag}", customer_id, 1, "Arrived broken",
    )
    assert follow_up.state == follow_up_pb2.FOLLOW_UP_STATE_OPEN and follow_up.etag

    # README: resolve it, naming the etag read, so that a change made meanwhile is not overwritten.
    resolved = client.follow_ups.UpdateFollowUp(resolve_request(follow_up), timeout=RPC_TIMEOUT_SECONDS).follow_up
    assert resolved.state == follow_up_pb2.FOLLOW_UP_STATE_RESOLVED
    assert resolved.resolution_code == "replaced" and resolved.HasField("close_time")
    assert resolved.etag != follow_up.etag

    # The same update again carries the etag the first one replaced.
    with pytest.raises(grpc.RpcError) as raised:
        client.follow_ups.UpdateFollowUp(resolve_request(follow_up), timeout=RPC_TIMEOUT_SECONDS)
    assert raised.value.code() == grpc.StatusCode.ABORTED
    assert csat_client.error_reason(raised.value) == "FOLLOW_UP_ETAG_MISMATCH"

    after = client.customers.GetCustomer(
        customer_pb2.GetCustomerRequest(customer_id=customer_id), timeout=RPC_TIMEOUT_SECONDS
    ).customer
    assert after.open_follow_up_count == 0

    invitation = client.invitations.GetInvitation(
        invitation_pb2.GetInvitationRequest(invitation_id=f"order-{tag}"), timeout=RPC_TIMEOUT_SECONDS
    ).invitation
    assert (invitation.survey_id, invitation.customer_id, invitation.channel) == (
        survey_id, customer_id, common_pb2.CHANNEL_EMAIL,
    )
    assert not invitation.suppressed and invitation.HasField("send_time")


def test_aio_act_on_feedback(csat_target: str) -> None:
    async def scenario() -> None:
        async with csat_client.aio.connect(csat_target, tls=False) as csat:
            tag = uuid.uuid4().hex[:12]
            survey_id, touchpoint, customer_id = f"py-aio-loop-{tag}", f"py_aio_{tag}", f"py-aio-cust-{tag}"
            await csat.surveys.CreateSurvey(loop_survey(survey_id, touchpoint), timeout=RPC_TIMEOUT_SECONDS)
            invited = await csat.invitations.CreateInvitation(
                invitation_pb2.CreateInvitationRequest(
                    invitation=invitation_pb2.Invitation(
                        invitation_id=f"aio-order-{tag}", survey_id=survey_id, customer_id=customer_id
                    )
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            )
            assert not invited.suppressed
            await csat.ratings.SubmitRating(
                rating_pb2.SubmitRatingRequest(
                    rating=rating_pb2.Rating(
                        rating_id=f"aio-order-{tag}", survey_id=survey_id, score=2, customer_id=customer_id
                    )
                ),
                timeout=RPC_TIMEOUT_SECONDS,
            )

            customer = (
                await csat.customers.GetCustomer(
                    customer_pb2.GetCustomerRequest(customer_id=customer_id), timeout=RPC_TIMEOUT_SECONDS
                )
            ).customer
            assert (customer.rating_count, customer.open_follow_up_count) == (1, 1)

            listed = await csat.follow_ups.ListFollowUps(
                follow_up_pb2.ListFollowUpsRequest(filter=follow_up_pb2.FollowUpFilter(customer_id=customer_id)),
                timeout=RPC_TIMEOUT_SECONDS,
            )
            assert [(f.rating_id, f.score) for f in listed.follow_ups] == [(f"aio-order-{tag}", 2)]
            follow_up = listed.follow_ups[0]
            await csat.follow_ups.UpdateFollowUp(resolve_request(follow_up), timeout=RPC_TIMEOUT_SECONDS)
            with pytest.raises(grpc.RpcError) as raised:
                await csat.follow_ups.UpdateFollowUp(resolve_request(follow_up), timeout=RPC_TIMEOUT_SECONDS)
            assert raised.value.code() == grpc.StatusCode.ABORTED
            assert csat_client.error_reason(raised.value) == "FOLLOW_UP_ETAG_MISMATCH"

            invitation = (
                await csat.invitations.GetInvitation(
                    invitation_pb2.GetInvitationRequest(invitation_id=f"aio-order-{tag}"),
                    timeout=RPC_TIMEOUT_SECONDS,
                )
            ).invitation
            assert (invitation.survey_id, invitation.customer_id) == (survey_id, customer_id)

    asyncio.run(scenario())
