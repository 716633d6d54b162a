//! Hostile and careless input over real gRPC, on SQLite and PostgreSQL: text the database cannot
//! store, lists long enough to make a quadratic check hang, statuses too large for a client's
//! metadata, messages that do not decode, numbers the contract does not have.

use crate::raw_grpc;
use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::{Backend, TestServer, bad_fields, error_reason, rating, violation_reasons};
use csat::pb;
use prost::Message;
use tonic::Code;
use tonic_types::StatusExt;

on_both_backends!(
    a_nul_is_refused_in_every_text_field_and_reads_keep_working,
    lists_of_hundreds_of_thousands_of_entries_are_refused_at_once,
    a_status_naming_many_bad_fields_fits_a_default_clients_metadata,
    malformed_messages_are_invalid_argument,
    unknown_enum_numbers_and_invalid_durations_are_named,
    list_benchmarks_names_every_bad_field_at_once,
    every_violation_carries_the_reason_clients_branch_on,
);

/// Asserts that `result` is INVALID_ARGUMENT naming `field`.
fn assert_names<T: std::fmt::Debug>(result: Result<T, tonic::Status>, field: &str) {
    let status = result.expect_err(field);
    assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
    assert!(
        bad_fields(&status).iter().any(|named| named == field),
        "{field} not in {:?}",
        bad_fields(&status)
    );
}

fn with_nul(text: &str) -> String {
    format!("{text}\0x")
}

