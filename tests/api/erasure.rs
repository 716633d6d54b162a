//! EraseCustomer and the comment retention sweep over real gRPC, on SQLite and PostgreSQL: after
//! an erasure no text column of any table (nor, on SQLite, the database file's bytes) holds the
//! customer id, the comments or the attribute values erased; every report figure stays what the
//! report oracle counts with those values gone; an erasure orders with concurrent submits; a
//! second call and a retried submit of an erased rating are answered sensibly; replicas and a
//! process killed mid-erasure agree.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use csat::pb;
use csat::pb::customer_service_client::CustomerServiceClient;
use csat::pb::invitation_service_client::InvitationServiceClient;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::report_service_client::ReportServiceClient;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use tonic::Code;
use tonic::transport::Channel;

use crate::common::{self, Backend, TestServer, error_reason, rating};
use crate::customers;
use crate::follow_ups::create_survey_with_rule;
use crate::oracle::{
    REASON_CODES, TestRating, check_report, covered, query_strategy, rating_strategy, score_of,
    test_surveys, to_wire,
};
use crate::replicas::Replicas;
use crate::reports::{ROLLUP_ZONES, timestamp};

on_both_backends!(
    an_erased_customer_is_in_no_table_and_no_report_moves,
    random_reports_after_erasures_match_the_oracle,
    an_erasure_orders_with_concurrent_submits,
    the_retention_sweep_erases_old_comments_only,
);

/// The customer erased, and what only its ratings hold: none of it may remain.
const CUSTOMER: &str = "gdpr-customer-4711";
const COMMENT: &str = "the secret complaint zq81";
const AGENT: &str = "agent-only-of-4711";
const PHONE: &str = "phone-555-0147";
const NOTE: &str = "called back zq82";

/// Erases `customer_id`: the ratings, follow-ups and invitations erased.
async fn erase(
    customers: &mut CustomerServiceClient<Channel>,
    customer_id: &str,
) -> (i64, i64, i64) {
    let answer = customers
        .erase_customer(pb::EraseCustomerRequest {
            customer_id: customer_id.into(),
        })
        .await
        .expect("EraseCustomer")
        .into_inner();
    (
        answer.erased_rating_count,
        answer.erased_follow_up_count,
        answer.erased_invitation_count,
    )
}

async fn get_rating(
    ratings: &mut RatingServiceClient<Channel>,
    survey_id: &str,
    rating_id: &str,
) -> pb::Rating {
    ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: survey_id.into(),
            rating_id: rating_id.into(),
        })
        .await
        .expect("GetRating")
        .into_inner()
        .rating
        .expect("a rating")
}

async fn report_on(
    reports: &mut ReportServiceClient<Channel>,
    query: pb::ReportQuery,
) -> pb::Report {
    reports
        .get_report(pb::GetReportRequest { query: Some(query) })
        .await
        .expect("GetReport")
        .into_inner()
        .report
        .expect("a report")
}

fn by_agent(customer_id: &str) -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: vec!["chat".into()],
            customer_id: customer_id.into(),
            ..Default::default()
        }),
        group_by: vec!["attributes.agent".into()],
        ..Default::default()
    }
}

/// The (agent, rating_count) of each group of a report.
fn group_counts(report: &pb::Report) -> BTreeMap<String, i64> {
    report
        .groups
        .iter()
        .map(|group| {
            (
                group
                    .key
                    .get("attributes.agent")
                    .cloned()
                    .unwrap_or_default(),
                group.metrics.as_ref().unwrap().rating_count,
            )
        })
        .collect()
}

/// The customer's ratings: the first opens a follow-up (score 1), each names the agent only it
/// has, a phone attribute, and the comment.
fn customer_rating(index: usize, score: i32) -> pb::Rating {
    pb::Rating {
        comment: COMMENT.into(),
        customer_id: CUSTOMER.into(),
        attributes: BTreeMap::from([
            ("agent".to_string(), AGENT.to_string()),
            ("phone".to_string(), PHONE.to_string()),
        ]),
        ..rating("chat", &format!("erased-{index}"), score)
    }
}

