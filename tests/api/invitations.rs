//! InvitationService (API.md, "InvitationService") over real gRPC, on SQLite and PostgreSQL: the
//! fatigue rule across a customer's surveys, idempotency, lists, bad input, and one decision per
//! customer when two servers on one database are asked at once.

use std::time::{SystemTime, UNIX_EPOCH};

use csat::pb;
use csat::pb::invitation_service_client::InvitationServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::common::{Backend, TestServer, bad_fields, error_reason, rating};
use crate::reports::timestamp;

on_both_backends!(
    fatigue_holds_back_a_customer_invited_or_answered_recently_across_surveys,
    a_retry_gets_the_first_answer_and_other_content_is_refused,
    invitations_list_by_survey_and_customer_page_by_page,
    bad_invitations_name_every_field_and_change_nothing,
    concurrent_invitations_of_one_customer_through_two_servers_send_exactly_one,
    many_callers_at_once_are_each_decided_and_only_the_bad_refused,
    a_rating_answers_its_invitation_once_and_refusals_store_nothing,
    batches_and_imports_judge_each_ratings_invitation,
    random_response_rates_match_a_brute_force_count,
    invitations_stored_before_the_links_migration_are_rolled_up_by_it,
    a_page_of_invitations_and_their_responses_is_one_state,
);

const DAY: i64 = 86_400 * 1_000_000;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

fn client(server: &TestServer) -> InvitationServiceClient<Channel> {
    InvitationServiceClient::new(server.channel.clone())
}

fn invitation(id: &str, survey_id: &str, customer_id: &str, send_time: i64) -> pb::Invitation {
    pb::Invitation {
        invitation_id: id.into(),
        survey_id: survey_id.into(),
        customer_id: customer_id.into(),
        channel: pb::Channel::Email.into(),
        send_time: Some(timestamp(send_time)),
        ..Default::default()
    }
}

async fn create(
    client: &mut InvitationServiceClient<Channel>,
    invitation: pb::Invitation,
) -> Result<pb::CreateInvitationResponse, tonic::Status> {
    client
        .create_invitation(pb::CreateInvitationRequest {
            invitation: Some(invitation),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Creates `invitation` and returns its suppression reason (UNSPECIFIED: to be sent).
async fn decision(
    client: &mut InvitationServiceClient<Channel>,
    invitation: pb::Invitation,
) -> pb::SuppressionReason {
    let answer = create(client, invitation).await.expect("CreateInvitation");
    let stored = answer.invitation.clone().expect("an invitation");
    assert_eq!(answer.suppressed, stored.suppressed);
    assert_eq!(answer.suppression_reason, stored.suppression_reason);
    assert_eq!(
        answer.suppressed,
        answer.suppression_reason != pb::SuppressionReason::Unspecified as i32
    );
    answer.suppression_reason()
}

async fn set_min_days(server: &mut TestServer, survey_id: &str, days: i32) -> pb::Survey {
    server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: survey_id.into(),
                min_days_between_invitations: days,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["min_days_between_invitations".into()],
            }),
        })
        .await
        .expect("UpdateSurvey")
        .into_inner()
        .survey
        .expect("a survey")
}

