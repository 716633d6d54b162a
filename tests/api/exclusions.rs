//! ExcludeRating and RestoreRating over real gRPC, on SQLite and PostgreSQL: random ratings with
//! random exclusions and restores, every report number, customer and loop figure compared with a
//! brute force over the ratings not excluded; a report read right after OK has moved, on every
//! replica; lists and streams leave excluded ratings out unless asked; both calls are idempotent
//! and refuse bad input field by field.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use csat::pb;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::report_service_client::ReportServiceClient;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use tonic::Code;
use tonic::transport::Channel;

use crate::common::{
    self, Backend, TestServer, error_reason, rating, violation_reasons,
    watch_survey_every_tenth_of_a_second,
};
use crate::customers;
use crate::follow_ups::{brute_figures, create_survey_with_rule, figures_of, state_change, update};
use crate::oracle::{
    REASON_CODES, TestRating, check_report, covered, query_strategy, rating_strategy, score_of,
    test_surveys, to_wire,
};
use crate::replicas::Replicas;
use crate::reports::{ROLLUP_ZONES, timestamp};

on_both_backends!(
    random_reports_with_exclusions_match_a_brute_force_count,
    random_customers_and_loop_figures_with_exclusions_match_a_brute_force,
    an_exclusion_moves_every_number_at_once_and_a_restore_moves_it_back,
    excluded_ratings_are_listed_and_streamed_only_when_asked,
    excluding_or_restoring_again_changes_nothing,
    bad_exclusions_name_every_field_and_change_nothing,
    a_watched_report_comes_again_after_an_exclusion_and_a_restore,
    a_group_whose_every_rating_is_excluded_leaves_the_report,
    a_report_counts_a_rating_and_its_follow_up_under_one_exclusion_state,
);

fn exclude_request(
    survey_id: &str,
    rating_id: &str,
    reason: pb::ExclusionReason,
    note: &str,
) -> pb::ExcludeRatingRequest {
    pb::ExcludeRatingRequest {
        survey_id: survey_id.into(),
        rating_id: rating_id.into(),
        reason: reason.into(),
        note: note.into(),
    }
}

async fn exclude(
    ratings: &mut RatingServiceClient<Channel>,
    survey_id: &str,
    rating_id: &str,
    reason: pb::ExclusionReason,
    note: &str,
) -> pb::Rating {
    ratings
        .exclude_rating(exclude_request(survey_id, rating_id, reason, note))
        .await
        .expect("ExcludeRating")
        .into_inner()
        .rating
        .expect("a rating")
}

async fn restore(
    ratings: &mut RatingServiceClient<Channel>,
    survey_id: &str,
    rating_id: &str,
) -> pb::Rating {
    ratings
        .restore_rating(pb::RestoreRatingRequest {
            survey_id: survey_id.into(),
            rating_id: rating_id.into(),
        })
        .await
        .expect("RestoreRating")
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

fn of_surveys(survey_ids: &[&str], customer_id: &str) -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: survey_ids.iter().map(|id| id.to_string()).collect(),
            customer_id: customer_id.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// GetReport while another caller excludes and restores a detractor back and forth: the report
/// counts the rating and its follow-up together (2 ratings and 1 follow-up) or neither (1 and 0),
/// never the rating under one exclusion state and its follow-up under the other; from the
/// rollups, scanned (a customer filter), and from the rollups with the day of the ratings
/// scanned (a range ending within it).
async fn a_report_counts_a_rating_and_its_follow_up_under_one_exclusion_state(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    create_survey_with_rule(&mut server.surveys, "chat", 2, None).await;
    const HOUR: i64 = 3_600_000_000;
    let yesterday = csat::domain::now_micros() / (24 * HOUR) * (24 * HOUR) - 24 * HOUR;
    let with = |rating_id: &str, score: i32| pb::Rating {
        customer_id: "c1".into(),
        occur_time: Some(timestamp(yesterday + 12 * HOUR)),
        ..rating("chat", rating_id, score)
    };
    server.submit(with("r1", 5)).await;
    server.submit(with("r2", 1)).await;
    // Two whole UTC days from the rollups, then yesterday until 18:00, scanned: the ratings' day.
    let ending_within_their_day = pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            start_time: Some(timestamp(yesterday - 48 * HOUR)),
            end_time: Some(timestamp(yesterday + 18 * HOUR)),
            ..of_surveys(&["chat"], "").filter.unwrap()
        }),
        ..Default::default()
    };
    let queries = [
        of_surveys(&["chat"], ""),
        of_surveys(&["chat"], "c1"),
        ending_within_their_day,
    ];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut toggling = server.ratings.clone();
    let toggler = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut changes = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                changes += 1;
                if changes % 2 == 1 {
                    exclude(&mut toggling, "chat", "r2", pb::ExclusionReason::Spam, "").await;
                } else {
                    restore(&mut toggling, "chat", "r2").await;
                }
            }
            changes
        }
    });
    let mut seen = [0usize; 2];
    // At least 600 reports, and on until both states were seen (a loaded machine may give the
    // toggling caller its first turn late).
    let mut round = 0;
    while round < 600 || (seen.contains(&0) && round < 20_000) {
        let report = report_on(&mut server.reports, queries[round % 3].clone()).await;
        assert_eq!(report.from_rollups, round % 3 != 1, "round {round}");
        let overall = report.overall.unwrap();
        let counted = (overall.rating_count, overall.follow_up_count.unwrap_or(0));
        match counted {
            (2, 1) => seen[0] += 1,
            (1, 0) => seen[1] += 1,
            _ => panic!(
                "round {round} (from_rollups {}): {counted:?} ratings and follow-ups, \
                 a state of neither exclusion",
                report.from_rollups
            ),
        }
        round += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let changes = toggler.await.unwrap();
    assert!(changes >= 2, "r2 changed {changes} times");
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "reports in each state: {seen:?}"
    );
    server.stop().await;
}

