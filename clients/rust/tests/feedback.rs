//! Acting on feedback with the generated CustomerService, FollowUpService and InvitationService
//! clients on `connect`'s channel, against the real binary: the loop README.md's "Act on
//! feedback" shows. An invitation, a low rating that opens a follow-up, the customer at risk, the
//! follow-up overdue and resolved by its etag, and a stale etag refused. And the retry policy of
//! src/lib.rs is clients/retry-service-config.json's, method for method.

// Shared with tests/bar.rs, which uses the parts this file does not.
#[allow(dead_code)]
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use csat::client::error_reason;
use csat::proto::customer_service_client::CustomerServiceClient;
use csat::proto::follow_up_service_client::FollowUpServiceClient;
use csat::proto::invitation_service_client::InvitationServiceClient;
use csat::proto::rating_service_client::RatingServiceClient;
use csat::proto::survey_service_client::SurveyServiceClient;
use csat::proto::{
    Channel as RatingChannel, CreateInvitationRequest, CreateSurveyRequest, CustomerFilter,
    FollowUp, FollowUpFilter, FollowUpRule, FollowUpState, GetCustomerRequest,
    GetInvitationRequest, HealthBand, Invitation, ListCustomersRequest, ListFollowUpsRequest,
    Metric, Rating, SubmitRatingRequest, Survey, UpdateFollowUpRequest,
};
use csat_client_quickstart::{
    ConnectOptions, CsatChannel, INITIAL_BACKOFF, MAX_ATTEMPTS, MAX_BACKOFF, RETRIED_METHODS,
    connect,
};
use support::Server;
use tonic::Code;

const SURVEY: &str = "rust-loop";
const CUSTOMER: &str = "rust-cust-1";
const ORDER: &str = "rust-order-7";

async fn get_customer(channel: &CsatChannel) -> csat::proto::Customer {
    CustomerServiceClient::new(channel.clone())
        .get_customer(GetCustomerRequest {
            customer_id: CUSTOMER.into(),
        })
        .await
        .expect("GetCustomer")
        .into_inner()
        .customer
        .expect("a customer")
}

/// Resolves `follow_up` as `replaced`, naming the etag it was read with.
fn resolve(follow_up: &FollowUp) -> UpdateFollowUpRequest {
    UpdateFollowUpRequest {
        follow_up: Some(FollowUp {
            follow_up_id: follow_up.follow_up_id.clone(),
            state: FollowUpState::Resolved.into(),
            resolution_code: "replaced".into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["state".into(), "resolution_code".into()],
        }),
        etag: follow_up.etag.clone(),
    }
}