async fn fatigue_holds_back_a_customer_invited_or_answered_recently_across_surveys(
    backend: Backend,
) {
    use pb::SuppressionReason::{RecentlyAnswered, RecentlyInvited, Unspecified};
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("checkout", "checkout").await;
    let updated = set_min_days(&mut server, "chat", 7).await;
    assert_eq!(updated.min_days_between_invitations, 7);
    let mut invitations = client(&server);
    let t = now() - 30 * DAY;

    // Invited to another survey (without a rule of its own) three days before: held back.
    assert_eq!(
        decision(
            &mut invitations,
            invitation("b-1", "checkout", "c-1", t - 3 * DAY)
        )
        .await,
        Unspecified
    );
    assert_eq!(
        decision(&mut invitations, invitation("a-1", "chat", "c-1", t)).await,
        RecentlyInvited
    );
    // Answered two days before: held back, as answered.
    let mut answer = rating("checkout", "r-2", 4);
    answer.customer_id = "c-2".into();
    answer.occur_time = Some(timestamp(t - 2 * DAY));
    server.submit(answer).await;
    assert_eq!(
        decision(&mut invitations, invitation("a-2", "chat", "c-2", t)).await,
        RecentlyAnswered
    );
    // Ten days is outside the rule's seven.
    assert_eq!(
        decision(
            &mut invitations,
            invitation("a-3", "chat", "c-3", t - 10 * DAY)
        )
        .await,
        Unspecified
    );
    assert_eq!(
        decision(&mut invitations, invitation("a-4", "chat", "c-3", t)).await,
        Unspecified
    );
    // A suppressed invitation was never sent: it holds nothing back.
    assert_eq!(
        decision(
            &mut invitations,
            invitation("a-5", "chat", "c-5", t - 6 * DAY)
        )
        .await,
        Unspecified
    );
    assert_eq!(
        decision(&mut invitations, invitation("a-6", "chat", "c-5", t - DAY)).await,
        RecentlyInvited
    );
    assert_eq!(
        decision(
            &mut invitations,
            invitation("a-7", "chat", "c-5", t + 2 * DAY)
        )
        .await,
        Unspecified
    );
    // An invitation sent later (an earlier send_time told late) holds back too.
    assert_eq!(
        decision(&mut invitations, invitation("a-8", "chat", "c-5", t + DAY)).await,
        RecentlyInvited
    );
    // Other customers are not concerned; a survey without a rule never holds back.
    assert_eq!(
        decision(&mut invitations, invitation("a-9", "chat", "c-9", t)).await,
        Unspecified
    );
    assert_eq!(
        decision(&mut invitations, invitation("b-9", "checkout", "c-9", t)).await,
        Unspecified
    );
    // The rule is updatable, and 0 turns it off.
    set_min_days(&mut server, "chat", 0).await;
    assert_eq!(
        decision(&mut invitations, invitation("a-10", "chat", "c-9", t)).await,
        Unspecified
    );
    // GetInvitation answers as stored.
    let stored = invitations
        .get_invitation(pb::GetInvitationRequest {
            invitation_id: "a-2".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .invitation
        .unwrap();
    assert_eq!(
        (
            stored.survey_id.as_str(),
            stored.customer_id.as_str(),
            stored.touchpoint.as_str(),
            stored.suppressed,
            stored.suppression_reason(),
            stored.channel(),
            stored.send_time,
        ),
        (
            "chat",
            "c-2",
            "support_chat",
            true,
            RecentlyAnswered,
            pb::Channel::Email,
            Some(timestamp(t)),
        )
    );
    assert!(stored.create_time.is_some());
    server.stop().await;
}

async fn a_retry_gets_the_first_answer_and_other_content_is_refused(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    set_min_days(&mut server, "chat", 7).await;
    let mut invitations = client(&server);
    let t = now();
    let first = create(&mut invitations, invitation("i-1", "chat", "c-1", t - DAY))
        .await
        .unwrap();
    assert!(!first.suppressed);
    // Sent again, it is not held back by itself; without send_time it is the same too.
    let again = create(&mut invitations, invitation("i-1", "chat", "c-1", t - DAY))
        .await
        .unwrap();
    assert_eq!(again, first);
    let mut untimed = invitation("i-1", "chat", "c-1", 0);
    untimed.send_time = None;
    assert_eq!(create(&mut invitations, untimed).await.unwrap(), first);
    // A suppressed one's retry is suppressed still.
    let held = create(&mut invitations, invitation("i-2", "chat", "c-1", t))
        .await
        .unwrap();
    assert!(held.suppressed);
    assert_eq!(
        create(&mut invitations, invitation("i-2", "chat", "c-1", t))
            .await
            .map(|answer| answer.invitation.unwrap().create_time)
            .unwrap(),
        held.invitation.unwrap().create_time
    );
    // Other content under a taken id.
    for other in [
        invitation("i-1", "chat", "c-2", t - DAY),
        invitation("i-1", "chat", "c-1", t - 2 * DAY),
        pb::Invitation {
            channel: pb::Channel::Sms.into(),
            ..invitation("i-1", "chat", "c-1", t - DAY)
        },
    ] {
        let refused = create(&mut invitations, other).await.unwrap_err();
        assert_eq!(refused.code(), Code::AlreadyExists, "{refused:?}");
        assert_eq!(error_reason(&refused), "INVITATION_ALREADY_EXISTS");
    }
    // Without an id, each is a new invitation.
    let mut anonymous = invitation("", "chat", "c-3", t);
    anonymous.send_time = None;
    let one = create(&mut invitations, anonymous.clone()).await.unwrap();
    let two = create(&mut invitations, anonymous).await.unwrap();
    assert_ne!(
        one.invitation.unwrap().invitation_id,
        two.invitation.unwrap().invitation_id
    );
    assert!(two.suppressed);
    server.stop().await;
}

async fn list_all(
    invitations: &mut InvitationServiceClient<Channel>,
    filter: pb::InvitationFilter,
    page_size: i32,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = invitations
            .list_invitations(pb::ListInvitationsRequest {
                filter: Some(filter.clone()),
                page_size,
                page_token,
            })
            .await
            .expect("ListInvitations")
            .into_inner();
        assert!(page.invitations.len() <= page_size as usize);
        ids.extend(
            page.invitations
                .into_iter()
                .map(|found| found.invitation_id),
        );
        if page.next_page_token.is_empty() {
            return ids;
        }
        page_token = page.next_page_token;
    }
}

/// An invitation as the listing test created it: send_time, id, survey, customer.
type Listed<'a> = (i64, String, &'a str, String);