/// A random sequence of exclusions (true) and restores (false), of ratings picked by index.
fn operations_strategy() -> impl Strategy<Value = Vec<(prop::sample::Index, bool)>> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..30)
}

fn seeded_runner(variable: &str, cases: u32) -> TestRunner {
    // A failure names its seed: <variable>=<seed> replays the same data.
    let seed: u64 = std::env::var(variable)
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| csat::domain::now_micros() as u64);
    println!("random exclusions: {variable}={seed}");
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

/// Every report number of random queries over the report oracle's data, with ratings excluded
/// and restored at random; after each call, a report from the rollups and one that scans have
/// already moved.
async fn random_reports_with_exclusions_match_a_brute_force_count(backend: Backend) {
    let cases = if backend == Backend::Sqlite { 6 } else { 4 };
    let mut runner = seeded_runner("CSAT_EXCLUSION_REPORT_SEED", cases);
    let strategy = (
        prop::collection::vec(rating_strategy(), 1..100),
        operations_strategy(),
        prop::collection::vec(query_strategy(), 6),
    );
    let mut cases_run = Vec::new();
    for _ in 0..cases {
        cases_run.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let surveys = test_surveys();
    for (data, operations, queries) in cases_run {
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
        let mut excluded: BTreeSet<usize> = BTreeSet::new();
        let kept = |excluded: &BTreeSet<usize>| -> Vec<TestRating> {
            data.iter()
                .enumerate()
                .filter(|(index, _)| !excluded.contains(index))
                .map(|(_, rating)| rating.clone())
                .collect()
        };
        for (pick, excluding) in &operations {
            let index = pick.index(data.len());
            let survey_id = surveys[data[index].survey].survey_id;
            let rating_id = format!("r{index}");
            let answered = if *excluding {
                excluded.insert(index);
                exclude(
                    &mut server.ratings,
                    survey_id,
                    &rating_id,
                    pb::ExclusionReason::Spam,
                    "",
                )
                .await
            } else {
                excluded.remove(&index);
                restore(&mut server.ratings, survey_id, &rating_id).await
            };
            assert_eq!(answered.exclusion.is_some(), *excluding);
            let counted = kept(&excluded);
            let every_survey: Vec<&str> = surveys.iter().map(|survey| survey.survey_id).collect();
            let from_rollups = server.report(of_surveys(&every_survey, "")).await;
            assert!(from_rollups.from_rollups);
            assert_eq!(
                from_rollups.overall.unwrap().rating_count,
                counted.len() as i64,
                "right after {excluding} of r{index}"
            );
            let customer = data[index].customer;
            let scanned = server.report(of_surveys(&every_survey, customer)).await;
            assert!(!scanned.from_rollups);
            assert_eq!(
                scanned.overall.unwrap().rating_count,
                counted
                    .iter()
                    .filter(|rating| rating.customer == customer)
                    .count() as i64,
                "right after {excluding} of r{index}, customer {customer}"
            );
        }
        let counted = kept(&excluded);
        for query in &queries {
            let answer = server.report(to_wire(query)).await;
            assert_eq!(answer.from_rollups, covered(query), "{query:?}");
            assert_eq!(answer.as_of_sequence, data.len() as i64);
            check_report(&answer, &counted, &surveys, query);
        }
        // A server started on the same database loads the stored rollups, which moved too.
        let database = server.stop_keeping_database().await;
        let mut server = TestServer::spawn_with(database, |config| {
            config.rollup_time_zones = common::zones(&ROLLUP_ZONES);
        })
        .await;
        for query in &queries {
            let answer = server.report(to_wire(query)).await;
            assert_eq!(answer.from_rollups, covered(query), "{query:?}, restarted");
            check_report(&answer, &counted, &surveys, query);
        }
        server.stop().await;
    }
}

/// Every customer and the loop's figures, over the customer oracle's data with follow-ups
/// opened by one survey's low ratings, some of them resolved, and ratings excluded and restored
/// at random.
async fn random_customers_and_loop_figures_with_exclusions_match_a_brute_force(backend: Backend) {
    let cases = if backend == Backend::Sqlite { 5 } else { 3 };
    let mut runner = seeded_runner("CSAT_EXCLUSION_CUSTOMER_SEED", cases);
    let strategy = (
        prop::collection::vec(customers::rating_strategy(), 1..100),
        operations_strategy(),
        prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    );
    let mut cases_run = Vec::new();
    for _ in 0..cases {
        cases_run.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let surveys = customers::test_surveys();
    let policy = customers::default_policy();
    // csat5 (1-5) opens a follow-up for each rating at or below 2.
    let with_rule = 0;
    for (data, operations, resolved) in cases_run {
        let mut server = TestServer::spawn(backend).await;
        customers::create_surveys(&mut server, &surveys).await;
        server
            .surveys
            .update_survey(pb::UpdateSurveyRequest {
                survey: Some(pb::Survey {
                    survey_id: surveys[with_rule].survey_id.into(),
                    follow_up: Some(pb::FollowUpRule {
                        max_score: 2,
                        due_within: None,
                    }),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["follow_up".into()],
                }),
            })
            .await
            .unwrap();
        let now = csat::domain::now_micros();
        let stored = customers::store_ratings(&mut server, &data, &surveys, now).await;
        let opened = crate::follow_ups::list_all(
            &mut server.follow_ups,
            pb::FollowUpFilter::default(),
            1_000,
        )
        .await;
        for pick in &resolved {
            if opened.is_empty() {
                break;
            }
            let follow_up = &opened[pick.index(opened.len())];
            // A pick made twice is answered as it is.
            update(
                &mut server,
                state_change(
                    &follow_up.follow_up_id,
                    pb::FollowUpState::Resolved,
                    "fixed",
                ),
                &["state", "resolution_code"],
                "",
            )
            .await
            .unwrap();
        }
        let mut excluded: BTreeSet<usize> = BTreeSet::new();
        for (pick, excluding) in &operations {
            let index = pick.index(stored.len());
            let survey_id = surveys[stored[index].survey].survey_id;
            let rating_id = format!("r{index}");
            if *excluding {
                excluded.insert(index);
                exclude(
                    &mut server.ratings,
                    survey_id,
                    &rating_id,
                    pb::ExclusionReason::Test,
                    "",
                )
                .await;
            } else {
                excluded.remove(&index);
                restore(&mut server.ratings, survey_id, &rating_id).await;
            }
        }
        let index_of =
            |follow_up: &pb::FollowUp| -> usize { follow_up.rating_id[1..].parse().unwrap() };
        let follow_ups: Vec<pb::FollowUp> = crate::follow_ups::list_all(
            &mut server.follow_ups,
            pb::FollowUpFilter::default(),
            1_000,
        )
        .await;
        assert_eq!(follow_ups.len(), opened.len(), "follow-ups are kept");
        let counted_follow_ups: Vec<&pb::FollowUp> = follow_ups
            .iter()
            .filter(|follow_up| !excluded.contains(&index_of(follow_up)))
            .collect();
        let counted: Vec<customers::Stored> = stored
            .iter()
            .enumerate()
            .filter(|(index, _)| !excluded.contains(index))
            .map(|(_, rating)| rating.clone())
            .collect();
        let mut open: BTreeMap<String, i64> = BTreeMap::new();
        for follow_up in &counted_follow_ups {
            if follow_up.state() != pb::FollowUpState::Resolved {
                *open.entry(follow_up.customer_id.clone()).or_default() += 1;
            }
        }
        let expected = customers::brute_force(&counted, &surveys, &policy, now, &open);
        let every_customer: BTreeSet<&str> = stored
            .iter()
            .map(|rating| rating.customer.as_str())
            .filter(|customer| !customer.is_empty())
            .collect();
        for customer_id in every_customer {
            match expected.get(customer_id) {
                Some(customer) => {
                    let actual = customers::get_customer(&mut server.customers, customer_id).await;
                    customers::check_customer(&actual, customer, &policy);
                    assert_eq!(
                        actual.open_follow_up_count,
                        open.get(customer_id).copied().unwrap_or(0),
                        "{customer_id}"
                    );
                }
                None => {
                    let refused = server
                        .customers
                        .get_customer(pb::GetCustomerRequest {
                            customer_id: customer_id.into(),
                        })
                        .await
                        .unwrap_err();
                    assert_eq!(
                        refused.code(),
                        Code::NotFound,
                        "{customer_id}: every rating excluded"
                    );
                }
            }
        }
        // The loop's figures per survey and overall, from the rollups.
        let report = server
            .report(pb::ReportQuery {
                group_by: vec!["survey".into()],
                ..Default::default()
            })
            .await;
        let rule_survey = surveys[with_rule].survey_id;
        let applies = counted.iter().any(|rating| rating.survey == with_rule);
        assert_eq!(
            figures_of(report.overall.as_ref().unwrap()),
            brute_figures(&counted_follow_ups, applies),
            "overall"
        );
        let groups: BTreeSet<&str> = counted
            .iter()
            .map(|rating| surveys[rating.survey].survey_id)
            .collect();
        assert_eq!(report.groups.len(), groups.len());
        for group in &report.groups {
            let survey_id = group.key["survey"].as_str();
            let expected = if survey_id == rule_survey {
                brute_figures(&counted_follow_ups, true)
            } else {
                None
            };
            assert_eq!(
                figures_of(group.metrics.as_ref().unwrap()),
                expected,
                "{survey_id}"
            );
        }
        server.stop().await;
    }
}

async fn an_exclusion_moves_every_number_at_once_and_a_restore_moves_it_back(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    create_survey_with_rule(&mut server.surveys, "chat", 2, None).await;
    let with = |rating_id: &str, score: i32, customer_id: &str| pb::Rating {
        customer_id: customer_id.into(),
        ..rating("chat", rating_id, score)
    };
    server.submit(with("r1", 5, "c1")).await;
    server.submit(with("r2", 1, "c1")).await;
    server.submit(with("r3", 4, "c2")).await;
    let everything = of_surveys(&["chat"], "");
    let customer = |customer_id: &str| of_surveys(&["chat"], customer_id);
    let before = server.report(everything.clone()).await;
    assert_eq!(before.overall.as_ref().unwrap().rating_count, 3);
    assert_eq!(before.overall.as_ref().unwrap().follow_up_count, Some(1));

    let started = csat::domain::now_micros();
    let excluded = exclude(
        &mut server.ratings,
        "chat",
        "r2",
        pb::ExclusionReason::Spam,
        "a bot",
    )
    .await;
    let exclusion = excluded.exclusion.clone().unwrap();
    assert_eq!(exclusion.reason(), pb::ExclusionReason::Spam);
    assert_eq!(exclusion.note, "a bot");
    assert_eq!(exclusion.principal, "anonymous");
    let exclude_time = crate::reports::micros(exclusion.exclude_time.as_ref().unwrap());
    assert!(exclude_time >= started && exclude_time <= csat::domain::now_micros());
    assert_eq!((excluded.score, excluded.sequence), (1, 2));

    // Right after OK: the rollups, a scan, the loop's figures, a benchmark report, the customer.
    let after = server.report(everything.clone()).await;
    assert!(after.from_rollups);
    let overall = after.overall.unwrap();
    assert_eq!(overall.rating_count, 2);
    assert_eq!(overall.csat, Some(100.0));
    assert_eq!(overall.follow_up_count, Some(0));
    let scanned = server.report(customer("c1")).await;
    assert!(!scanned.from_rollups);
    assert_eq!(scanned.overall.unwrap().rating_count, 1);
    let benchmark = server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: Some(everything.clone()),
            benchmark_ids: vec!["good-csat".into()],
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    assert_eq!(
        benchmark.segments[0].metrics.as_ref().unwrap().rating_count,
        2
    );
    let c1 = customers::get_customer(&mut server.customers, "c1").await;
    assert_eq!((c1.rating_count, c1.open_follow_up_count), (1, 0));
    assert_eq!(c1.csat, Some(100.0));
    let stored = server
        .ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: "chat".into(),
            rating_id: "r2".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();
    assert_eq!(stored, excluded);
    // Its follow-up is kept, and can still be worked.
    let follow_ups =
        crate::follow_ups::list_all(&mut server.follow_ups, pb::FollowUpFilter::default(), 10)
            .await;
    assert_eq!(follow_ups.len(), 1);
    // Sent again, it is the duplicate it was, and shows its exclusion.
    let again = server.submit(with("r2", 1, "c1")).await;
    assert!(again.duplicate);
    assert_eq!(again.rating.unwrap().exclusion, Some(exclusion));

    // A customer whose every rating is excluded is no customer.
    exclude(
        &mut server.ratings,
        "chat",
        "r3",
        pb::ExclusionReason::Employee,
        "",
    )
    .await;
    let refused = server
        .customers
        .get_customer(pb::GetCustomerRequest {
            customer_id: "c2".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(
        server
            .report(everything.clone())
            .await
            .overall
            .unwrap()
            .rating_count,
        1
    );

    let restored = restore(&mut server.ratings, "chat", "r2").await;
    assert_eq!(restored.exclusion, None);
    restore(&mut server.ratings, "chat", "r3").await;
    let back = server.report(everything.clone()).await;
    assert_eq!(back.overall, before.overall);
    assert_eq!(
        server
            .report(customer("c1"))
            .await
            .overall
            .unwrap()
            .rating_count,
        2
    );
    let c1 = customers::get_customer(&mut server.customers, "c1").await;
    assert_eq!((c1.rating_count, c1.open_follow_up_count), (2, 1));
    assert_eq!(
        customers::get_customer(&mut server.customers, "c2")
            .await
            .rating_count,
        1
    );

    // Reports never count excluded ratings: a report asking to is refused.
    let mut with_excluded = everything;
    with_excluded.filter.as_mut().unwrap().include_excluded = true;
    let refused = server
        .reports
        .get_report(pb::GetReportRequest {
            query: Some(with_excluded),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        violation_reasons(&refused),
        [(
            "query.filter.include_excluded".to_string(),
            "INCONSISTENT".to_string()
        )]
    );
    server.stop().await;
}

async fn excluded_ratings_are_listed_and_streamed_only_when_asked(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    for (rating_id, score) in [("r1", 5), ("r2", 1), ("r3", 4), ("r4", 2)] {
        server.submit(rating("chat", rating_id, score)).await;
    }
    exclude(
        &mut server.ratings,
        "chat",
        "r2",
        pb::ExclusionReason::Test,
        "",
    )
    .await;
    exclude(
        &mut server.ratings,
        "chat",
        "r4",
        pb::ExclusionReason::Other,
        "",
    )
    .await;
    let ids = |ratings: &[pb::Rating]| -> Vec<String> {
        ratings
            .iter()
            .map(|rating| rating.rating_id.clone())
            .collect()
    };
    let counted = pb::RatingFilter::default();
    let every = pb::RatingFilter {
        include_excluded: true,
        ..Default::default()
    };
    let unhappy_every = pb::RatingFilter {
        max_score: Some(2),
        include_excluded: true,
        ..Default::default()
    };
    assert_eq!(
        ids(&server.list_all(counted.clone(), 1).await),
        ["r3", "r1"]
    );
    let listed = server.list_all(every.clone(), 3).await;
    assert_eq!(ids(&listed), ["r4", "r3", "r2", "r1"]);
    let shown: Vec<bool> = listed
        .iter()
        .map(|rating| rating.exclusion.is_some())
        .collect();
    assert_eq!(shown, [true, false, true, false]);
    assert_eq!(
        ids(&server.list_all(unhappy_every.clone(), 1).await),
        ["r4", "r2"]
    );

    let stream = |filter: pb::RatingFilter, follow: bool| pb::StreamRatingsRequest {
        filter: Some(filter),
        start_after: 0,
        follow,
    };
    let mut replay = Vec::new();
    for filter in [counted.clone(), every.clone()] {
        let mut received = server
            .ratings
            .stream_ratings(stream(filter, false))
            .await
            .unwrap()
            .into_inner();
        let mut seen = Vec::new();
        while let Some(message) = received.message().await.unwrap() {
            seen.push(message.rating.unwrap());
        }
        replay.push(ids(&seen));
    }
    assert_eq!(replay, [vec!["r1", "r3"], vec!["r1", "r2", "r3", "r4"]]);

    // Followed: the stored ratings not excluded, then a new one.
    let mut followed = server
        .ratings
        .stream_ratings(stream(counted, true))
        .await
        .unwrap()
        .into_inner();
    server.submit(rating("chat", "r5", 3)).await;
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while seen.len() < 3 {
            seen.push(followed.message().await.unwrap().unwrap().rating.unwrap());
        }
    })
    .await
    .expect("the followed stream delivers");
    assert_eq!(ids(&seen), ["r1", "r3", "r5"]);
    server.stop().await;
}

async fn excluding_or_restoring_again_changes_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "r1", 5)).await;
    server.submit(rating("chat", "r2", 1)).await;
    let first = exclude(
        &mut server.ratings,
        "chat",
        "r1",
        pb::ExclusionReason::Test,
        "first",
    )
    .await;
    // Another reason and note: the first exclusion stays as it was.
    let again = exclude(
        &mut server.ratings,
        "chat",
        "r1",
        pb::ExclusionReason::Spam,
        "second",
    )
    .await;
    assert_eq!(again, first);
    assert_eq!(
        again.exclusion.as_ref().unwrap().reason(),
        pb::ExclusionReason::Test
    );
    let everything = of_surveys(&["chat"], "");
    let count = |report: pb::Report| report.overall.unwrap().rating_count;
    assert_eq!(count(server.report(everything.clone()).await), 1);

    let never_excluded = restore(&mut server.ratings, "chat", "r2").await;
    assert_eq!(never_excluded.exclusion, None);
    assert_eq!(count(server.report(everything.clone()).await), 1);

    for _ in 0..2 {
        let restored = restore(&mut server.ratings, "chat", "r1").await;
        assert_eq!(restored.exclusion, None);
        assert_eq!(count(server.report(everything.clone()).await), 2);
    }
    server.stop().await;
}

