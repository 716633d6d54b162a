//! Reason codes over real gRPC, on SQLite and PostgreSQL: a survey's reasons, the codes of its
//! ratings (validation, idempotency, storage), filters in lists, streams and reports, and reports
//! grouped by reason. Random reason-grouped reports are compared with a brute-force count in
//! reports.rs (oracle.rs).

use std::collections::BTreeMap;

use crate::common::{
    Backend, TestDatabase, TestServer, bad_fields, error_reason, rating, violation_reasons,
    violations,
};
use csat::pb;
use tonic::Code;

on_both_backends!(
    bad_survey_reasons_are_each_named_and_good_ones_are_stored,
    every_bad_reason_code_of_a_rating_is_named_and_nothing_is_stored,
    a_batch_and_an_import_name_reason_codes_as_they_name_other_fields,
    the_same_reasons_in_any_order_are_a_duplicate_and_other_reasons_a_conflict,
    a_reason_code_held_by_a_rating_cannot_be_removed_but_may_be_relabelled,
    lists_streams_and_reports_select_ratings_holding_any_code_filtered,
    a_report_grouped_by_reason_counts_a_rating_in_each_of_its_groups,
    a_database_from_the_first_schema_upgrades_with_its_ratings_counted_once,
);

fn reason(code: &str) -> pb::SurveyReason {
    pb::SurveyReason {
        code: code.into(),
        label: format!("Label of {code}"),
    }
}

fn chat_survey(reasons: Vec<pb::SurveyReason>) -> pb::Survey {
    pb::Survey {
        display_name: "Chat".into(),
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        reasons,
        ..Default::default()
    }
}

/// Starts a server with survey `chat` offering `long_wait`, `rude` and `wrong_answer`.
async fn server_with_reasons(backend: Backend) -> TestServer {
    let mut server = TestServer::spawn(backend).await;
    server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "chat".into(),
            survey: Some(chat_survey(vec![
                reason("long_wait"),
                reason("rude"),
                reason("wrong_answer"),
            ])),
        })
        .await
        .expect("CreateSurvey");
    server
}

fn with_reasons(rating_id: &str, score: i32, codes: &[&str]) -> pb::Rating {
    pb::Rating {
        reason_codes: codes.iter().map(|code| code.to_string()).collect(),
        ..rating("chat", rating_id, score)
    }
}

async fn stored_count(server: &mut TestServer) -> usize {
    server
        .list_all(pb::RatingFilter::default(), 1_000)
        .await
        .len()
}

async fn bad_survey_reasons_are_each_named_and_good_ones_are_stored(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let create = |survey_id: &str, reasons: Vec<pb::SurveyReason>| pb::CreateSurveyRequest {
        survey_id: survey_id.into(),
        survey: Some(chat_survey(reasons)),
    };

    let bad = server
        .surveys
        .create_survey(create(
            "bad",
            vec![
                reason("long_wait"),
                reason("Long-Wait"),
                reason(""),
                reason("long_wait"),
                pb::SurveyReason {
                    code: "rude".into(),
                    label: "x".repeat(201),
                },
            ],
        ))
        .await
        .unwrap_err();
    let too_many = server
        .surveys
        .create_survey(create(
            "many",
            (0..51).map(|index| reason(&format!("r{index}"))).collect(),
        ))
        .await
        .unwrap_err();
    let fifty = server
        .surveys
        .create_survey(create(
            "fifty",
            (0..50).map(|index| reason(&format!("r{index}"))).collect(),
        ))
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let got = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "fifty".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();

    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(
        violation_reasons(&bad),
        [
            ("survey.reasons[1].code".into(), "BAD_FORMAT".into()),
            ("survey.reasons[2].code".into(), "REQUIRED".into()),
            ("survey.reasons[3].code".into(), "REPEATED".into()),
            ("survey.reasons[4].label".into(), "TOO_LONG".into()),
        ]
    );
    assert_eq!(
        violation_reasons(&too_many),
        [("survey.reasons".into(), "TOO_MANY".into())]
    );
    assert_eq!(fifty.reasons.len(), 50);
    assert_eq!(got.reasons, fifty.reasons);
    assert_eq!(got.reasons[7], reason("r7"));
    let missing = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "bad".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        missing.code(),
        Code::NotFound,
        "a refused create stores nothing"
    );
    server.stop().await;
}