async fn invitations_list_by_survey_and_customer_page_by_page(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("checkout", "checkout").await;
    let mut invitations = client(&server);
    let t = now() - DAY;
    let mut expected = Vec::new();
    for index in 0..23_i64 {
        let survey_id = if index % 3 == 0 { "checkout" } else { "chat" };
        let customer_id = format!("c-{}", index % 4);
        // Ties of send_time, and ids with colons, page as well as the rest.
        let id = format!("crm:{index:02}");
        create(
            &mut invitations,
            invitation(&id, survey_id, &customer_id, t + (index / 2) * 1_000),
        )
        .await
        .unwrap();
        expected.push((t + (index / 2) * 1_000, id, survey_id, customer_id));
    }
    expected.sort_by(|left, right| (right.0, &right.1).cmp(&(left.0, &left.1)));
    let want = |keep: &dyn Fn(&Listed) -> bool| -> Vec<String> {
        expected
            .iter()
            .filter(|entry| keep(entry))
            .map(|entry| entry.1.clone())
            .collect()
    };
    for page_size in [1, 4, 50] {
        assert_eq!(
            list_all(&mut invitations, pb::InvitationFilter::default(), page_size).await,
            want(&|_| true)
        );
        assert_eq!(
            list_all(
                &mut invitations,
                pb::InvitationFilter {
                    survey_id: "chat".into(),
                    ..Default::default()
                },
                page_size
            )
            .await,
            want(&|entry| entry.2 == "chat")
        );
        assert_eq!(
            list_all(
                &mut invitations,
                pb::InvitationFilter {
                    survey_id: "checkout".into(),
                    customer_id: "c-3".into(),
                },
                page_size
            )
            .await,
            want(&|entry| entry.2 == "checkout" && entry.3 == "c-3")
        );
    }
    // A token of one filter is refused for another.
    let first = invitations
        .list_invitations(pb::ListInvitationsRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let refused = invitations
        .list_invitations(pb::ListInvitationsRequest {
            filter: Some(pb::InvitationFilter {
                customer_id: "c-1".into(),
                ..Default::default()
            }),
            page_size: 2,
            page_token: first.next_page_token,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["page_token"]);
    server.stop().await;
}

async fn bad_invitations_name_every_field_and_change_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let mut invitations = client(&server);

    let refused = create(
        &mut invitations,
        pb::Invitation {
            invitation_id: "no spaces".into(),
            survey_id: "Chat!".into(),
            customer_id: String::new(),
            channel: 99,
            send_time: Some(timestamp(now() + DAY)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "invitation.invitation_id",
            "invitation.survey_id",
            "invitation.customer_id",
            "invitation.channel",
            "invitation.send_time"
        ]
    );
    let refused = invitations
        .create_invitation(pb::CreateInvitationRequest { invitation: None })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["invitation"]);
    let refused = create(
        &mut invitations,
        pb::Invitation {
            send_time: Some(prost_types::Timestamp {
                seconds: i64::MAX,
                nanos: 0,
            }),
            ..invitation("x", "chat", "c-1", 0)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad_fields(&refused), ["invitation.send_time"]);
    // Unknown and archived surveys.
    let refused = create(&mut invitations, invitation("x", "nope", "c-1", now()))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), error_reason(&refused).as_str()),
        (Code::NotFound, "SURVEY_NOT_FOUND")
    );
    server.create_csat_survey("old", "support_chat").await;
    server
        .surveys
        .archive_survey(pb::ArchiveSurveyRequest {
            survey_id: "old".into(),
        })
        .await
        .unwrap();
    let refused = create(&mut invitations, invitation("x", "old", "c-1", now()))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), error_reason(&refused).as_str()),
        (Code::FailedPrecondition, "SURVEY_ARCHIVED")
    );
    // Get and List.
    let refused = invitations
        .get_invitation(pb::GetInvitationRequest {
            invitation_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["invitation_id"]);
    let refused = invitations
        .get_invitation(pb::GetInvitationRequest {
            invitation_id: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), error_reason(&refused).as_str()),
        (Code::NotFound, "INVITATION_NOT_FOUND")
    );
    let refused = invitations
        .list_invitations(pb::ListInvitationsRequest {
            filter: Some(pb::InvitationFilter {
                survey_id: "Bad!".into(),
                customer_id: "no spaces".into(),
            }),
            page_size: -1,
            page_token: "zz".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        bad_fields(&refused),
        [
            "page_size",
            "page_token",
            "filter.survey_id",
            "filter.customer_id"
        ]
    );
    // The survey's rule: 0 to 365 days, on create and update.
    for days in [-1, 366] {
        let refused = server
            .surveys
            .update_survey(pb::UpdateSurveyRequest {
                survey: Some(pb::Survey {
                    survey_id: "chat".into(),
                    min_days_between_invitations: days,
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["min_days_between_invitations".into()],
                }),
            })
            .await
            .unwrap_err();
        assert_eq!(
            bad_fields(&refused),
            ["survey.min_days_between_invitations"]
        );
        let refused = server
            .surveys
            .create_survey(pb::CreateSurveyRequest {
                survey_id: "new".into(),
                survey: Some(pb::Survey {
                    touchpoint: "checkout".into(),
                    metric: pb::Metric::Csat.into(),
                    min_days_between_invitations: days,
                    ..Default::default()
                }),
            })
            .await
            .unwrap_err();
        assert_eq!(
            bad_fields(&refused),
            ["survey.min_days_between_invitations"]
        );
    }
    // Nothing was stored.
    assert!(
        list_all(&mut invitations, pb::InvitationFilter::default(), 50)
            .await
            .is_empty()
    );
    server.stop().await;
}

async fn concurrent_invitations_of_one_customer_through_two_servers_send_exactly_one(
    backend: Backend,
) {
    let mut first = TestServer::spawn(backend).await;
    first.create_csat_survey("chat", "support_chat").await;
    first.create_csat_survey("checkout", "checkout").await;
    set_min_days(&mut first, "chat", 7).await;
    set_min_days(&mut first, "checkout", 7).await;
    let second = TestServer::spawn_on(first.database.shared()).await;
    let clients = [client(&first), client(&second)];
    for round in 0..3 {
        let customer_id = format!("c-{round}");
        let calls = (0..16).map(|index| {
            let mut invitations = clients[index % 2].clone();
            let survey_id = if index / 2 % 3 == 0 {
                "checkout"
            } else {
                "chat"
            };
            // Two calls per id: retries racing their first call get the same answer.
            let invitation = invitation(
                &format!("i-{round}-{}", index / 2),
                survey_id,
                &customer_id,
                0,
            );
            async move {
                let mut invitation = invitation;
                invitation.send_time = None;
                create(&mut invitations, invitation).await
            }
        });
        let answers = futures_util::future::join_all(calls).await;
        let mut sent = std::collections::BTreeMap::new();
        for answer in answers {
            let answer = answer.expect("CreateInvitation");
            let stored = answer.invitation.unwrap();
            let previous = sent.insert(stored.invitation_id.clone(), answer.suppressed);
            assert!(
                previous.is_none_or(|previous| previous == answer.suppressed),
                "two answers for {}",
                stored.invitation_id
            );
        }
        assert_eq!(
            sent.values().filter(|suppressed| !**suppressed).count(),
            1,
            "{sent:?}"
        );
    }
    second.stop().await;
    first.stop().await;
}

async fn get_invitation(server: &TestServer, invitation_id: &str) -> pb::Invitation {
    client(server)
        .get_invitation(pb::GetInvitationRequest {
            invitation_id: invitation_id.into(),
        })
        .await
        .expect("GetInvitation")
        .into_inner()
        .invitation
        .expect("an invitation")
}

fn answer(survey_id: &str, rating_id: &str, customer_id: &str, invitation_id: &str) -> pb::Rating {
    let mut answer = rating(survey_id, rating_id, 4);
    answer.customer_id = customer_id.into();
    answer.invitation_id = invitation_id.into();
    answer
}

async fn submit_status(server: &mut TestServer, rating: pb::Rating) -> tonic::Status {
    server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating),
        })
        .await
        .expect_err("a refusal")
}

/// The rating ids stored, sorted.
async fn stored_rating_ids(server: &mut TestServer) -> Vec<String> {
    let mut ids: Vec<String> = server
        .list_all(
            pb::RatingFilter {
                include_excluded: true,
                ..Default::default()
            },
            100,
        )
        .await
        .into_iter()
        .map(|rating| rating.rating_id)
        .collect();
    ids.sort();
    ids
}