/// Where each of `needles` is found in any text column of any table, as `table.column`.
pub(crate) async fn found_in_tables(url: &str, needles: &[&str]) -> Vec<String> {
    let connection = Database::connect(url).await.unwrap();
    let backend = connection.get_database_backend();
    let columns_sql = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        _ => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        }
    };
    let columns = connection
        .query_all_raw(Statement::from_string(backend, columns_sql))
        .await
        .unwrap();
    assert!(
        columns.len() > 20,
        "the columns are listed: {}",
        columns.len()
    );
    let mut found = Vec::new();
    for column in columns {
        let table: String = column.try_get("", "table_name").unwrap();
        let column: String = column.try_get("", "column_name").unwrap();
        for needle in needles {
            let sql = format!(
                "SELECT COUNT(*) AS hits FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%{needle}%'"
            );
            let row = connection
                .query_one_raw(Statement::from_string(backend, sql))
                .await
                .unwrap()
                .unwrap();
            let hits: i64 = row.try_get("", "hits").unwrap();
            if hits > 0 {
                found.push(format!("{table}.{column}: {needle}"));
            }
        }
    }
    let _ = connection.close().await;
    found
}

/// Erases a customer with ratings, a follow-up with a note and a summary, next to another
/// customer: the first leaves no trace in any table (nor, on SQLite, in the file), the other
/// keeps everything; reports move only where grouped by an erased attribute.
async fn an_erased_customer_is_in_no_table_and_no_report_moves(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    create_survey_with_rule(&mut server.surveys, "chat", 1, None).await;
    server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                dimensions: vec!["agent".into()],
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["dimensions".into()],
            }),
        })
        .await
        .expect("the agent dimension");
    for (index, score) in [1, 5, 4].into_iter().enumerate() {
        server.submit(customer_rating(index, score)).await;
    }
    let kept = pb::Rating {
        comment: "kept comment".into(),
        customer_id: "kept-customer".into(),
        attributes: BTreeMap::from([("agent".to_string(), "a1".to_string())]),
        ..rating("chat", "kept-0", 1)
    };
    server.submit(kept.clone()).await;
    let follow_up_id = get_rating(&mut server.ratings, "chat", "erased-0")
        .await
        .sequence
        .to_string();
    server
        .follow_ups
        .add_follow_up_note(pb::AddFollowUpNoteRequest {
            follow_up_id: follow_up_id.clone(),
            text: NOTE.into(),
        })
        .await
        .expect("AddFollowUpNote");
    InvitationServiceClient::new(server.channel.clone())
        .create_invitation(pb::CreateInvitationRequest {
            invitation: Some(pb::Invitation {
                invitation_id: "invited-4711".into(),
                survey_id: "chat".into(),
                customer_id: CUSTOMER.into(),
                channel: pb::Channel::Email.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("CreateInvitation");
    let needles = [CUSTOMER, COMMENT, AGENT, PHONE, NOTE];
    // The search finds them before: it would find them after.
    let before = found_in_tables(&server.database.url, &needles).await;
    for place in [
        format!("ratings.customer_id: {CUSTOMER}"),
        format!("ratings.comment: {COMMENT}"),
        format!("ratings.attributes: {PHONE}"),
        format!("follow_ups.notes: {NOTE}"),
        format!("customers.customer_id: {CUSTOMER}"),
        format!("rollups.value: {AGENT}"),
        format!("invitations.customer_id: {CUSTOMER}"),
    ] {
        assert!(before.contains(&place), "{place} in {before:?}");
    }
    let overall_before = report_on(&mut server.reports, by_agent("")).await;
    assert_eq!(
        group_counts(&overall_before),
        BTreeMap::from([(AGENT.to_string(), 3), ("a1".to_string(), 1)])
    );

    assert_eq!(erase(&mut server.customers, CUSTOMER).await, (3, 1, 1));

    for (index, score) in [1, 5, 4].into_iter().enumerate() {
        let erased = get_rating(&mut server.ratings, "chat", &format!("erased-{index}")).await;
        let submitted = customer_rating(index, score);
        assert!(erased.erased);
        assert_eq!(erased.comment, "");
        assert_eq!(erased.customer_id, "");
        assert!(erased.attributes.is_empty());
        assert_eq!(erased.score, submitted.score);
        assert_eq!(erased.channel, submitted.channel);
    }
    let untouched = get_rating(&mut server.ratings, "chat", "kept-0").await;
    assert!(!untouched.erased);
    assert_eq!(untouched.comment, kept.comment);
    assert_eq!(untouched.customer_id, kept.customer_id);
    let status = server
        .customers
        .get_customer(pb::GetCustomerRequest {
            customer_id: CUSTOMER.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let follow_up = server
        .follow_ups
        .get_follow_up(pb::GetFollowUpRequest {
            follow_up_id: follow_up_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    assert_eq!(follow_up.comment, "");
    assert_eq!(follow_up.customer_id, "");
    assert!(follow_up.notes.is_empty());
    // Grouped by agent, the erased values fall under the empty value; nothing else moves.
    let overall_after = report_on(&mut server.reports, by_agent("")).await;
    assert_eq!(
        group_counts(&overall_after),
        BTreeMap::from([(String::new(), 3), ("a1".to_string(), 1)])
    );
    assert_eq!(overall_after.overall, overall_before.overall);
    let listed = common::list_ratings(
        &mut server.ratings,
        pb::RatingFilter {
            survey_ids: vec!["chat".into()],
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(listed.iter().filter(|rating| rating.erased).count(), 3);
    let replayed = stream_all(&mut server.ratings).await;
    assert_eq!(replayed.iter().filter(|rating| rating.erased).count(), 3);
    assert!(replayed.iter().all(|rating| rating.customer_id != CUSTOMER));

    assert_eq!(
        found_in_tables(&server.database.url, &needles).await,
        Vec::<String>::new()
    );

    // Idempotent: nothing of the customer is left to erase.
    assert_eq!(erase(&mut server.customers, CUSTOMER).await, (0, 0, 0));
    // A retry of an erased rating is a duplicate, answered with the erased form; a different
    // score under its key is still a conflict.
    let retried = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(customer_rating(1, 5)),
        })
        .await
        .expect("a retry of an erased rating")
        .into_inner();
    assert!(retried.duplicate);
    assert!(retried.rating.as_ref().unwrap().erased);
    assert_eq!(retried.rating.unwrap().customer_id, "");
    let conflict = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(customer_rating(1, 4)),
        })
        .await
        .unwrap_err();
    assert_eq!(conflict.code(), Code::AlreadyExists);
    assert_eq!(
        found_in_tables(&server.database.url, &needles).await,
        Vec::<String>::new()
    );

    let database = server.stop_keeping_database().await;
    if backend == Backend::Sqlite {
        assert_file_holds_none_of(&database.url, &needles).await;
    }
    // A server started again loads rollups without the erased values.
    let mut server = TestServer::spawn_on(database).await;
    let restarted = report_on(&mut server.reports, by_agent("")).await;
    assert_eq!(group_counts(&restarted), group_counts(&overall_after));
    server.stop().await;
}

/// Checkpoints the SQLite database at `url` and checks that neither its file nor its WAL holds
/// any of `needles`: freed bytes are zeroed (secure_delete), not left in free space.
async fn assert_file_holds_none_of(url: &str, needles: &[&str]) {
    let connection = Database::connect(url).await.unwrap();
    let checkpoint = connection
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(TRUNCATE)",
        ))
        .await
        .unwrap()
        .unwrap();
    let busy: i64 = checkpoint.try_get_by_index(0).unwrap();
    assert_eq!(busy, 0, "the checkpoint completed");
    let _ = connection.close().await;
    let path = url.strip_prefix("sqlite://").unwrap();
    for file in [path.to_string(), format!("{path}-wal")] {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        for needle in needles {
            assert!(
                !bytes
                    .windows(needle.len())
                    .any(|window| window == needle.as_bytes()),
                "{file} holds {needle:?}"
            );
        }
    }
}

async fn stream_all(ratings: &mut RatingServiceClient<Channel>) -> Vec<pb::Rating> {
    let mut stream = ratings
        .stream_ratings(pb::StreamRatingsRequest {
            filter: None,
            start_after: 0,
            follow: false,
        })
        .await
        .expect("StreamRatings")
        .into_inner();
    let mut replayed = Vec::new();
    while let Some(message) = stream.message().await.expect("a replay") {
        replayed.push(message.rating.expect("a rating"));
    }
    replayed
}

fn seeded_runner(variable: &str, cases: u32) -> TestRunner {
    // A failure names its seed: <variable>=<seed> replays the same data.
    let seed: u64 = std::env::var(variable)
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| csat::domain::now_micros() as u64);
    println!("random erasures: {variable}={seed}");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    )
}

/// Random queries over the report oracle's data, after each of the customers is erased in a
/// random order: every figure is the oracle's over the data with those customers' ids and
/// attributes gone, from the rollups (in memory, and loaded again by a new server) and scans.
async fn random_reports_after_erasures_match_the_oracle(backend: Backend) {
    let cases = if backend == Backend::Sqlite { 4 } else { 3 };
    let mut runner = seeded_runner("CSAT_ERASURE_REPORT_SEED", cases);
    let strategy = (
        prop::collection::vec(rating_strategy(), 1..80),
        Just(vec!["c1", "c2", "c3"]).prop_shuffle(),
        prop::collection::vec(query_strategy(), 12),
    );
    let mut cases_run = Vec::new();
    for _ in 0..cases {
        cases_run.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let surveys = test_surveys();
    for (data, order, queries) in cases_run {
        let database = common::TestDatabase::create(backend).await;
        let mut server = TestServer::spawn_with(database, |config| {
            config.rollup_time_zones = common::zones(&ROLLUP_ZONES);
        })
        .await;
        for survey in &surveys {
            server
                .surveys
                .create_survey(pb::CreateSurveyRequest {
                    survey_id: survey.survey_id.into(),
                    survey: Some(pb::Survey {
                        touchpoint: survey.touchpoint.into(),
                        metric: survey.metric.into(),
                        scale_min: Some(survey.scale.0),
                        scale_max: Some(survey.scale.1),
                        dimensions: survey
                            .dimensions
                            .iter()
                            .map(|key| key.to_string())
                            .collect(),
                        reasons: REASON_CODES
                            .iter()
                            .map(|code| pb::SurveyReason {
                                code: code.to_string(),
                                label: code.replace('_', " "),
                            })
                            .collect(),
                        ..Default::default()
                    }),
                })
                .await
                .unwrap();
        }
        let wire = |(index, rating): (usize, &TestRating)| {
            let mut attributes = BTreeMap::new();
            if let Some(agent) = rating.agent {
                attributes.insert("agent".to_string(), agent.to_string());
            }
            if let Some(team) = rating.team {
                attributes.insert("team".to_string(), team.to_string());
            }
            pb::Rating {
                rating_id: format!("r{index}"),
                survey_id: surveys[rating.survey].survey_id.into(),
                score: score_of(rating, &surveys),
                channel: rating.channel,
                customer_id: rating.customer.into(),
                comment: format!("comment of {}", rating.customer),
                attributes,
                occur_time: Some(timestamp(rating.occur_time)),
                reason_codes: rating.reasons.iter().map(|code| code.to_string()).collect(),
                ..Default::default()
            }
        };
        let (imported, submitted) = data.split_at(data.len() / 2);
        customers::import(&mut server, imported.iter().enumerate().map(wire).collect()).await;
        for (index, rating) in submitted.iter().enumerate() {
            server.submit(wire((imported.len() + index, rating))).await;
        }
        let mut erased: BTreeSet<&str> = BTreeSet::new();
        let expected = |erased: &BTreeSet<&str>| -> Vec<TestRating> {
            data.iter()
                .map(|rating| {
                    if erased.contains(rating.customer) {
                        TestRating {
                            agent: None,
                            team: None,
                            customer: "",
                            ..rating.clone()
                        }
                    } else {
                        rating.clone()
                    }
                })
                .collect()
        };
        let every_survey: Vec<&str> = surveys.iter().map(|survey| survey.survey_id).collect();
        let overall = |report: pb::Report| report.overall.unwrap();
        let before = overall(
            server
                .report(pb::ReportQuery {
                    filter: Some(pb::RatingFilter {
                        survey_ids: every_survey.iter().map(|id| id.to_string()).collect(),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await,
        );
        for customer in &order {
            let count = data
                .iter()
                .filter(|rating| rating.customer == *customer)
                .count();
            let (ratings, _, _) = erase(&mut server.customers, customer).await;
            assert_eq!(ratings, count as i64, "{customer}");
            erased.insert(customer);
            let data_now = expected(&erased);
            for query in &queries {
                let answer = server.report(to_wire(query)).await;
                assert_eq!(answer.from_rollups, covered(query), "{query:?}");
                check_report(&answer, &data_now, &surveys, query);
            }
        }
        let after = overall(
            server
                .report(pb::ReportQuery {
                    filter: Some(pb::RatingFilter {
                        survey_ids: every_survey.iter().map(|id| id.to_string()).collect(),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await,
        );
        assert_eq!(before, after, "aggregate figures do not move");
        let database = server.stop_keeping_database().await;
        let mut server = TestServer::spawn_with(database, |config| {
            config.rollup_time_zones = common::zones(&ROLLUP_ZONES);
        })
        .await;
        let data_now = expected(&erased);
        for query in &queries {
            let answer = server.report(to_wire(query)).await;
            check_report(&answer, &data_now, &surveys, query);
        }
        assert_eq!(
            found_in_tables(&server.database.url, &["c1", "c2", "c3"]).await,
            Vec::<String>::new()
        );
        server.stop().await;
    }
}

/// Submits of the customer go on while it is erased: every rating stored before the erasure's
/// commit is erased, every one after is kept whole; in sequence order, the erased ones come
/// first, and the erasure counted them all.
async fn an_erasure_orders_with_concurrent_submits(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    common::create_csat_survey(&mut server.surveys, "chat", "support_chat").await;
    let mut submitting = server.ratings.clone();
    let submits = tokio::spawn(async move {
        for index in 0..150 {
            submitting
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(customer_rating(index, 4)),
                })
                .await
                .expect("SubmitRating");
        }
    });
    // Well into the submits, before their end.
    loop {
        let listed = common::list_ratings(&mut server.ratings, pb::RatingFilter::default(), 1_000)
            .await
            .len();
        if listed >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (erased_count, _, _) = erase(&mut server.customers, CUSTOMER).await;
    submits.await.unwrap();
    let mut listed =
        common::list_ratings(&mut server.ratings, pb::RatingFilter::default(), 1_000).await;
    assert_eq!(listed.len(), 150);
    listed.sort_by_key(|rating| rating.sequence);
    let erased: Vec<bool> = listed.iter().map(|rating| rating.erased).collect();
    let first_kept = erased
        .iter()
        .position(|erased| !erased)
        .unwrap_or(erased.len());
    assert_eq!(first_kept as i64, erased_count);
    assert!(erased_count >= 30, "{erased_count}");
    assert!(
        erased[first_kept..].iter().all(|erased| !erased),
        "{erased:?}"
    );
    for rating in &listed[first_kept..] {
        assert_eq!(rating.customer_id, CUSTOMER);
        assert_eq!(rating.comment, COMMENT);
    }
    for rating in &listed[..first_kept] {
        assert_eq!(rating.customer_id, "");
        assert_eq!(rating.comment, "");
    }
    // The ratings after the erasure make the customer anew.
    let customer = server
        .customers
        .get_customer(pb::GetCustomerRequest {
            customer_id: CUSTOMER.into(),
        })
        .await
        .map(|answer| answer.into_inner().customer.unwrap().rating_count);
    match customer {
        Ok(count) => assert_eq!(count, 150 - erased_count),
        Err(status) => {
            assert_eq!(erased_count, 150);
            assert_eq!(status.code(), Code::NotFound);
        }
    }
    server.stop().await;
}

/// A server keeping comments 30 days erases, as it starts, the comments of ratings that
/// occurred before (and their follow-ups' copies), and nothing else.
async fn the_retention_sweep_erases_old_comments_only(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    create_survey_with_rule(&mut server.surveys, "chat", 5, None).await;
    let now = csat::domain::now_micros();
    let day = 86_400_000_000;
    for (rating_id, age_days) in [("old", 40), ("recent", 20)] {
        server
            .submit(pb::Rating {
                comment: format!("comment {rating_id}"),
                customer_id: "c1".into(),
                attributes: BTreeMap::from([("agent".to_string(), "a1".to_string())]),
                occur_time: Some(timestamp(now - age_days * day)),
                ..rating("chat", rating_id, 2)
            })
            .await;
    }
    let database = server.stop_keeping_database().await;
    let mut server = TestServer::spawn_with(database, |config| {
        config.comment_retention_days = Some(30);
    })
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let old = loop {
        let old = get_rating(&mut server.ratings, "chat", "old").await;
        if old.comment.is_empty() || tokio::time::Instant::now() > deadline {
            break old;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(old.comment, "", "the old comment is erased");
    // The comment alone: the rating is not erased, its customer and attributes stay.
    assert!(!old.erased);
    assert_eq!(old.customer_id, "c1");
    assert_eq!(old.attributes.get("agent").map(String::as_str), Some("a1"));
    let recent = get_rating(&mut server.ratings, "chat", "recent").await;
    assert_eq!(recent.comment, "comment recent");
    for (rating, comment) in [(&old, ""), (&recent, "comment recent")] {
        let follow_up = server
            .follow_ups
            .get_follow_up(pb::GetFollowUpRequest {
                follow_up_id: rating.sequence.to_string(),
            })
            .await
            .unwrap()
            .into_inner()
            .follow_up
            .unwrap();
        assert_eq!(follow_up.comment, comment);
    }
    server.stop().await;
}

/// EraseCustomer needs a customer_id, named as the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_without_a_valid_customer_id_is_refused() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    for customer_id in ["", "not valid!"] {
        let status = server
            .customers
            .erase_customer(pb::EraseCustomerRequest {
                customer_id: customer_id.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(error_reason(&status), "INVALID_FIELD");
        assert_eq!(common::bad_fields(&status), ["customer_id"]);
    }
    // A customer never seen: OK, nothing erased.
    assert_eq!(erase(&mut server.customers, "never-seen").await, (0, 0, 0));
    server.stop().await;
}

/// Erased through one replica, the customer's ratings are erased for the others at once: their
/// reads, replays and reports (from their rollups in memory) show the erased form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_through_one_replica_shows_on_the_others() {
    let replicas = Replicas::start(3).await;
    let mut surveys =
        csat::pb::survey_service_client::SurveyServiceClient::new(replicas.channels[0].clone());
    surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                dimensions: vec!["agent".into()],
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["dimensions".into()],
            }),
        })
        .await
        .expect("the agent dimension");
    let mut a = RatingServiceClient::new(replicas.channels[0].clone());
    for (index, score) in [1, 5, 4].into_iter().enumerate() {
        a.submit_rating(pb::SubmitRatingRequest {
            rating: Some(customer_rating(index, score)),
        })
        .await
        .unwrap();
    }
    let mut b_ratings = RatingServiceClient::new(replicas.channels[1].clone());
    let mut b_reports = ReportServiceClient::new(replicas.channels[1].clone());
    // B's rollups in memory count the agent before the erasure.
    let before = report_on(&mut b_reports, by_agent("")).await;
    assert!(before.from_rollups);
    assert_eq!(
        group_counts(&before),
        BTreeMap::from([(AGENT.to_string(), 3)])
    );
    let mut a_customers = CustomerServiceClient::new(replicas.channels[0].clone());
    assert_eq!(erase(&mut a_customers, CUSTOMER).await.0, 3);

    let erased = get_rating(&mut b_ratings, "chat", "erased-1").await;
    assert!(erased.erased);
    assert_eq!(erased.customer_id, "");
    let replayed = stream_all(&mut b_ratings).await;
    assert_eq!(replayed.len(), 3);
    assert!(
        replayed
            .iter()
            .all(|rating| rating.erased && rating.comment.is_empty())
    );
    let after = report_on(&mut b_reports, by_agent("")).await;
    assert!(after.from_rollups);
    assert_eq!(group_counts(&after), BTreeMap::from([(String::new(), 3)]));
    assert_eq!(after.overall, before.overall);
    let mut c_reports = ReportServiceClient::new(replicas.channels[2].clone());
    let on_c = report_on(&mut c_reports, by_agent("")).await;
    assert_eq!(group_counts(&on_c), BTreeMap::from([(String::new(), 3)]));
    replicas.stop().await;
}

/// The binary killed (SIGKILL) right after an erasure is sent: started again, the customer is
/// erased whole or not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_during_an_erasure_leaves_it_done_or_not_begun() {
    let database = common::TestDatabase::create(Backend::Sqlite).await;
    let address = common::free_address();
    let (mut process, channel) = common::start_csat(&database.url, address).await;
    common::create_csat_survey(
        &mut csat::pb::survey_service_client::SurveyServiceClient::new(channel.clone()),
        "chat",
        "support_chat",
    )
    .await;
    let mut ratings = RatingServiceClient::new(channel.clone());
    ratings
        .import_ratings(tokio_stream::iter((0..2_000).map(|index| {
            pb::ImportRatingsRequest {
                rating: Some(customer_rating(index, 4)),
            }
        })))
        .await
        .unwrap();
    let mut customers = CustomerServiceClient::new(channel.clone());
    let erasing = tokio::spawn(async move {
        customers
            .erase_customer(pb::EraseCustomerRequest {
                customer_id: CUSTOMER.into(),
            })
            .await
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    process.kill().unwrap();
    process.wait().unwrap();
    let answered = erasing.await.unwrap().is_ok();
    let (_process, channel) = common::start_csat(&database.url, address).await;
    let mut ratings = RatingServiceClient::new(channel.clone());
    let listed = common::list_ratings(&mut ratings, pb::RatingFilter::default(), 1_000).await;
    assert_eq!(listed.len(), 2_000);
    let erased = listed.iter().filter(|rating| rating.erased).count();
    assert!(erased == 0 || erased == 2_000, "{erased} of 2,000 erased");
    if answered {
        assert_eq!(erased, 2_000, "answered OK, so committed");
    }
    let customer = CustomerServiceClient::new(channel)
        .get_customer(pb::GetCustomerRequest {
            customer_id: CUSTOMER.into(),
        })
        .await;
    assert_eq!(customer.is_ok(), erased == 0);
    println!("killed during an erasure: {erased} of 2,000 erased");
}