async fn bad_exclusions_name_every_field_and_change_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "r1", 5)).await;
    let field = |field: &str, reason: &str| (field.to_string(), reason.to_string());
    let cases = [
        (
            exclude_request("", "", pb::ExclusionReason::Unspecified, ""),
            vec![
                field("survey_id", "REQUIRED"),
                field("rating_id", "REQUIRED"),
                field("reason", "REQUIRED"),
            ],
        ),
        (
            pb::ExcludeRatingRequest {
                reason: 99,
                note: "x".repeat(1_001),
                ..exclude_request("no such!", &"r".repeat(129), pb::ExclusionReason::Test, "")
            },
            vec![
                field("survey_id", "BAD_FORMAT"),
                field("rating_id", "BAD_FORMAT"),
                field("reason", "UNKNOWN_VALUE"),
                field("note", "TOO_LONG"),
            ],
        ),
        (
            exclude_request("chat", "r1", pb::ExclusionReason::Test, "a\0b"),
            vec![field("note", "BAD_FORMAT")],
        ),
    ];
    for (request, expected) in cases {
        let refused = server.ratings.exclude_rating(request).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
        assert_eq!(violation_reasons(&refused), expected);
    }
    // A note of 1,000 characters is taken.
    let longest = "é".repeat(1_000);
    let taken = server
        .ratings
        .exclude_rating(exclude_request(
            "chat",
            "r1",
            pb::ExclusionReason::Other,
            &longest,
        ))
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();
    assert_eq!(taken.exclusion.unwrap().note, longest);
    restore(&mut server.ratings, "chat", "r1").await;

    let refused = server
        .ratings
        .restore_rating(pb::RestoreRatingRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        violation_reasons(&refused),
        [
            field("survey_id", "REQUIRED"),
            field("rating_id", "REQUIRED")
        ]
    );
    for (survey_id, rating_id, reason) in [
        ("other", "r1", "SURVEY_NOT_FOUND"),
        ("chat", "r9", "RATING_NOT_FOUND"),
    ] {
        let refused = server
            .ratings
            .exclude_rating(exclude_request(
                survey_id,
                rating_id,
                pb::ExclusionReason::Test,
                "",
            ))
            .await
            .unwrap_err();
        assert_eq!(
            (refused.code(), error_reason(&refused).as_str()),
            (Code::NotFound, reason)
        );
        let refused = server
            .ratings
            .restore_rating(pb::RestoreRatingRequest {
                survey_id: survey_id.into(),
                rating_id: rating_id.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(
            (refused.code(), error_reason(&refused).as_str()),
            (Code::NotFound, reason)
        );
    }
    let report = server.report(of_surveys(&["chat"], "")).await;
    assert_eq!(report.overall.unwrap().rating_count, 1);
    let listed = server.list_all(pb::RatingFilter::default(), 10).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].exclusion, None);
    server.stop().await;
}