async fn create_invitations(server: &TestServer, invitations: &[(&str, &str, &str)]) {
    let mut invitations_client = client(server);
    let send_time = now() - DAY;
    for (invitation_id, survey_id, customer_id) in invitations {
        create(
            &mut invitations_client,
            invitation(invitation_id, survey_id, customer_id, send_time),
        )
        .await
        .expect("CreateInvitation");
    }
}

/// ListInvitations while another caller creates invitation i and then answers invitation i - 1,
/// over and over: in every state where i - 1 is answered, i exists, so a page that shows an
/// answer without the invitation created before it mixes two states.
async fn a_page_of_invitations_and_their_responses_is_one_state(backend: Backend) {
    const INVITATIONS: usize = 400;
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let send_time = now() - DAY;
    let mut writing = client(&server);
    let mut answering = server.ratings.clone();
    let writer = tokio::spawn(async move {
        for index in 0..INVITATIONS {
            let customer_id = format!("c-{index}");
            create(
                &mut writing,
                invitation(
                    &format!("inv-{index}"),
                    "chat",
                    &customer_id,
                    send_time + index as i64,
                ),
            )
            .await
            .expect("CreateInvitation");
            if index > 0 {
                let previous = index - 1;
                answering
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(answer(
                            "chat",
                            &format!("r-{previous}"),
                            &format!("c-{previous}"),
                            &format!("inv-{previous}"),
                        )),
                    })
                    .await
                    .expect("SubmitRating");
            }
        }
    });
    let mut reader = client(&server);
    let mut reads = 0;
    while !writer.is_finished() {
        let page = reader
            .list_invitations(pb::ListInvitationsRequest {
                page_size: 1_000,
                ..Default::default()
            })
            .await
            .expect("ListInvitations")
            .into_inner()
            .invitations;
        let listed: std::collections::BTreeSet<&str> = page
            .iter()
            .map(|invitation| invitation.invitation_id.as_str())
            .collect();
        for answered in page
            .iter()
            .filter(|invitation| !invitation.response_rating_id.is_empty())
        {
            let index: usize = answered.invitation_id["inv-".len()..].parse().unwrap();
            let next = format!("inv-{}", index + 1);
            assert!(
                listed.contains(next.as_str()),
                "read {reads}: {} is answered, but {next}, created before that answer, is not \
                 listed",
                answered.invitation_id
            );
        }
        reads += 1;
    }
    writer.await.unwrap();
    assert!(
        reads > 10,
        "only {reads} reads while the invitations were written"
    );
    server.stop().await;
}

async fn a_rating_answers_its_invitation_once_and_refusals_store_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("checkout", "checkout").await;
    create_invitations(
        &server,
        &[
            ("inv-1", "chat", "c-1"),
            ("inv-2", "chat", "c-2"),
            ("inv-3", "checkout", "c-3"),
        ],
    )
    .await;
    assert_eq!(
        get_invitation(&server, "inv-1").await.response_rating_id,
        ""
    );

    let mut first = answer("chat", "r-1", "c-1", "inv-1");
    first.occur_time = Some(timestamp(now() - 3_600_000_000));
    let stored = server.submit(first.clone()).await;
    assert!(!stored.duplicate);
    assert_eq!(stored.rating.unwrap().invitation_id, "inv-1");
    let answered = get_invitation(&server, "inv-1").await;
    assert_eq!(answered.response_rating_id, "r-1");
    assert_eq!(answered.response_time, first.occur_time);
    // A retry is the same rating; the same key with another invitation is another content.
    assert!(server.submit(first.clone()).await.duplicate);
    let other_link = submit_status(&mut server, answer("chat", "r-1", "c-1", "inv-2")).await;
    assert_eq!(
        (other_link.code(), error_reason(&other_link).as_str()),
        (Code::AlreadyExists, "RATING_ALREADY_EXISTS")
    );

    let second = submit_status(&mut server, answer("chat", "r-2", "c-1", "inv-1")).await;
    assert_eq!(
        (second.code(), error_reason(&second).as_str()),
        (Code::AlreadyExists, "INVITATION_ANSWERED")
    );
    assert!(
        second.message().contains("rating.invitation_id"),
        "{second:?}"
    );
    let unknown = submit_status(&mut server, answer("chat", "r-3", "", "inv-404")).await;
    assert_eq!(
        (unknown.code(), error_reason(&unknown).as_str()),
        (Code::NotFound, "INVITATION_NOT_FOUND")
    );
    assert!(
        unknown.message().contains("rating.invitation_id"),
        "{unknown:?}"
    );
    for (refused, why) in [
        (answer("chat", "r-4", "", "inv-3"), "another survey"),
        (answer("chat", "r-5", "c-9", "inv-2"), "another customer"),
        (answer("chat", "r-6", "", "has space"), "BAD_FORMAT"),
    ] {
        let status = submit_status(&mut server, refused).await;
        assert_eq!(status.code(), Code::InvalidArgument, "{why}: {status:?}");
        let found = crate::common::violation_reasons(&status);
        let described = crate::common::violations(&status);
        assert_eq!(bad_fields(&status), ["rating.invitation_id"], "{why}");
        assert!(
            found[0].1 == why || described[0].1.contains(why),
            "{why}: {found:?} {described:?}"
        );
    }
    assert_eq!(stored_rating_ids(&mut server).await, ["r-1"]);
    assert_eq!(
        get_invitation(&server, "inv-2").await.response_rating_id,
        ""
    );

    // Without a customer_id, any rating of the survey may answer.
    server.submit(answer("chat", "r-7", "", "inv-2")).await;
    assert_eq!(
        get_invitation(&server, "inv-2").await.response_rating_id,
        "r-7"
    );

    // An excluded answer is no response while excluded, and still holds the invitation.
    server
        .ratings
        .exclude_rating(pb::ExcludeRatingRequest {
            survey_id: "chat".into(),
            rating_id: "r-1".into(),
            reason: pb::ExclusionReason::Test.into(),
            note: String::new(),
        })
        .await
        .expect("ExcludeRating");
    assert_eq!(
        get_invitation(&server, "inv-1").await.response_rating_id,
        ""
    );
    let while_excluded = submit_status(&mut server, answer("chat", "r-8", "c-1", "inv-1")).await;
    assert_eq!(error_reason(&while_excluded), "INVITATION_ANSWERED");
    server
        .ratings
        .restore_rating(pb::RestoreRatingRequest {
            survey_id: "chat".into(),
            rating_id: "r-1".into(),
        })
        .await
        .expect("RestoreRating");
    assert_eq!(
        get_invitation(&server, "inv-1").await.response_rating_id,
        "r-1"
    );

    // Erasure keeps the link: it names the invitation, not the customer.
    server
        .customers
        .erase_customer(pb::EraseCustomerRequest {
            customer_id: "c-1".into(),
        })
        .await
        .expect("EraseCustomer");
    let erased = server
        .list_all(pb::RatingFilter::default(), 100)
        .await
        .into_iter()
        .find(|rating| rating.rating_id == "r-1")
        .expect("r-1");
    assert!(erased.erased);
    assert_eq!(erased.invitation_id, "inv-1");
    assert!(server.submit(first).await.duplicate);
    server.stop().await;
}