async fn every_bad_reason_code_of_a_rating_is_named_and_nothing_is_stored(backend: Backend) {
    let mut server = server_with_reasons(backend).await;
    let submit = |rating: pb::Rating| pb::SubmitRatingRequest {
        rating: Some(rating),
    };

    let unknown = server
        .ratings
        .submit_rating(submit(with_reasons(
            "r-1",
            9,
            &["rude", "too_expensive", "long_wait", "cold_food"],
        )))
        .await
        .unwrap_err();
    let malformed_and_repeated = server
        .ratings
        .submit_rating(submit(with_reasons(
            "r-2",
            4,
            &["rude", "Rude", "rude", ""],
        )))
        .await
        .unwrap_err();
    let eleven: Vec<String> = (0..11).map(|index| format!("c{index}")).collect();
    let too_many = server
        .ratings
        .submit_rating(submit(with_reasons(
            "r-3",
            4,
            &eleven.iter().map(String::as_str).collect::<Vec<_>>(),
        )))
        .await
        .unwrap_err();

    assert_eq!(unknown.code(), Code::InvalidArgument);
    assert_eq!(
        violation_reasons(&unknown),
        [
            ("rating.score".into(), "OUT_OF_RANGE".into()),
            ("rating.reason_codes[1]".into(), "UNKNOWN_VALUE".into()),
            ("rating.reason_codes[3]".into(), "UNKNOWN_VALUE".into()),
        ]
    );
    assert!(
        violations(&unknown)[1].1.contains("too_expensive"),
        "{unknown:?}"
    );
    assert_eq!(
        violation_reasons(&malformed_and_repeated),
        [
            ("rating.reason_codes[1]".into(), "BAD_FORMAT".into()),
            ("rating.reason_codes[2]".into(), "REPEATED".into()),
            ("rating.reason_codes[3]".into(), "BAD_FORMAT".into()),
        ]
    );
    assert_eq!(
        violation_reasons(&too_many),
        [("rating.reason_codes".into(), "TOO_MANY".into())]
    );
    assert_eq!(stored_count(&mut server).await, 0);
    server.stop().await;
}

async fn a_batch_and_an_import_name_reason_codes_as_they_name_other_fields(backend: Backend) {
    let mut server = server_with_reasons(backend).await;

    let batch = server
        .ratings
        .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
            ratings: vec![
                with_reasons("b-0", 4, &["rude"]),
                with_reasons("b-1", 4, &["long_wait", "unknown_code"]),
            ],
        })
        .await
        .unwrap_err();
    let import = server
        .ratings
        .import_ratings(tokio_stream::iter(
            [
                with_reasons("i-0", 4, &["rude", "wrong_answer"]),
                with_reasons("i-1", 4, &["nope"]),
            ]
            .map(|rating| pb::ImportRatingsRequest {
                rating: Some(rating),
            }),
        ))
        .await
        .unwrap()
        .into_inner();

    assert_eq!(bad_fields(&batch), ["ratings[1].reason_codes[1]"]);
    assert_eq!(import.accepted_count, 1);
    assert_eq!(import.rejected_count, 1);
    assert_eq!(import.errors[0].index, 1);
    assert_eq!(import.errors[0].code, "INVALID_ARGUMENT");
    assert!(
        import.errors[0].message.contains("rating.reason_codes[0]"),
        "{:?}",
        import.errors[0]
    );
    let stored = server.list_all(pb::RatingFilter::default(), 100).await;
    assert_eq!(
        stored.len(),
        1,
        "the batch stored nothing, the import its good row"
    );
    assert_eq!(stored[0].reason_codes, ["rude", "wrong_answer"]);
    server.stop().await;
}