/// The rollups keep a cell whose count an exclusion took to 0: neither in memory nor loaded
/// again from storage does it make a group of no rating.
async fn a_group_whose_every_rating_is_excluded_leaves_the_report(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    crate::reports::declare_dimensions(&mut server, "chat", &["agent"]).await;
    for (rating_id, agent) in [("r1", "ann"), ("r2", "bob"), ("r3", "ann")] {
        server
            .submit(pb::Rating {
                attributes: BTreeMap::from([("agent".to_string(), agent.to_string())]),
                ..rating("chat", rating_id, 4)
            })
            .await;
    }
    exclude(
        &mut server.ratings,
        "chat",
        "r2",
        pb::ExclusionReason::Employee,
        "",
    )
    .await;
    let by_agent = pb::ReportQuery {
        group_by: vec!["attributes.agent".into()],
        ..of_surveys(&["chat"], "")
    };
    let groups = |report: &pb::Report| -> Vec<(String, i64)> {
        assert!(report.from_rollups);
        report
            .groups
            .iter()
            .map(|group| {
                (
                    group.key["attributes.agent"].clone(),
                    group.metrics.as_ref().unwrap().rating_count,
                )
            })
            .collect()
    };
    let expected = [("ann".to_string(), 2)];
    assert_eq!(groups(&server.report(by_agent.clone()).await), expected);
    let database = server.stop_keeping_database().await;
    let mut server = TestServer::spawn_on(database).await;
    assert_eq!(groups(&server.report(by_agent.clone()).await), expected);
    restore(&mut server.ratings, "chat", "r2").await;
    assert_eq!(
        groups(&server.report(by_agent).await),
        [("ann".to_string(), 2), ("bob".to_string(), 1)]
    );
    server.stop().await;
}