async fn batch_status(server: &mut TestServer, ratings: Vec<pb::Rating>) -> tonic::Status {
    server
        .ratings
        .batch_submit_ratings(pb::BatchSubmitRatingsRequest { ratings })
        .await
        .expect_err("a refused batch")
}

async fn batches_and_imports_judge_each_ratings_invitation(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("checkout", "checkout").await;
    create_invitations(
        &server,
        &[
            ("inv-1", "chat", "c-1"),
            ("inv-2", "chat", "c-2"),
            ("inv-3", "checkout", "c-3"),
            ("inv-4", "chat", "c-4"),
        ],
    )
    .await;
    server.submit(answer("chat", "r-1", "c-1", "inv-1")).await;

    // All or nothing: one refusal, named by its position, stores none of the batch.
    let answered = batch_status(
        &mut server,
        vec![
            answer("chat", "b-1", "c-2", "inv-2"),
            answer("chat", "b-2", "c-1", "inv-1"),
        ],
    )
    .await;
    assert_eq!(
        (answered.code(), error_reason(&answered).as_str()),
        (Code::AlreadyExists, "INVITATION_ANSWERED")
    );
    assert!(
        answered.message().contains("ratings[1].invitation_id"),
        "{answered:?}"
    );
    let twice = batch_status(
        &mut server,
        vec![
            answer("chat", "b-1", "c-2", "inv-2"),
            answer("chat", "b-2", "c-2", "inv-2"),
        ],
    )
    .await;
    assert_eq!(error_reason(&twice), "INVITATION_ANSWERED");
    assert!(
        twice.message().contains("ratings[1].invitation_id"),
        "{twice:?}"
    );
    let mismatched = batch_status(
        &mut server,
        vec![
            answer("chat", "b-1", "c-2", "inv-2"),
            answer("chat", "b-3", "", "inv-3"),
            answer("chat", "b-4", "c-9", "inv-4"),
        ],
    )
    .await;
    assert_eq!(mismatched.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&mismatched),
        ["ratings[1].invitation_id", "ratings[2].invitation_id"]
    );
    let unknown = batch_status(
        &mut server,
        vec![
            answer("chat", "b-1", "c-2", "inv-2"),
            answer("chat", "b-5", "", "inv-404"),
        ],
    )
    .await;
    assert_eq!(
        (unknown.code(), error_reason(&unknown).as_str()),
        (Code::NotFound, "INVITATION_NOT_FOUND")
    );
    assert_eq!(stored_rating_ids(&mut server).await, ["r-1"]);
    assert_eq!(
        get_invitation(&server, "inv-2").await.response_rating_id,
        ""
    );

    let batch = vec![
        answer("chat", "b-1", "c-2", "inv-2"),
        answer("chat", "b-6", "", ""),
    ];
    for attempt in 0..2 {
        let stored = server
            .ratings
            .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
                ratings: batch.clone(),
            })
            .await
            .expect("BatchSubmitRatings")
            .into_inner()
            .ratings;
        assert_eq!(stored[0].invitation_id, "inv-2", "attempt {attempt}");
    }
    assert_eq!(
        get_invitation(&server, "inv-2").await.response_rating_id,
        "b-1"
    );

    // An import keeps the good rows and reports each refused one by position.
    let rows: Vec<pb::ImportRatingsRequest> = [
        answer("chat", "i-1", "c-4", "inv-4"),
        answer("chat", "i-2", "c-4", "inv-4"),
        answer("chat", "i-3", "", "inv-404"),
        answer("chat", "i-4", "", "inv-3"),
        answer("chat", "i-1", "c-4", "inv-4"),
        answer("chat", "b-1", "c-2", "inv-2"),
    ]
    .into_iter()
    .map(|rating| pb::ImportRatingsRequest {
        rating: Some(rating),
    })
    .collect();
    let imported = server
        .ratings
        .import_ratings(tokio_stream::iter(rows))
        .await
        .expect("ImportRatings")
        .into_inner();
    assert_eq!(
        (
            imported.accepted_count,
            imported.duplicate_count,
            imported.rejected_count
        ),
        (1, 2, 3)
    );
    let errors: Vec<(i64, &str)> = imported
        .errors
        .iter()
        .map(|error| (error.index, error.code.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "ALREADY_EXISTS"),
            (2, "NOT_FOUND"),
            (3, "INVALID_ARGUMENT")
        ]
    );
    assert!(
        imported
            .errors
            .iter()
            .all(|error| error.message.contains("invitation_id"))
    );
    assert_eq!(
        stored_rating_ids(&mut server).await,
        ["b-1", "b-6", "i-1", "r-1"]
    );
    let listed = server.list_all(pb::RatingFilter::default(), 2).await;
    let link_of = |rating_id: &str| {
        listed
            .iter()
            .find(|rating| rating.rating_id == rating_id)
            .map(|rating| rating.invitation_id.clone())
    };
    assert_eq!(link_of("i-1").as_deref(), Some("inv-4"));
    assert_eq!(link_of("b-6").as_deref(), Some(""));
    assert_eq!(
        get_invitation(&server, "inv-4").await.response_rating_id,
        "i-1"
    );
    server.stop().await;
}

