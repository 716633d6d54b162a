//! The client bar of issue 15 against the real csat binary (CSAT_BIN): create a survey, submit
//! (a duplicate and a bad rating included, field violations decoded with csat::client), page
//! ListRatings to the end, a report grouped by an attribute, a followed StreamRatings that
//! receives a rating submitted after it opened; and the quickstart itself, run as a user runs it.
//! Every test starts its own server and stops it with SIGTERM, expecting exit code 0.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::process::Command;
use std::time::{Duration, Instant};

use csat::client::{ERROR_DOMAIN, FieldViolation, error_reason, field_violations};
use csat::proto::rating_service_client::RatingServiceClient;
use csat::proto::report_service_client::ReportServiceClient;
use csat::proto::survey_service_client::SurveyServiceClient;
use csat::proto::{
    BatchSubmitRatingsRequest, Channel as RatingChannel, CreateSurveyRequest, GetReportRequest,
    GetSurveyRequest, ListRatingsRequest, Metric, Rating, RatingFilter, ReportQuery,
    StreamRatingsRequest, SubmitRatingRequest, Survey, SurveyState,
};
use csat_client_quickstart::{BearerToken, MAX_ATTEMPTS, retry_unavailable};
use support::Server;
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request};

/// Creates a CSAT survey on the default 1-5 scale with the given id.
async fn create_survey(channel: &Channel, survey_id: &str) -> Survey {
    SurveyServiceClient::new(channel.clone())
        .create_survey(CreateSurveyRequest {
            survey_id: survey_id.into(),
            survey: Some(Survey {
                display_name: format!("Support chat {survey_id}"),
                question: "How satisfied are you with the help you got?".into(),
                touchpoint: "support_chat".into(),
                metric: Metric::Csat.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap_or_else(|status| panic!("CreateSurvey({survey_id}): {status:?}"))
        .into_inner()
        .survey
        .expect("a survey")
}

/// A rating of `survey_id` with the given id, score and agent.
fn rating(survey_id: &str, rating_id: &str, score: i32, agent: &str) -> Rating {
    Rating {
        rating_id: rating_id.into(),
        survey_id: survey_id.into(),
        score,
        channel: RatingChannel::WebChat.into(),
        attributes: [("agent".to_owned(), agent.to_owned())].into(),
        ..Default::default()
    }
}

/// Stores ratings "<prefix>-<i>" of `survey_id` in one batch, agents taken in turn.
async fn submit_all(
    channel: &Channel,
    survey_id: &str,
    prefix: &str,
    scores: &[i32],
    agents: &[&str],
) -> Vec<Rating> {
    let ratings = scores
        .iter()
        .enumerate()
        .map(|(i, &score)| {
            rating(
                survey_id,
                &format!("{prefix}-{i}"),
                score,
                agents[i % agents.len()],
            )
        })
        .collect();
    RatingServiceClient::new(channel.clone())
        .batch_submit_ratings(BatchSubmitRatingsRequest { ratings })
        .await
        .unwrap_or_else(|status| panic!("BatchSubmitRatings: {status:?}"))
        .into_inner()
        .ratings
}

/// Runs `test` with a channel to a fresh server, then stops the server (SIGTERM, exit 0).
async fn with_server(test: impl AsyncFnOnce(Channel)) {
    let server = Server::start().await;
    test(server.channel().await).await;
    server.stop().await;
}

fn only(survey_id: &str) -> Option<RatingFilter> {
    Some(RatingFilter {
        survey_ids: vec![survey_id.into()],
        ..Default::default()
    })
}

#[tokio::test]
async fn create_survey_fills_defaults_and_an_unknown_one_is_not_found() {
    with_server(async |channel: Channel| {
        let created = create_survey(&channel, "defaults").await;
        let got = SurveyServiceClient::new(channel.clone())
            .get_survey(GetSurveyRequest {
                survey_id: "defaults".into(),
            })
            .await
            .expect("GetSurvey")
            .into_inner()
            .survey
            .expect("a survey");
        let missing = SurveyServiceClient::new(channel.clone())
            .get_survey(GetSurveyRequest {
                survey_id: "no-such-survey".into(),
            })
            .await
            .expect_err("GetSurvey of an unknown survey");

        assert_eq!(created.state(), SurveyState::Active);
        assert_eq!(
            (
                created.scale_min(),
                created.scale_max(),
                created.satisfied_threshold()
            ),
            (1, 5, 4)
        );
        assert_eq!(got, created);
        assert_eq!(missing.code(), Code::NotFound, "{missing:?}");
        assert_eq!(error_reason(&missing).as_deref(), Some("SURVEY_NOT_FOUND"));
        assert!(field_violations(&missing).is_empty());
    })
    .await;
}

#[tokio::test]
async fn submitting_the_same_rating_twice_counts_it_once() {
    with_server(async |channel: Channel| {
        create_survey(&channel, "duplicates").await;
        let mut ratings = RatingServiceClient::new(channel.clone());
        let submit = |rating: Rating| SubmitRatingRequest {
            rating: Some(rating),
        };

        let first = ratings
            .submit_rating(submit(rating("duplicates", "ticket-1042", 5, "a-17")))
            .await
            .expect("first SubmitRating")
            .into_inner();
        let second = ratings
            .submit_rating(submit(rating("duplicates", "ticket-1042", 5, "a-17")))
            .await
            .expect("second SubmitRating")
            .into_inner();
        let changed = ratings
            .submit_rating(submit(rating("duplicates", "ticket-1042", 1, "a-17")))
            .await
            .expect_err("the same rating_id with another score");
        let report = ReportServiceClient::new(channel.clone())
            .get_report(GetReportRequest {
                query: Some(ReportQuery {
                    filter: only("duplicates"),
                    ..Default::default()
                }),
            })
            .await
            .expect("GetReport")
            .into_inner()
            .report
            .expect("a report");

        assert!(!first.duplicate && second.duplicate);
        let sequence = first.rating.expect("a rating").sequence;
        assert!(sequence > 0);
        assert_eq!(second.rating.expect("a rating").sequence, sequence);
        assert_eq!(report.overall.expect("overall").rating_count, 1);
        assert_eq!(changed.code(), Code::AlreadyExists, "{changed:?}");
    })
    .await;
}

#[tokio::test]
async fn a_bad_rating_names_every_bad_field_with_its_reason() {
    with_server(async |channel: Channel| {
        create_survey(&channel, "validation").await;
        let mut bad = rating("validation", "ticket 1043", 9, "a-17");
        bad.attributes.insert("Not A Key".into(), "x".into());

        let refused = RatingServiceClient::new(channel.clone())
            .submit_rating(SubmitRatingRequest { rating: Some(bad) })
            .await
            .expect_err("SubmitRating of a bad rating");

        assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
        assert_eq!(error_reason(&refused).as_deref(), Some("INVALID_FIELD"));
        assert_eq!(ERROR_DOMAIN, "csat");
        let violations = field_violations(&refused);
        let reasons: BTreeMap<&str, &str> = violations
            .iter()
            .map(|FieldViolation { field, reason, .. }| (field.as_str(), reason.as_str()))
            .collect();
        assert_eq!(
            reasons.get("rating.score"),
            Some(&"OUT_OF_RANGE"),
            "{violations:?}"
        );
        assert_eq!(
            reasons.get("rating.rating_id"),
            Some(&"BAD_FORMAT"),
            "{violations:?}"
        );
        assert!(
            violations
                .iter()
                .any(|v| v.field.starts_with("rating.attributes") && v.reason == "BAD_FORMAT"),
            "no violation names the bad attribute key: {violations:?}"
        );
        assert!(violations.iter().all(|v| !v.description.is_empty()));
    })
    .await;
}

#[tokio::test]
async fn list_ratings_pages_to_the_end_newest_first() {
    with_server(async |channel: Channel| {
        create_survey(&channel, "paging").await;
        let scores: Vec<i32> = (0..23).map(|i| 1 + i % 5).collect();
        submit_all(&channel, "paging", "page", &scores, &["a-1"]).await;
        let mut ratings = RatingServiceClient::new(channel.clone());

        let mut seen = Vec::new();
        let mut page_token = String::new();
        let mut pages = 0;
        loop {
            let page = ratings
                .list_ratings(ListRatingsRequest {
                    filter: only("paging"),
                    page_size: 5,
                    page_token: page_token.clone(),
                })
                .await
                .expect("ListRatings")
                .into_inner();
            pages += 1;
            assert!(page.ratings.len() <= 5);
            seen.extend(page.ratings);
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
            assert!(pages < 10, "ListRatings pages without an end");
        }

        assert_eq!(pages, 5);
        assert_eq!(seen.len(), 23);
        let ids: HashSet<&str> = seen.iter().map(|r| r.rating_id.as_str()).collect();
        assert_eq!(ids.len(), 23, "a rating listed twice");
        assert!(
            seen.windows(2).all(|w| w[0].sequence > w[1].sequence),
            "not newest first"
        );
    })
    .await;
}

#[tokio::test]
async fn a_report_grouped_by_agent_gives_each_agent_its_csat() {
    with_server(async |channel: Channel| {
        create_survey(&channel, "grouped").await;
        // a-1: 5, 4, 2 (2 of 3 satisfied); a-2: 1, 5 (1 of 2).
        submit_all(&channel, "grouped", "g", &[5, 1, 4, 5, 2], &["a-1", "a-2"]).await;

        let report = ReportServiceClient::new(channel.clone())
            .get_report(GetReportRequest {
                query: Some(ReportQuery {
                    filter: only("grouped"),
                    group_by: vec!["attributes.agent".into()],
                    ..Default::default()
                }),
            })
            .await
            .expect("GetReport")
            .into_inner()
            .report
            .expect("a report");

        let overall = report.overall.expect("overall");
        assert_eq!((overall.rating_count, overall.satisfied_count()), (5, 3));
        let groups: BTreeMap<String, (i64, i64, Option<f64>)> = report
            .groups
            .iter()
            .map(|group| {
                let metrics = group.metrics.clone().expect("metrics");
                (
                    group
                        .key
                        .get("attributes.agent")
                        .cloned()
                        .unwrap_or_default(),
                    (
                        metrics.rating_count,
                        metrics.satisfied_count(),
                        metrics.csat,
                    ),
                )
            })
            .collect();
        assert_eq!(groups.len(), 2, "{groups:?}");
        let (count, satisfied, csat) = groups["a-1"];
        assert_eq!((count, satisfied), (3, 2));
        assert!((csat.expect("a-1's csat") - 200.0 / 3.0).abs() < 1e-9);
        let (count, satisfied, csat) = groups["a-2"];
        assert_eq!((count, satisfied, csat), (2, 1, Some(50.0)));
    })
    .await;
}

#[tokio::test]
async fn a_followed_stream_receives_a_rating_submitted_after_it_opened() {
    with_server(async |channel: Channel| {
        create_survey(&channel, "live").await;
        create_survey(&channel, "elsewhere").await;
        let stored = submit_all(&channel, "live", "before", &[4, 2], &["a-1"]).await;

        // No deadline on a followed stream: it stays open until the caller leaves.
        let mut stream = RatingServiceClient::new(channel.clone())
            .stream_ratings(StreamRatingsRequest {
                filter: only("live"),
                start_after: 0,
                follow: true,
            })
            .await
            .expect("StreamRatings")
            .into_inner();
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(10), stream.message())
                .await
                .expect("a rating within 10 s")
                .expect("the stream stays healthy")
                .expect("the stream stays open")
                .rating
                .expect("a rating")
        };
        let replayed = [next().await.sequence, next().await.sequence];
        submit_all(&channel, "elsewhere", "other", &[5], &["a-1"]).await;
        let after = RatingServiceClient::new(channel.clone())
            .submit_rating(SubmitRatingRequest {
                rating: Some(rating("live", "after-1", 1, "a-2")),
            })
            .await
            .expect("SubmitRating")
            .into_inner()
            .rating
            .expect("a rating");
        let live = next().await;

        assert_eq!(
            replayed,
            [stored[0].sequence, stored[1].sequence],
            "the stored ratings first, in sequence order"
        );
        assert_eq!(
            live.rating_id, "after-1",
            "the filter keeps other surveys out"
        );
        assert_eq!(live.sequence, after.sequence);
    })
    .await;
}

#[tokio::test]
async fn the_quickstart_runs_twice_against_the_server() {
    let server = Server::start().await;
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_quickstart"))
            .arg(&server.url)
            .env("CSAT_API_KEY", "a-token-the-server-ignores-without-keys")
            .output()
            .expect("running the quickstart");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "quickstart failed: {}\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };

    let first = run();
    let second = run();

    assert!(
        first.contains("survey support-chat: scale 1-5, satisfied from 4"),
        "{first}"
    );
    assert!(
        first.contains("rating ticket-1042 stored at sequence 1 (duplicate: false)"),
        "{first}"
    );
    assert!(second.contains("(duplicate: true)"), "{second}");
    for output in [&first, &second] {
        assert!(
            output.contains("bad rating: InvalidArgument INVALID_FIELD"),
            "{output}"
        );
        assert!(output.contains("rating.score OUT_OF_RANGE"), "{output}");
        assert!(output.contains("rating.rating_id BAD_FORMAT"), "{output}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_bearer_token_becomes_the_authorization_header() {
    let mut token = BearerToken::new(Some("k-123")).expect("an ASCII token");
    let mut none = BearerToken::new(None).expect("no token");

    let with = token.call(Request::new(())).expect("intercepted");
    let without = none.call(Request::new(())).expect("intercepted");

    assert_eq!(
        with.metadata()
            .get("authorization")
            .map(|v| v.to_str().ok()),
        Some(Some("Bearer k-123"))
    );
    assert!(without.metadata().get("authorization").is_none());
    assert!(BearerToken::new(Some("not\nascii")).is_err());
}

#[tokio::test]
async fn unavailable_is_retried_and_other_errors_are_not() {
    let server = Server::start().await;
    let _still_connected = server.channel().await; // a client's open connection delays no stop
    let gone = server.url.clone();
    server.stop().await;
    // The stopped server's port: nobody listens, every attempt is UNAVAILABLE.
    let lazy = Endpoint::from_shared(gone).expect("a URL").connect_lazy();
    let mut attempts = 0;
    let started = Instant::now();

    let unavailable = retry_unavailable(|| {
        attempts += 1;
        let mut surveys = SurveyServiceClient::new(lazy.clone());
        async move { surveys.get_survey(GetSurveyRequest::default()).await }
    })
    .await
    .expect_err("no server");

    assert_eq!(unavailable.code(), Code::Unavailable, "{unavailable:?}");
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "0.1 + 0.2 + 0.4 + 0.8 s of backoff"
    );

    let server = Server::start().await;
    let channel = server.channel().await;
    let mut attempts = 0;
    let not_found = retry_unavailable(|| {
        attempts += 1;
        let mut surveys = SurveyServiceClient::new(channel.clone());
        async move {
            surveys
                .get_survey(GetSurveyRequest {
                    survey_id: "absent".into(),
                })
                .await
        }
    })
    .await
    .expect_err("an unknown survey");
    assert_eq!((not_found.code(), attempts), (Code::NotFound, 1));
    server.stop().await;
}

#[test]
fn the_client_builds_without_the_servers_storage() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running cargo tree");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(tree.contains("csat v0.1.0"), "{tree}");
    for server_only in [
        "sea-orm",
        "sqlx",
        "rusqlite",
        "libsqlite3-sys",
        "clap",
        "tower-http",
    ] {
        assert!(
            !tree
                .lines()
                .any(|line| line.starts_with(&format!("{server_only} v"))),
            "{server_only} is in the client's dependencies:\n{tree}"
        );
    }
}