/// Waits for the next report of `watch` that counts `expected` ratings.
async fn watch_until(watch: &mut tonic::Streaming<pb::WatchReportResponse>, expected: i64) {
    let mut latest = -1;
    tokio::time::timeout(Duration::from_secs(10), async {
        while latest != expected {
            let report = watch.message().await.unwrap().unwrap().report.unwrap();
            latest = report.overall.unwrap().rating_count;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the watched report stayed at {latest} ratings, not {expected}"));
}

async fn a_watched_report_comes_again_after_an_exclusion_and_a_restore(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "r1", 5)).await;
    server.submit(rating("chat", "r2", 1)).await;
    let mut watch = server
        .reports
        .watch_report(watch_survey_every_tenth_of_a_second("chat"))
        .await
        .unwrap()
        .into_inner();
    watch_until(&mut watch, 2).await;
    exclude(
        &mut server.ratings,
        "chat",
        "r2",
        pb::ExclusionReason::Test,
        "",
    )
    .await;
    watch_until(&mut watch, 1).await;
    restore(&mut server.ratings, "chat", "r2").await;
    watch_until(&mut watch, 2).await;
    drop(watch);
    server.stop().await;
}

/// Replicas keep their rollups in memory: an exclusion made through one replica has moved the
/// reports of the others as soon as it is answered, a report watched on another comes again,
/// and a restore through another moves them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exclusion_moves_the_reports_of_every_replica_at_once() {
    let replicas = Replicas::start(3).await;
    let mut ratings: Vec<RatingServiceClient<Channel>> = replicas
        .channels
        .iter()
        .map(|channel| RatingServiceClient::new(channel.clone()))
        .collect();
    let mut reports: Vec<ReportServiceClient<Channel>> = replicas
        .channels
        .iter()
        .map(|channel| ReportServiceClient::new(channel.clone()))
        .collect();
    for index in 0..6 {
        let customer = pb::Rating {
            customer_id: format!("c{}", index % 2),
            ..rating("chat", &format!("r{index}"), index % 5 + 1)
        };
        ratings[index as usize % 3]
            .submit_rating(pb::SubmitRatingRequest {
                rating: Some(customer),
            })
            .await
            .unwrap();
    }
    let everything = of_surveys(&["chat"], "");
    let counts = |reports: &mut Vec<ReportServiceClient<Channel>>, query: pb::ReportQuery| {
        let mut reports = reports.clone();
        async move {
            let mut counts = Vec::new();
            for client in &mut reports {
                let report = report_on(client, query.clone()).await;
                // Only a customer makes a report scan: the others come from the rollups in
                // memory, which must have moved (a scan would hide that they did not).
                let customer = query.filter.as_ref().unwrap().customer_id.is_empty();
                assert_eq!(report.from_rollups, customer);
                counts.push(report.overall.unwrap().rating_count);
            }
            counts
        }
    };
    // Every replica's rollups in memory are loaded and current.
    assert_eq!(counts(&mut reports, everything.clone()).await, [6, 6, 6]);
    let mut watch = reports[2]
        .watch_report(watch_survey_every_tenth_of_a_second("chat"))
        .await
        .unwrap()
        .into_inner();
    watch_until(&mut watch, 6).await;

    exclude(&mut ratings[0], "chat", "r1", pb::ExclusionReason::Spam, "").await;
    exclude(&mut ratings[1], "chat", "r2", pb::ExclusionReason::Test, "").await;
    assert_eq!(counts(&mut reports, everything.clone()).await, [4, 4, 4]);
    // A watcher on a third replica hears of both.
    watch_until(&mut watch, 4).await;
    assert_eq!(
        counts(&mut reports, of_surveys(&["chat"], "c1")).await,
        [2, 2, 2],
        "the scan too"
    );
    let on_third = ratings[2]
        .get_rating(pb::GetRatingRequest {
            survey_id: "chat".into(),
            rating_id: "r1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();
    assert_eq!(
        on_third.exclusion.unwrap().reason(),
        pb::ExclusionReason::Spam
    );

    restore(&mut ratings[2], "chat", "r1").await;
    assert_eq!(counts(&mut reports, everything).await, [5, 5, 5]);
    replicas.stop().await;
}

/// The calls over HTTP with JSON, as curl makes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exclusion_over_http_json_names_its_reason_by_name() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "r1", 2)).await;
    let answer = crate::http::json_call(
        server.address,
        "/csat.v1.RatingService/ExcludeRating",
        serde_json::json!({"surveyId": "chat", "ratingId": "r1",
            "reason": "EXCLUSION_REASON_DUPLICATE_RESPONSE", "note": "sent twice"}),
    )
    .await;
    assert_eq!(answer.status, 200);
    let exclusion = &answer.json()["rating"]["exclusion"];
    assert_eq!(exclusion["reason"], "EXCLUSION_REASON_DUPLICATE_RESPONSE");
    assert_eq!(exclusion["note"], "sent twice");
    assert_eq!(exclusion["principal"], "anonymous");

    let refused = crate::http::json_call(
        server.address,
        "/csat.v1.RatingService/ExcludeRating",
        serde_json::json!({"surveyId": "chat", "ratingId": "r1"}),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["code"], "invalid_argument");

    let restored = crate::http::json_call(
        server.address,
        "/csat.v1.RatingService/RestoreRating",
        serde_json::json!({"surveyId": "chat", "ratingId": "r1"}),
    )
    .await;
    assert_eq!(restored.status, 200);
    assert!(restored.json()["rating"].get("exclusion").is_none());
    let listed = server.list_all(pb::RatingFilter::default(), 10).await;
    assert_eq!(listed.len(), 1);
    server.stop().await;
}