/// One invitation as the brute force sees it.
struct Invited {
    survey_id: &'static str,
    channel: pb::Channel,
    send_time: i64,
    suppressed: bool,
    /// The key of the rating answering it, if any.
    answer: Option<String>,
}

const SURVEYS: [(&str, &str); 3] = [
    ("chat", "support_chat"),
    ("shop", "checkout"),
    ("mail", "checkout"),
];
const CHANNELS: [pb::Channel; 3] = [pb::Channel::Email, pb::Channel::Sms, pb::Channel::WebChat];

fn touchpoint_of(survey_id: &str) -> &'static str {
    SURVEYS
        .iter()
        .find(|(survey, _)| *survey == survey_id)
        .map_or("quiet", |(_, touchpoint)| touchpoint)
}

/// The brute force's (invitations, responses) of the invitations `selected` picks.
fn brute_force(
    invited: &[Invited],
    excluded: &std::collections::HashSet<String>,
    selected: impl Fn(&Invited) -> bool,
) -> (i64, i64) {
    let mut counts = (0, 0);
    for invitation in invited.iter().filter(|invitation| !invitation.suppressed) {
        if selected(invitation) {
            counts.0 += 1;
            if invitation
                .answer
                .as_ref()
                .is_some_and(|answer| !excluded.contains(answer))
            {
                counts.1 += 1;
            }
        }
    }
    counts
}

fn check_figures(metrics: &pb::Metrics, expected: (i64, i64), what: &str) {
    assert_eq!(
        (metrics.invitation_count, metrics.response_count),
        (Some(expected.0), Some(expected.1)),
        "{what}"
    );
    if expected.0 == 0 {
        assert_eq!(metrics.response_rate, None, "{what}");
        return;
    }
    let rate = 100.0 * expected.1 as f64 / expected.0 as f64;
    let (low, high) = crate::oracle::wilson(expected.1, expected.0, crate::oracle::z_table(0.95));
    let close = |left: f64, right: f64| (left - right).abs() < 1e-9;
    assert!(close(metrics.response_rate.unwrap(), rate), "{what}: rate");
    let interval = metrics.response_rate_interval.unwrap();
    assert!(
        close(interval.low, low) && close(interval.high, high),
        "{what}: interval {interval:?} against {low}..{high}"
    );
}

async fn random_response_rates_match_a_brute_force_count(backend: Backend) {
    use std::collections::HashSet;
    let seed: u64 = std::env::var("CSAT_RESPONSE_RATE_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("random response rates: CSAT_RESPONSE_RATE_SEED={seed}");
    let mut random = fastrand::Rng::with_seed(seed);
    let mut server = TestServer::spawn(backend).await;
    for (survey_id, touchpoint) in SURVEYS {
        server.create_csat_survey(survey_id, touchpoint).await;
    }
    server.create_csat_survey("quiet", "quiet").await;
    set_min_days(&mut server, "chat", 1).await;
    let mut invitations = client(&server);
    // Five days of invitations, answered within a day, all before yesterday: from a UTC
    // midnight plus a random offset.
    let base = (now() / DAY - 8) * DAY + random.i64(0..DAY);
    let mut invited = Vec::new();
    for index in 0..80 {
        let (survey_id, _) = SURVEYS[random.usize(..SURVEYS.len())];
        let channel = CHANNELS[random.usize(..CHANNELS.len())];
        let send_time = base + random.i64(0..5 * DAY);
        let mut asked = invitation(
            &format!("inv-{index}"),
            survey_id,
            &format!("c-{}", random.usize(..12)),
            send_time,
        );
        asked.channel = channel.into();
        let answer = create(&mut invitations, asked)
            .await
            .expect("CreateInvitation");
        invited.push(Invited {
            survey_id,
            channel,
            send_time,
            suppressed: answer.suppressed,
            answer: None,
        });
    }
    assert!(
        invited.iter().any(|invitation| invitation.suppressed),
        "seed {seed}"
    );
    // Answers (to suppressed invitations too), by the three paths, and ratings answering none.
    let mut singles = Vec::new();
    let mut batch = Vec::new();
    let mut imported = Vec::new();
    for (index, invitation) in invited.iter_mut().enumerate() {
        if random.u8(..10) < 6 {
            let rating_id = format!("r-{index}");
            let mut answering = answer(
                invitation.survey_id,
                &rating_id,
                "",
                &format!("inv-{index}"),
            );
            answering.occur_time = Some(timestamp(invitation.send_time + random.i64(0..DAY)));
            invitation.answer = Some(rating_id);
            match random.u8(..3) {
                0 => singles.push(answering),
                1 => batch.push(answering),
                _ => imported.push(answering),
            }
        }
    }
    for index in 0..10 {
        let mut plain = rating(SURVEYS[index % 3].0, &format!("p-{index}"), 3);
        plain.occur_time = Some(timestamp(base + random.i64(0..5 * DAY)));
        singles.push(plain);
    }
    let mut quiet = rating("quiet", "q-1", 5);
    quiet.occur_time = Some(timestamp(base));
    singles.push(quiet);
    for single in singles {
        server.submit(single).await;
    }
    if !batch.is_empty() {
        server
            .ratings
            .batch_submit_ratings(pb::BatchSubmitRatingsRequest { ratings: batch })
            .await
            .expect("BatchSubmitRatings");
    }
    let rows: Vec<pb::ImportRatingsRequest> = imported
        .into_iter()
        .map(|rating| pb::ImportRatingsRequest {
            rating: Some(rating),
        })
        .collect();
    let import = server
        .ratings
        .import_ratings(tokio_stream::iter(rows))
        .await
        .expect("ImportRatings")
        .into_inner();
    assert_eq!(import.rejected_count, 0, "{:?}", import.errors);
    // Exclude some answers, then restore some of those.
    let mut excluded = HashSet::new();
    for invitation in &invited {
        if let Some(answer) = &invitation.answer
            && random.u8(..4) == 0
        {
            server
                .ratings
                .exclude_rating(pb::ExcludeRatingRequest {
                    survey_id: invitation.survey_id.into(),
                    rating_id: answer.clone(),
                    reason: pb::ExclusionReason::Spam.into(),
                    note: String::new(),
                })
                .await
                .expect("ExcludeRating");
            excluded.insert(answer.clone());
        }
    }
    for invitation in &invited {
        if let Some(answer) = &invitation.answer
            && excluded.contains(answer)
            && random.bool()
        {
            server
                .ratings
                .restore_rating(pb::RestoreRatingRequest {
                    survey_id: invitation.survey_id.into(),
                    rating_id: answer.clone(),
                })
                .await
                .expect("RestoreRating");
            excluded.remove(answer);
        }
    }

    check_reports(&mut server, &invited, &excluded, seed, &mut random, base).await;
    // A zone configured later is built from the invitations and responses stored: New York's
    // whole days are then read from its rollups.
    let database = server.stop_keeping_database().await;
    let mut server = TestServer::spawn_with(database, |config| {
        config.rollup_time_zones = crate::common::zones(&["UTC", "America/New_York"]);
    })
    .await;
    check_reports(&mut server, &invited, &excluded, seed, &mut random, base).await;
    // Where invitations do not apply, the figures are unset.
    for query in [
        pb::ReportQuery {
            group_by: vec!["attributes.agent".into()],
            ..Default::default()
        },
        pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                min_score: Some(2),
                ..Default::default()
            }),
            ..Default::default()
        },
        pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: vec!["quiet".into()],
                ..Default::default()
            }),
            ..Default::default()
        },
    ] {
        let report = server.report(query.clone()).await;
        assert_eq!(report.overall.unwrap().invitation_count, None, "{query:?}");
    }
    server.stop().await;
}