async fn the_same_reasons_in_any_order_are_a_duplicate_and_other_reasons_a_conflict(
    backend: Backend,
) {
    let mut server = server_with_reasons(backend).await;

    let first = server
        .submit(with_reasons("r-1", 2, &["wrong_answer", "long_wait"]))
        .await;
    let reordered = server
        .submit(with_reasons("r-1", 2, &["long_wait", "wrong_answer"]))
        .await;
    let other = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(with_reasons("r-1", 2, &["long_wait"])),
        })
        .await
        .unwrap_err();
    let none = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "r-1", 2)),
        })
        .await
        .unwrap_err();
    let got = server
        .ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: "chat".into(),
            rating_id: "r-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();

    let stored = first.rating.unwrap();
    assert!(!first.duplicate);
    assert_eq!(stored.reason_codes, ["long_wait", "wrong_answer"]);
    assert!(reordered.duplicate);
    assert_eq!(reordered.rating.unwrap(), stored);
    assert_eq!(other.code(), Code::AlreadyExists);
    assert_eq!(none.code(), Code::AlreadyExists);
    assert_eq!(got, stored);
    assert_eq!(stored_count(&mut server).await, 1);
    server.stop().await;
}

async fn update_reasons(
    server: &mut TestServer,
    reasons: Vec<pb::SurveyReason>,
) -> Result<pb::Survey, tonic::Status> {
    server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                reasons,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["reasons".into()],
            }),
        })
        .await
        .map(|response| response.into_inner().survey.unwrap())
}

async fn a_reason_code_held_by_a_rating_cannot_be_removed_but_may_be_relabelled(backend: Backend) {
    let mut server = server_with_reasons(backend).await;
    server.submit(with_reasons("r-1", 2, &["rude"])).await;

    // wrong_answer, which no rating holds, goes; long_wait is relabelled; billing is added.
    let relabelled = pb::SurveyReason {
        code: "long_wait".into(),
        label: "Waited too long".into(),
    };
    let updated = update_reasons(
        &mut server,
        vec![relabelled.clone(), reason("rude"), reason("billing")],
    )
    .await
    .unwrap();
    let refused = update_reasons(&mut server, vec![relabelled.clone(), reason("billing")])
        .await
        .unwrap_err();
    let after_refusal = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "chat".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let with_new_code = server.submit(with_reasons("r-2", 1, &["billing"])).await;
    let with_removed_code = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(with_reasons("r-3", 1, &["wrong_answer"])),
        })
        .await
        .unwrap_err();
    let bad_update = update_reasons(&mut server, vec![reason("rude"), reason("rude")])
        .await
        .unwrap_err();

    assert_eq!(updated.reasons[0], relabelled);
    assert_eq!(updated.reasons.len(), 3);
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(error_reason(&refused), "REASON_CODE_IN_USE");
    assert!(refused.message().contains("\"rude\""), "{refused:?}");
    assert_eq!(
        after_refusal.reasons, updated.reasons,
        "a refused update changes nothing"
    );
    assert_eq!(with_new_code.rating.unwrap().reason_codes, ["billing"]);
    assert_eq!(bad_fields(&with_removed_code), ["rating.reason_codes[0]"]);
    assert_eq!(bad_fields(&bad_update), ["survey.reasons[1].code"]);
    server.stop().await;
}