async fn a_nul_is_refused_in_every_text_field_and_reads_keep_working(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let survey = server.create_csat_survey("chat", "support_chat").await;
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
        .unwrap();
    server.submit(rating("chat", "r-1", 5)).await;

    // Ratings: every string, in a declared dimension and out of one.
    let mut ratings = server.ratings.clone();
    for (field, changed) in [
        ("rating.rating_id", {
            let mut sent = rating("chat", "r-2", 4);
            sent.rating_id = with_nul("r-2");
            sent
        }),
        ("rating.survey_id", rating(&with_nul("chat"), "r-2", 4)),
        ("rating.comment", {
            let mut sent = rating("chat", "r-2", 4);
            sent.comment = with_nul("fine");
            sent
        }),
        ("rating.customer_id", {
            let mut sent = rating("chat", "r-2", 4);
            sent.customer_id = with_nul("c-1");
            sent
        }),
        ("rating.attributes[\"agent\"]", {
            let mut sent = rating("chat", "r-2", 4);
            sent.attributes = BTreeMap::from([("agent".into(), with_nul("a-1"))]);
            sent
        }),
        ("rating.attributes[\"team\"]", {
            let mut sent = rating("chat", "r-2", 4);
            sent.attributes = BTreeMap::from([("team".into(), with_nul("t-1"))]);
            sent
        }),
        ("rating.attributes[\"team\\0x\"]", {
            let mut sent = rating("chat", "r-2", 4);
            sent.attributes = BTreeMap::from([(with_nul("team"), "t-1".into())]);
            sent
        }),
    ] {
        let submitted = ratings
            .submit_rating(pb::SubmitRatingRequest {
                rating: Some(changed.clone()),
            })
            .await;
        assert_names(submitted, field);
        let batched = ratings
            .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
                ratings: vec![changed],
            })
            .await;
        assert_names(batched, &field.replace("rating.", "ratings[0]."));
    }

    // Filters, of lists, streams and reports.
    for (field, filter) in [
        (
            "survey_ids[0]",
            pb::RatingFilter {
                survey_ids: vec![with_nul("chat")],
                ..Default::default()
            },
        ),
        (
            "touchpoints[0]",
            pb::RatingFilter {
                touchpoints: vec![with_nul("support_chat")],
                ..Default::default()
            },
        ),
        (
            "customer_id",
            pb::RatingFilter {
                customer_id: with_nul("c-1"),
                ..Default::default()
            },
        ),
        (
            "attributes[\"agent\"]",
            pb::RatingFilter {
                attributes: BTreeMap::from([("agent".into(), with_nul("a-1"))]),
                ..Default::default()
            },
        ),
        (
            "attributes[\"team\"]",
            pb::RatingFilter {
                attributes: BTreeMap::from([("team".into(), with_nul("t-1"))]),
                ..Default::default()
            },
        ),
    ] {
        let listed = ratings
            .list_ratings(pb::ListRatingsRequest {
                filter: Some(filter.clone()),
                ..Default::default()
            })
            .await;
        assert_names(listed, &format!("filter.{field}"));
        let streamed = ratings
            .stream_ratings(pb::StreamRatingsRequest {
                filter: Some(filter.clone()),
                ..Default::default()
            })
            .await;
        assert_names(streamed.map(|_| ()), &format!("filter.{field}"));
        let reported = server
            .reports
            .get_report(pb::GetReportRequest {
                query: Some(pb::ReportQuery {
                    filter: Some(filter),
                    group_by: vec!["attributes.agent".into()],
                    ..Default::default()
                }),
            })
            .await;
        assert_names(reported, &format!("query.filter.{field}"));
    }
    let mut reports = server.reports.clone();
    assert_names(
        reports
            .get_report(pb::GetReportRequest {
                query: Some(pb::ReportQuery {
                    group_by: vec![with_nul("attributes.agent")],
                    time_zone: with_nul("UTC"),
                    ..Default::default()
                }),
            })
            .await,
        "query.time_zone",
    );
    assert_names(
        reports
            .get_benchmark_report(pb::GetBenchmarkReportRequest {
                query: None,
                benchmark_ids: vec![with_nul("good-csat")],
            })
            .await,
        "benchmark_ids[0]",
    );

    // Surveys.
    let mut surveys = server.surveys.clone();
    for (field, changed) in [
        (
            "survey.display_name",
            pb::Survey {
                display_name: with_nul("Chat"),
                ..survey.clone()
            },
        ),
        (
            "survey.question",
            pb::Survey {
                question: with_nul("How?"),
                ..survey.clone()
            },
        ),
        (
            "survey.touchpoint",
            pb::Survey {
                touchpoint: with_nul("support_chat"),
                ..survey.clone()
            },
        ),
        (
            "survey.dimensions[0]",
            pb::Survey {
                dimensions: vec![with_nul("agent")],
                ..survey.clone()
            },
        ),
    ] {
        let created = surveys
            .create_survey(pb::CreateSurveyRequest {
                survey: Some(changed),
                survey_id: "other".into(),
            })
            .await;
        assert_names(created, field);
    }
    assert_names(
        surveys
            .create_survey(pb::CreateSurveyRequest {
                survey: Some(survey.clone()),
                survey_id: with_nul("other"),
            })
            .await,
        "survey_id",
    );
    assert_names(
        surveys
            .update_survey(pb::UpdateSurveyRequest {
                survey: Some(pb::Survey {
                    display_name: with_nul("Chat"),
                    ..survey.clone()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            })
            .await,
        "survey.display_name",
    );
    assert_names(
        surveys
            .list_surveys(pb::ListSurveysRequest {
                touchpoint: with_nul("support_chat"),
                ..Default::default()
            })
            .await,
        "touchpoint",
    );

    // Benchmarks.
    let mut benchmarks = server.benchmarks.clone();
    let benchmark = pb::Benchmark {
        benchmark_id: "chat-goal".into(),
        display_name: "Chat goal".into(),
        metric: pb::Metric::Csat.into(),
        measure: pb::Measure::SatisfiedPercent.into(),
        value: 85.0,
        source: "ours".into(),
        ..Default::default()
    };
    for (field, changed) in [
        (
            "benchmark.benchmark_id",
            pb::Benchmark {
                benchmark_id: with_nul("chat-goal"),
                ..benchmark.clone()
            },
        ),
        (
            "benchmark.display_name",
            pb::Benchmark {
                display_name: with_nul("Chat goal"),
                ..benchmark.clone()
            },
        ),
        (
            "benchmark.source",
            pb::Benchmark {
                source: with_nul("ours"),
                ..benchmark.clone()
            },
        ),
        (
            "benchmark.touchpoint",
            pb::Benchmark {
                touchpoint: with_nul("support_chat"),
                ..benchmark.clone()
            },
        ),
    ] {
        let created = benchmarks
            .create_benchmark(pb::CreateBenchmarkRequest {
                benchmark: Some(changed),
            })
            .await;
        assert_names(created, field);
    }

    // Nothing was stored, and every read that filters or groups by an attribute still answers.
    let stored = server.list_all(pb::RatingFilter::default(), 100).await;
    assert_eq!(stored.len(), 1);
    for key in ["agent", "team"] {
        let filtered = server
            .list_all(
                pb::RatingFilter {
                    attributes: BTreeMap::from([(key.to_string(), String::new())]),
                    ..Default::default()
                },
                100,
            )
            .await;
        assert_eq!(filtered.len(), 1, "{key}");
        let report = server
            .report(pb::ReportQuery {
                group_by: vec![format!("attributes.{key}")],
                ..Default::default()
            })
            .await;
        assert_eq!(report.overall.unwrap().rating_count, 1, "{key}");
    }
    server.stop().await;
}

/// Entries enough to fill most of a 4 MiB request: a check that compares each entry with the
/// ones before it takes minutes over them in a debug build, a linear one milliseconds.
const MANY_ENTRIES: usize = 190_000;

/// Asserts that `call` answers INVALID_ARGUMENT naming `field` within a few seconds.
async fn assert_refused_quickly<T: std::fmt::Debug>(
    call: impl Future<Output = Result<T, tonic::Status>>,
    field: &str,
) {
    let answered = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .unwrap_or_else(|_| panic!("{field}: no answer within 10 s"));
    assert_names(answered, field);
}

async fn lists_of_hundreds_of_thousands_of_entries_are_refused_at_once(backend: Backend) {
    let server = TestServer::spawn(backend).await;
    let distinct = |prefix: &str| -> Vec<String> {
        (0..MANY_ENTRIES)
            .map(|index| format!("{prefix}{index}"))
            .collect()
    };

    let mut surveys = server.surveys.clone();
    assert_refused_quickly(
        surveys.create_survey(pb::CreateSurveyRequest {
            survey_id: "chat".into(),
            survey: Some(pb::Survey {
                touchpoint: "support_chat".into(),
                metric: pb::Metric::Csat.into(),
                dimensions: distinct("d"),
                ..Default::default()
            }),
        }),
        "survey.dimensions",
    )
    .await;
    let mut reports = server.reports.clone();
    assert_refused_quickly(
        reports.get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: None,
            benchmark_ids: distinct("b"),
        }),
        "benchmark_ids",
    )
    .await;
    assert_refused_quickly(
        reports.get_report(pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                group_by: distinct("attributes.k"),
                ..Default::default()
            }),
        }),
        "query.group_by",
    )
    .await;
    let mut ratings = server.ratings.clone();
    assert_refused_quickly(
        ratings.list_ratings(pb::ListRatingsRequest {
            filter: Some(pb::RatingFilter {
                survey_ids: distinct("s"),
                attributes: distinct("k")
                    .into_iter()
                    .map(|key| (key, String::new()))
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        "filter.survey_ids",
    )
    .await;
    server.stop().await;
}

/// The most a status may take in a client's metadata: half the 16 KiB a default grpc-core client
/// accepts, leaving room for every other header.
const MAX_STATUS_BYTES: usize = 8 * 1024;

async fn a_status_naming_many_bad_fields_fits_a_default_clients_metadata(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let off_scale: Vec<pb::Rating> = (0..100)
        .map(|index| rating("chat", &format!("r-{index}"), 9))
        .collect();
    let long_bad_ids: Vec<String> = (0..150)
        .map(|index| format!("Bad{index}{}", "é".repeat(10_000)))
        .collect();
    let long_bad_key = BTreeMap::from([("K".repeat(1_000_000), "v".into())]);

    let batch = server
        .ratings
        .batch_submit_ratings(pb::BatchSubmitRatingsRequest { ratings: off_scale })
        .await
        .unwrap_err();
    let list = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(pb::RatingFilter {
                survey_ids: (0..150).map(|index| format!("Bad{index}")).collect(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let long = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(pb::RatingFilter {
                survey_ids: long_bad_ids,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let long_key = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(pb::Rating {
                attributes: long_bad_key,
                ..rating("chat", "r-1", 9)
            }),
        })
        .await
        .unwrap_err();
    server.stop().await;

    for (status, named, more) in [
        (&batch, 100, Some(80)),
        (&list, 150, Some(130)),
        (&long, 150, None),
        (&long_key, 2, None),
    ] {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            raw_grpc::encoded_status_bytes(status) <= MAX_STATUS_BYTES,
            "{} bytes",
            raw_grpc::encoded_status_bytes(status)
        );
        let listed = bad_fields(status).len();
        assert!((1..=20.min(named)).contains(&listed), "{listed} listed");
        if let Some(more) = more {
            assert_eq!(listed, 20);
            assert!(
                status.message().ends_with(&format!("and {more} more")),
                "{}",
                status.message()
            );
        }
    }
    assert_eq!(bad_fields(&batch)[0], "ratings[0].score");
    assert_eq!(bad_fields(&batch)[19], "ratings[19].score");
}

async fn malformed_messages_are_invalid_argument(backend: Backend) {
    let server = TestServer::spawn(backend).await;
    let valid = pb::GetSurveyRequest {
        survey_id: "chat".into(),
    }
    .encode_to_vec();
    let not_utf8 = {
        let mut bytes = valid.clone();
        let last = bytes.len() - 1;
        bytes[last] = 0xff;
        bytes
    };
    let truncated = valid[..valid.len() - 1].to_vec();
    let huge_length = vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, b'c'];

    let mut answers = Vec::new();
    for request in [not_utf8, truncated, huge_length] {
        answers.push(
            raw_grpc::call(&server.channel, "/csat.v1.SurveyService/GetSurvey", request).await,
        );
    }
    let bad_rating = {
        let mut bytes = pb::SubmitRatingRequest {
            rating: Some(pb::Rating {
                comment: "ok".into(),
                ..rating("chat", "r-1", 4)
            }),
        }
        .encode_to_vec();
        let position = bytes.windows(2).position(|window| window == b"ok").unwrap();
        bytes[position] = 0xc3;
        bytes
    };
    answers.push(
        raw_grpc::call(
            &server.channel,
            "/csat.v1.RatingService/SubmitRating",
            bad_rating,
        )
        .await,
    );
    server.stop().await;

    for answer in answers {
        let status = answer.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            status
                .message()
                .starts_with("failed to decode Protobuf message"),
            "{}",
            status.message()
        );
        assert_eq!(
            status.get_details_error_info().unwrap().reason,
            "MALFORMED_MESSAGE"
        );
    }
}

async fn unknown_enum_numbers_and_invalid_durations_are_named(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let survey = server.create_csat_survey("chat", "support_chat").await;

    let create = |survey: pb::Survey| pb::CreateSurveyRequest {
        survey: Some(survey),
        survey_id: "other".into(),
    };
    let mut surveys = server.surveys.clone();
    assert_names(
        surveys
            .create_survey(create(pb::Survey {
                state: 99,
                ..survey.clone()
            }))
            .await,
        "survey.state",
    );
    assert_names(
        surveys
            .create_survey(create(pb::Survey {
                metric: 99,
                ..survey.clone()
            }))
            .await,
        "survey.metric",
    );
    for (field, changed) in [
        (
            "survey.state",
            pb::Survey {
                state: 99,
                ..survey.clone()
            },
        ),
        (
            "survey.metric",
            pb::Survey {
                metric: -1,
                ..survey.clone()
            },
        ),
    ] {
        let updated = surveys
            .update_survey(pb::UpdateSurveyRequest {
                survey: Some(changed),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            })
            .await;
        assert_names(updated, field);
    }
    let mut benchmarks = server.benchmarks.clone();
    assert_names(
        benchmarks
            .create_benchmark(pb::CreateBenchmarkRequest {
                benchmark: Some(pb::Benchmark {
                    benchmark_id: "goal".into(),
                    metric: pb::Metric::Csat.into(),
                    measure: 42,
                    value: 80.0,
                    ..Default::default()
                }),
            })
            .await,
        "benchmark.measure",
    );
    let mut reports = server.reports.clone();
    for (seconds, nanos) in [(1, -5), (-1, 5), (0, 1_000_000_000), (1, -1_000_000_000)] {
        let watched = reports
            .watch_report(pb::WatchReportRequest {
                query: None,
                min_interval: Some(prost_types::Duration { seconds, nanos }),
            })
            .await;
        assert_names(watched.map(|_| ()), "min_interval");
    }
    let stored = surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "chat".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    assert_eq!(stored, survey);
    server.stop().await;
}

/// Returns owned `(field, reason)` pairs, to compare with what a status lists.
fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(field, reason)| (field.to_string(), reason.to_string()))
        .collect()
}

async fn list_benchmarks_names_every_bad_field_at_once(backend: Backend) {
    let server = TestServer::spawn(backend).await;
    let mut benchmarks = server.benchmarks.clone();

    let refused = benchmarks
        .list_benchmarks(pb::ListBenchmarksRequest {
            page_size: -1,
            page_token: "zz".into(),
            metric: 99,
        })
        .await
        .unwrap_err();

    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        violation_reasons(&refused),
        pairs(&[
            ("page_size", "OUT_OF_RANGE"),
            ("page_token", "BAD_FORMAT"),
            ("metric", "UNKNOWN_VALUE"),
        ])
    );
    server.stop().await;
}