/// Compares the response figures of reports over random ranges, groupings, zones and
/// granularities with the brute force's.
async fn check_reports(
    server: &mut TestServer,
    invited: &[Invited],
    excluded: &std::collections::HashSet<String>,
    seed: u64,
    random: &mut fastrand::Rng,
    base: i64,
) {
    let midnight = (base / DAY + 1) * DAY;
    let ranges: Vec<(Option<i64>, Option<i64>)> = vec![
        (None, None),
        (Some(midnight), Some(midnight + 3 * DAY)),
        (
            Some(base + random.i64(0..2 * DAY)),
            Some(base + random.i64(3 * DAY..5 * DAY)),
        ),
        (Some(base + random.i64(0..DAY)), None),
        (None, Some(base + random.i64(DAY..4 * DAY))),
    ];
    let groupings: [&[&str]; 5] = [
        &[],
        &["survey"],
        &["touchpoint"],
        &["channel"],
        &["touchpoint", "channel"],
    ];
    for (start, end) in ranges {
        for group_by in groupings {
            for (zone, granularity) in [
                ("UTC", pb::Granularity::Day),
                ("UTC", pb::Granularity::None),
                ("America/New_York", pb::Granularity::Day),
                ("UTC", pb::Granularity::Hour),
            ] {
                if granularity == pb::Granularity::Hour && start.is_none() {
                    continue;
                }
                let channels: Vec<pb::Channel> = if random.u8(..4) == 0 {
                    vec![CHANNELS[random.usize(..CHANNELS.len())]]
                } else {
                    Vec::new()
                };
                let survey_ids: Vec<String> = if random.u8(..4) == 0 {
                    vec!["chat".into(), "mail".into()]
                } else {
                    Vec::new()
                };
                let query = pb::ReportQuery {
                    filter: Some(pb::RatingFilter {
                        survey_ids: survey_ids.clone(),
                        channels: channels.iter().map(|channel| *channel as i32).collect(),
                        start_time: start.map(timestamp),
                        end_time: end.map(timestamp),
                        ..Default::default()
                    }),
                    group_by: group_by.iter().map(|entry| entry.to_string()).collect(),
                    granularity: granularity.into(),
                    time_zone: zone.into(),
                    ..Default::default()
                };
                let what = format!(
                    "seed {seed}: {group_by:?} {zone} {granularity:?} {start:?}..{end:?} \
                     {channels:?} {survey_ids:?}"
                );
                let report = server.report(query).await;
                let in_scope = |invitation: &Invited| {
                    (survey_ids.is_empty()
                        || survey_ids
                            .iter()
                            .any(|survey| survey == invitation.survey_id))
                        && (channels.is_empty() || channels.contains(&invitation.channel))
                        && start.is_none_or(|start| invitation.send_time >= start)
                        && end.is_none_or(|end| invitation.send_time < end)
                };
                let key_of = |invitation: &Invited| -> Vec<String> {
                    group_by
                        .iter()
                        .map(|entry| match *entry {
                            "survey" => invitation.survey_id.to_string(),
                            "touchpoint" => touchpoint_of(invitation.survey_id).to_string(),
                            _ => invitation.channel.as_str_name().to_string(),
                        })
                        .collect()
                };
                let overall = report.overall.as_ref().unwrap();
                let expected = brute_force(invited, excluded, in_scope);
                if expected.0 == 0 {
                    assert_eq!(overall.invitation_count, None, "{what}");
                    continue;
                }
                check_figures(overall, expected, &what);
                let in_bucket = |bucket: &pb::Bucket, invitation: &Invited| {
                    let from = crate::reports::micros(bucket.start_time.as_ref().unwrap());
                    let to = crate::reports::micros(bucket.end_time.as_ref().unwrap());
                    invitation.send_time >= from && invitation.send_time < to
                };
                for bucket in &report.series {
                    let expected = brute_force(invited, excluded, |invitation| {
                        in_scope(invitation) && in_bucket(bucket, invitation)
                    });
                    check_figures(bucket.metrics.as_ref().unwrap(), expected, &what);
                }
                for group in &report.groups {
                    let key: Vec<String> = group_by
                        .iter()
                        .map(|entry| group.key[*entry].clone())
                        .collect();
                    let selected =
                        |invitation: &Invited| in_scope(invitation) && key_of(invitation) == key;
                    let expected = brute_force(invited, excluded, selected);
                    check_figures(group.metrics.as_ref().unwrap(), expected, &what);
                    for bucket in &group.series {
                        let expected = brute_force(invited, excluded, |invitation| {
                            selected(invitation) && in_bucket(bucket, invitation)
                        });
                        check_figures(bucket.metrics.as_ref().unwrap(), expected, &what);
                    }
                }
            }
        }
    }
}