#[tokio::test]
async fn invites_opens_a_follow_up_reads_the_customer_and_resolves_it() {
    let server = Server::start().await;
    let options = ConnectOptions {
        timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    };
    let channel = connect(&server.url, options).await.expect("connected");
    let mut customers = CustomerServiceClient::new(channel.clone());
    let mut follow_ups = FollowUpServiceClient::new(channel.clone());
    let mut invitations = InvitationServiceClient::new(channel.clone());

    SurveyServiceClient::new(channel.clone())
        .create_survey(CreateSurveyRequest {
            survey_id: SURVEY.into(),
            survey: Some(Survey {
                display_name: "Rust checkout".into(),
                question: "How satisfied are you with your order?".into(),
                touchpoint: "rust_checkout".into(),
                metric: Metric::Csat.into(),
                // Due at once, so that the follow-up is overdue within the test.
                follow_up: Some(FollowUpRule {
                    max_score: 2,
                    due_within: Some(prost_types::Duration {
                        seconds: 1,
                        nanos: 0,
                    }),
                }),
                ..Default::default()
            }),
        })
        .await
        .expect("CreateSurvey");

    let invited = invitations
        .create_invitation(CreateInvitationRequest {
            invitation: Some(Invitation {
                invitation_id: ORDER.into(),
                survey_id: SURVEY.into(),
                customer_id: CUSTOMER.into(),
                channel: RatingChannel::Email.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("CreateInvitation")
        .into_inner();
    assert!(!invited.suppressed);
    assert_eq!(
        invited.invitation.expect("an invitation").touchpoint,
        "rust_checkout"
    );

    RatingServiceClient::new(channel.clone())
        .submit_rating(SubmitRatingRequest {
            rating: Some(Rating {
                rating_id: ORDER.into(),
                survey_id: SURVEY.into(),
                score: 1,
                customer_id: CUSTOMER.into(),
                comment: "Arrived broken".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("SubmitRating");

    let customer = get_customer(&channel).await;
    assert_eq!(
        (customer.rating_count, customer.open_follow_up_count),
        (1, 1)
    );
    assert_eq!(customer.health, Some(0.0));
    assert_eq!(customer.health_band(), HealthBand::Critical);

    // README: the at-risk customers, the lowest health first.
    let at_risk = customers
        .list_customers(ListCustomersRequest {
            filter: Some(CustomerFilter {
                touchpoints: vec!["rust_checkout".into()],
                ..Default::default()
            }),
            order_by: "health".into(),
            ..Default::default()
        })
        .await
        .expect("ListCustomers")
        .into_inner()
        .customers;
    let ids: Vec<_> = at_risk.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(ids, [CUSTOMER]);

    // README: the follow-ups past their due time, the oldest due first.
    let mut overdue = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while overdue.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        overdue = follow_ups
            .list_follow_ups(ListFollowUpsRequest {
                filter: Some(FollowUpFilter {
                    overdue: true,
                    survey_ids: vec![SURVEY.into()],
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("ListFollowUps")
            .into_inner()
            .follow_ups;
    }
    assert_eq!(overdue.len(), 1, "the follow-up is overdue within 10 s");
    let follow_up = &overdue[0];
    assert_eq!(
        (
            follow_up.rating_id.as_str(),
            follow_up.customer_id.as_str(),
            follow_up.score,
            follow_up.comment.as_str(),
            follow_up.state(),
        ),
        (ORDER, CUSTOMER, 1, "Arrived broken", FollowUpState::Open)
    );
    assert!(!follow_up.etag.is_empty());

    // README: resolve it, naming the etag read, so that a change made meanwhile is not
    // overwritten.
    let resolved = follow_ups
        .update_follow_up(resolve(follow_up))
        .await
        .expect("UpdateFollowUp")
        .into_inner()
        .follow_up
        .expect("a follow-up");
    assert_eq!(resolved.state(), FollowUpState::Resolved);
    assert_eq!(resolved.resolution_code, "replaced");
    assert!(resolved.close_time.is_some());
    assert_ne!(resolved.etag, follow_up.etag);

    // The same update again carries the etag the first one replaced.
    let stale = follow_ups
        .update_follow_up(resolve(follow_up))
        .await
        .expect_err("a stale etag");
    assert_eq!(stale.code(), Code::Aborted, "{stale:?}");
    assert_eq!(
        error_reason(&stale).as_deref(),
        Some("FOLLOW_UP_ETAG_MISMATCH")
    );

    assert_eq!(get_customer(&channel).await.open_follow_up_count, 0);

    let invitation = invitations
        .get_invitation(GetInvitationRequest {
            invitation_id: ORDER.into(),
        })
        .await
        .expect("GetInvitation")
        .into_inner()
        .invitation
        .expect("an invitation");
    assert_eq!(
        (
            invitation.survey_id.as_str(),
            invitation.customer_id.as_str(),
            invitation.channel(),
            invitation.suppressed,
        ),
        (SURVEY, CUSTOMER, RatingChannel::Email, false)
    );
    assert!(invitation.send_time.is_some());

    server.stop().await;
}

/// The method configs of clients/retry-service-config.json, read without a JSON library: each
/// `"name"` list, with the retry policy that follows it (if any) as text.
fn service_config_blocks() -> Vec<(Vec<String>, Option<String>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../retry-service-config.json");
    let text = std::fs::read_to_string(path).expect("clients/retry-service-config.json");
    let quoted_after = |text: &str, key: &str| -> Vec<String> {
        text.split(key)
            .skip(1)
            .map(|rest| rest.split('"').nth(1).expect("a quoted value").to_owned())
            .collect()
    };
    text.split("\"name\": [")
        .skip(1)
        .map(|block| {
            let (names, rest) = block.split_once(']').expect("a closed name list");
            let services = quoted_after(names, "\"service\":");
            let methods = quoted_after(names, "\"method\":");
            assert_eq!(services.len(), methods.len(), "{names}");
            let paths = services
                .iter()
                .zip(&methods)
                .map(|(service, method)| format!("/{service}/{method}"))
                .collect();
            let policy = rest
                .split_once("\"retryPolicy\"")
                .map(|(_, policy)| policy.split('}').next().unwrap_or_default().to_owned());
            (paths, policy)
        })
        .collect()
}

#[test]
fn retry_unavailable_follows_the_service_config() {
    let blocks = service_config_blocks();
    let retried: BTreeSet<String> = blocks
        .iter()
        .filter(|(_, policy)| policy.is_some())
        .flat_map(|(paths, _)| paths.iter().cloned())
        .collect();
    let ours: BTreeSet<String> = RETRIED_METHODS.iter().map(|&m| m.to_owned()).collect();
    assert_eq!(ours, retried, "RETRIED_METHODS against the service config");
    assert_eq!(ours.len(), RETRIED_METHODS.len(), "each method once");

    for (paths, policy) in blocks {
        let Some(policy) = policy else { continue };
        let compact: String = policy.split_whitespace().collect();
        for setting in [
            format!("\"maxAttempts\":{MAX_ATTEMPTS},"),
            format!("\"initialBackoff\":\"{}s\"", INITIAL_BACKOFF.as_secs_f64()),
            format!("\"maxBackoff\":\"{}s\"", MAX_BACKOFF.as_secs_f64()),
            "\"retryableStatusCodes\":[\"UNAVAILABLE\"]".to_owned(),
        ] {
            assert!(
                compact.contains(&setting),
                "{paths:?}: {setting} in {compact}"
            );
        }
    }
}