async fn every_violation_carries_the_reason_clients_branch_on(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let mut ratings = server.ratings.clone();
    let mut surveys = server.surveys.clone();
    let mut bad = rating("chat", "has space", 9);
    bad.comment = "x".repeat(4_001);
    bad.channel = 99;
    bad.attributes = (0..33)
        .map(|index| (format!("k{index}"), "v".into()))
        .collect();

    let refused_rating = ratings
        .submit_rating(pb::SubmitRatingRequest { rating: Some(bad) })
        .await
        .unwrap_err();
    let refused_create = surveys
        .create_survey(pb::CreateSurveyRequest {
            survey: None,
            survey_id: "Bad_Id".into(),
        })
        .await
        .unwrap_err();

    assert_eq!(error_reason(&refused_rating), "INVALID_FIELD");
    assert_eq!(
        violation_reasons(&refused_rating),
        pairs(&[
            ("rating.rating_id", "BAD_FORMAT"),
            ("rating.comment", "TOO_LONG"),
            ("rating.channel", "UNKNOWN_VALUE"),
            ("rating.attributes", "TOO_MANY"),
            ("rating.score", "OUT_OF_RANGE"),
        ])
    );
    assert_eq!(
        violation_reasons(&refused_create),
        pairs(&[("survey", "REQUIRED"), ("survey_id", "BAD_FORMAT")])
    );
    server.stop().await;
}