/// A database of the invitations' schema, with invitations, upgrades: the links' migration
/// builds their rollups, which a report over whole days reads.
async fn invitations_stored_before_the_links_migration_are_rolled_up_by_it(backend: Backend) {
    use csat::store::migration::Migrator;
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;

    let database = crate::common::TestDatabase::create(backend).await;
    let (connection, _) = database.migrated_before("_add_invitation_links").await;
    // Two days, twelve days ago: two invitations to be sent the first day, one the second, and
    // one held back.
    let day1 = (now() / DAY - 12) * DAY;
    let statements = [
        "INSERT INTO surveys (survey_id, display_name, question, touchpoint, metric, scale_min, \
         scale_max, satisfied_threshold, target, dimensions, state, create_time, update_time) \
         VALUES ('chat', 'Chat', '', 'support_chat', 1, 1, 5, 4, NULL, '[]', 1, 0, 0)"
            .to_string(),
        format!(
            "INSERT INTO invitations (invitation_id, survey_id, touchpoint, customer_id, channel, \
             send_time, create_time, suppression_reason) VALUES \
             ('i-1', 'chat', 'support_chat', 'c-1', 2, {}, 0, 0), \
             ('i-2', 'chat', 'support_chat', 'c-2', 3, {}, 0, 0), \
             ('i-3', 'chat', 'support_chat', 'c-3', 2, {}, 0, 0), \
             ('i-4', 'chat', 'support_chat', 'c-3', 2, {}, 0, 1)",
            day1 + 3_600_000_000,
            day1 + 7_200_000_000,
            day1 + DAY + 1,
            day1 + DAY + 2,
        ),
    ];
    for statement in statements {
        connection.execute_unprepared(&statement).await.unwrap();
    }
    Migrator::up(&connection, None).await.unwrap();
    let _ = connection.close().await;

    let mut server = TestServer::spawn_on(database).await;
    let mut answer = answer("chat", "r-1", "c-3", "i-3");
    answer.occur_time = Some(timestamp(day1 + DAY + 5));
    answer.channel = pb::Channel::Email.into();
    server.submit(answer).await;
    let report = server
        .report(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                start_time: Some(timestamp(day1)),
                end_time: Some(timestamp(day1 + 2 * DAY)),
                ..Default::default()
            }),
            group_by: vec!["channel".into()],
            granularity: pb::Granularity::Day.into(),
            ..Default::default()
        })
        .await;
    let overall = report.overall.unwrap();
    assert_eq!(
        (overall.invitation_count, overall.response_count),
        (Some(3), Some(1))
    );
    let by_day: Vec<(Option<i64>, Option<i64>)> = report
        .series
        .iter()
        .map(|bucket| {
            let metrics = bucket.metrics.as_ref().unwrap();
            (metrics.invitation_count, metrics.response_count)
        })
        .collect();
    assert_eq!(by_day, [(Some(2), Some(0)), (Some(1), Some(1))]);
    // Groups are the ratings': the e-mail group holds the invitations sent by e-mail.
    assert_eq!(report.groups.len(), 1);
    let email = report.groups[0].metrics.as_ref().unwrap();
    assert_eq!(
        (email.invitation_count, email.response_count),
        (Some(2), Some(1))
    );
    server.stop().await;
}

/// Many callers at once on one server: their invitations are decided in shared transactions
/// (group commit), each after those before it, and one refused invitation (an unknown or
/// archived survey, a taken id) refuses only its own caller.
async fn many_callers_at_once_are_each_decided_and_only_the_bad_refused(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("old", "support_chat").await;
    set_min_days(&mut server, "chat", 7).await;
    server
        .surveys
        .archive_survey(pb::ArchiveSurveyRequest {
            survey_id: "old".into(),
        })
        .await
        .expect("ArchiveSurvey");
    let taken = invitation("taken", "chat", "someone", now() - DAY);
    create(&mut client(&server), taken.clone())
        .await
        .expect("the first invitation");
    for round in 0..3 {
        let calls = (0..64).map(|index| {
            let mut invitations = client(&server);
            let (survey_id, customer_id) = match index {
                0 => ("missing", "c-x".to_string()),
                1 => ("old", "c-y".to_string()),
                _ => ("chat", format!("c-{round}-{}", index % 20)),
            };
            let mut invitation = invitation(
                &format!("i-{round}-{index}"),
                survey_id,
                &customer_id,
                now() - DAY,
            );
            if index == 2 {
                invitation = pb::Invitation {
                    customer_id: "someone-else".into(),
                    ..taken.clone()
                };
            }
            async move { (index, create(&mut invitations, invitation).await) }
        });
        let mut sent_per_customer = std::collections::BTreeMap::new();
        for (index, answer) in futures_util::future::join_all(calls).await {
            match index {
                0 => assert_eq!(answer.unwrap_err().code(), Code::NotFound),
                1 => assert_eq!(answer.unwrap_err().code(), Code::FailedPrecondition),
                2 => assert_eq!(answer.unwrap_err().code(), Code::AlreadyExists),
                _ => {
                    let answer = answer.expect("CreateInvitation");
                    let stored = answer.invitation.unwrap();
                    *sent_per_customer.entry(stored.customer_id).or_insert(0) +=
                        i32::from(!answer.suppressed);
                }
            }
        }
        assert_eq!(sent_per_customer.len(), 20, "{sent_per_customer:?}");
        assert!(
            sent_per_customer.values().all(|sent| *sent == 1),
            "{sent_per_customer:?}"
        );
    }
    let stored = list_all(&mut client(&server), pb::InvitationFilter::default(), 1000).await;
    assert_eq!(
        stored.len(),
        1 + 3 * 61,
        "only the accepted ones are stored"
    );
    server.stop().await;
}