async fn lists_streams_and_reports_select_ratings_holding_any_code_filtered(backend: Backend) {
    let mut server = server_with_reasons(backend).await;
    for (rating_id, codes) in [
        ("none", &[][..]),
        ("wait", &["long_wait"][..]),
        ("rude", &["rude"][..]),
        ("both", &["long_wait", "rude"][..]),
        ("wrong", &["wrong_answer"][..]),
    ] {
        server.submit(with_reasons(rating_id, 2, codes)).await;
    }
    let holding = |codes: &[&str]| pb::RatingFilter {
        reason_codes: codes.iter().map(|code| code.to_string()).collect(),
        ..Default::default()
    };
    let ids = |ratings: Vec<pb::Rating>| -> Vec<String> {
        let mut ids: Vec<String> = ratings.into_iter().map(|rating| rating.rating_id).collect();
        ids.sort();
        ids
    };

    let listed_one = ids(server.list_all(holding(&["long_wait"]), 1).await);
    let listed_two = ids(server.list_all(holding(&["rude", "wrong_answer"]), 2).await);
    let mut stream = server
        .ratings
        .stream_ratings(pb::StreamRatingsRequest {
            filter: Some(holding(&["rude"])),
            start_after: 0,
            follow: true,
        })
        .await
        .unwrap()
        .into_inner();
    let mut streamed = Vec::new();
    for _ in 0..2 {
        streamed.push(stream.message().await.unwrap().unwrap().rating.unwrap());
    }
    server
        .submit(with_reasons("live", 2, &["wrong_answer"]))
        .await;
    server
        .submit(with_reasons("live-rude", 2, &["rude", "wrong_answer"]))
        .await;
    streamed.push(stream.message().await.unwrap().unwrap().rating.unwrap());
    let report = |filter: pb::RatingFilter| pb::ReportQuery {
        filter: Some(filter),
        ..Default::default()
    };
    let one_code = server.report(report(holding(&["long_wait"]))).await;
    let two_codes = server.report(report(holding(&["long_wait", "rude"]))).await;
    let refused = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(holding(&["Rude"])),
            ..Default::default()
        })
        .await
        .unwrap_err();

    assert_eq!(listed_one, ["both", "wait"]);
    assert_eq!(listed_two, ["both", "rude", "wrong"]);
    assert_eq!(
        streamed
            .iter()
            .map(|rating| rating.rating_id.as_str())
            .collect::<Vec<_>>(),
        ["rude", "both", "live-rude"]
    );
    assert_eq!(streamed[2].reason_codes, ["rude", "wrong_answer"]);
    assert_eq!(one_code.overall.unwrap().rating_count, 2);
    assert!(one_code.from_rollups, "one code is read from its cells");
    // wait, rude, both and live-rude: both, holding the two codes, counts once.
    assert_eq!(two_codes.overall.unwrap().rating_count, 4);
    assert!(!two_codes.from_rollups);
    assert_eq!(bad_fields(&refused), ["filter.reason_codes[0]"]);
    server.stop().await;
}

