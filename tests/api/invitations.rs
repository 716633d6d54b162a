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