async fn a_report_grouped_by_reason_counts_a_rating_in_each_of_its_groups(backend: Backend) {
    let mut server = server_with_reasons(backend).await;
    for (rating_id, score, codes) in [
        ("a", 1, &["long_wait"][..]),
        ("b", 2, &["long_wait", "rude"][..]),
        ("c", 5, &[][..]),
        ("d", 4, &[][..]),
    ] {
        server.submit(with_reasons(rating_id, score, codes)).await;
    }
    let by_reason = |filter: pb::RatingFilter, group_by: &[&str]| pb::ReportQuery {
        filter: Some(filter),
        group_by: group_by.iter().map(|entry| entry.to_string()).collect(),
        ..Default::default()
    };
    let counts = |report: &pb::Report| -> BTreeMap<String, (i64, Option<i64>)> {
        report
            .groups
            .iter()
            .map(|group| {
                let metrics = group.metrics.as_ref().unwrap();
                (
                    group.key["reason"].clone(),
                    (metrics.rating_count, metrics.satisfied_count),
                )
            })
            .collect()
    };

    let from_rollups = server
        .report(by_reason(Default::default(), &["reason"]))
        .await;
    let scanned = server
        .report(by_reason(
            pb::RatingFilter {
                channels: vec![pb::Channel::WebChat.into()],
                ..Default::default()
            },
            &["reason"],
        ))
        .await;
    let filtered = server
        .report(by_reason(
            pb::RatingFilter {
                reason_codes: vec!["rude".into()],
                ..Default::default()
            },
            &["reason", "survey"],
        ))
        .await;
    let not_grouped = server
        .report(by_reason(Default::default(), &["survey"]))
        .await;

    let expected = BTreeMap::from([
        (String::new(), (2, Some(2))),
        ("long_wait".to_string(), (2, Some(0))),
        ("rude".to_string(), (1, Some(0))),
    ]);
    for report in [&from_rollups, &scanned] {
        assert_eq!(counts(report), expected);
        assert!(report.groups_overlap);
        let overall = report.overall.as_ref().unwrap();
        assert_eq!(overall.rating_count, 4, "each rating once overall");
        assert_eq!(overall.satisfied_count, Some(2));
    }
    assert!(from_rollups.from_rollups);
    assert!(!scanned.from_rollups);
    // Ratings holding rude: b, which also holds long_wait and counts there too.
    assert_eq!(
        counts(&filtered),
        BTreeMap::from([
            ("long_wait".to_string(), (1, Some(0))),
            ("rude".to_string(), (1, Some(0))),
        ])
    );
    assert_eq!(filtered.overall.unwrap().rating_count, 1);
    assert!(!filtered.from_rollups);
    assert!(!not_grouped.groups_overlap);
    server.stop().await;
}

/// A database of the first schema, with ratings, upgrades through every migration (the reports'
/// one builds its rollups, the reason codes' one adds the empty code's cells) and reports each
/// rating once, grouped by reason under the empty code.
async fn a_database_from_the_first_schema_upgrades_with_its_ratings_counted_once(backend: Backend) {
    use csat::store::migration::Migrator;
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;

    let database = TestDatabase::create(backend).await;
    let (connection, _) = database.migrated_before("_add_catalog_version").await;
    let day = 86_400_000_000_i64;
    for statement in [
        "INSERT INTO surveys (survey_id, display_name, question, touchpoint, metric, scale_min, \
         scale_max, satisfied_threshold, target, dimensions, state, create_time, update_time) \
         VALUES ('chat', 'Chat', '', 'support_chat', 1, 1, 5, 4, NULL, '[]', 1, 0, 0)"
            .to_string(),
        format!(
            "INSERT INTO ratings (sequence, survey_id, touchpoint, rating_id, score, comment, \
             customer_id, channel, attributes, occur_time, create_time) VALUES \
             (1, 'chat', 'support_chat', 'r1', 5, '', '', 1, '{{}}', {day}, {day}), \
             (2, 'chat', 'support_chat', 'r2', 2, '', '', 1, '{{}}', {day}, {day}), \
             (3, 'chat', 'support_chat', 'r3', 4, '', '', 1, '{{}}', {}, {})",
            2 * day,
            2 * day
        ),
        "UPDATE rating_sequence SET next_sequence = 4 WHERE id = 1".to_string(),
    ] {
        connection.execute_unprepared(&statement).await.unwrap();
    }
    Migrator::up(&connection, None).await.unwrap();
    let _ = connection.close().await;

    let mut server = TestServer::spawn_on(database).await;
    let report = server
        .report(pb::ReportQuery {
            group_by: vec!["reason".into()],
            ..Default::default()
        })
        .await;
    let overall = report.overall.unwrap();
    assert_eq!(overall.rating_count, 3);
    assert_eq!(overall.satisfied_count, Some(2));
    assert_eq!(report.groups.len(), 1, "{:?}", report.groups);
    assert_eq!(report.groups[0].key["reason"], "");
    assert_eq!(report.groups[0].metrics.as_ref().unwrap().rating_count, 3);
    server.stop().await;
}
