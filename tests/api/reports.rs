//! ReportService and BenchmarkService over real gRPC, on SQLite and PostgreSQL: cases checked by
//! hand, and random ratings and queries whose every number is compared with a brute-force
//! computation written here, apart from the service's code.

use crate::common;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::common::{
    Backend, TestServer, bad_fields, rating, watch_survey_every_tenth_of_a_second,
};
use crate::oracle::{
    REASON_CODES, TestRating, check_report, covered, query_strategy, rating_strategy, score_of,
    test_surveys, to_wire, wilson, z_table,
};
use chrono::TimeZone;
use chrono_tz::Tz;
use csat::pb;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use tonic::Code;

on_both_backends!(
    csat_of_eight_in_ten_is_80_with_the_wilson_interval,
    nps_and_ces_are_computed_per_metric,
    intervals_reach_0_and_100_exactly_when_no_rating_or_every_one_counts,
    empty_buckets_are_kept_and_days_follow_the_zone,
    a_range_from_mid_day_reads_its_whole_days_from_rollups_and_scans_its_edges,
    a_group_found_only_at_an_edge_keeps_its_previous_whole_days,
    a_bound_given_alone_is_kept_and_the_data_gives_the_other,
    compare_previous_flags_a_significant_drop,
    a_report_before_any_rating_keeps_its_previous_period_and_empty_days,
    a_new_zone_and_a_new_dimension_are_built_from_stored_ratings,
    a_dimension_declared_while_ratings_arrive_counts_each_rating_once,
    an_empty_attribute_selects_ratings_without_it_in_lists_streams_and_reports,
    bad_queries_name_every_field,
    ten_thousand_buckets_are_allowed_and_one_more_is_refused,
    a_thousand_groups_answer_and_one_more_is_refused_on_both_paths,
    more_buckets_over_all_series_than_the_cap_are_refused,
    an_answer_over_4_mib_is_refused_naming_the_limit,
    benchmark_reports_cap_segments_times_benchmarks,
    benchmarks_crud_and_the_built_in_good_csat,
    benchmark_report_ranks_segments_and_compares_like_with_like,
    a_ces_easy_share_headline_is_not_compared_with_a_mean_score_target,
    benchmark_segments_compare_with_the_previous_period_as_report_groups_do,
    a_watched_report_comes_again_only_for_ratings_it_selects,
    a_watched_comparison_comes_again_for_a_late_rating_of_the_previous_period,
    random_reports_match_a_brute_force_count,
);

/// Zones the test servers keep rollups for; the random queries also use zones without.
pub(crate) const ROLLUP_ZONES: [&str; 3] = ["UTC", "America/New_York", "Asia/Kolkata"];
pub(crate) const ALL_ZONES: [&str; 5] = [
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
];
pub(crate) const DAY: i64 = 86_400_000_000;
pub(crate) const HOUR: i64 = 3_600_000_000;

async fn spawn(backend: Backend) -> TestServer {
    let database = common::TestDatabase::create(backend).await;
    TestServer::spawn_with(database, |config| {
        config.rollup_time_zones = common::zones(&ROLLUP_ZONES);
    })
    .await
}

pub(crate) fn timestamp(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
    }
}

pub(crate) fn micros(timestamp: &prost_types::Timestamp) -> i64 {
    timestamp.seconds * 1_000_000 + i64::from(timestamp.nanos) / 1_000
}

pub(crate) fn utc(year: i32, month: u32, day: u32, hour: u32) -> i64 {
    chrono::Utc
        .with_ymd_and_hms(year, month, day, hour, 0, 0)
        .unwrap()
        .timestamp_micros()
}

async fn create_survey(server: &mut TestServer, survey_id: &str, survey: pb::Survey) {
    server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: survey_id.into(),
            survey: Some(survey),
        })
        .await
        .unwrap();
}

/// A rating of `survey_id` given at `at` (microseconds since the epoch).
fn rating_at(survey_id: &str, rating_id: &str, score: i32, at: i64) -> pb::Rating {
    pb::Rating {
        occur_time: Some(timestamp(at)),
        ..rating(survey_id, rating_id, score)
    }
}

/// Creates a survey of `metric` at `touchpoint`, on the metric's default scale.
async fn create_metric_survey(
    server: &mut TestServer,
    survey_id: &str,
    touchpoint: &str,
    metric: pb::Metric,
) {
    let survey = pb::Survey {
        touchpoint: touchpoint.into(),
        metric: metric.into(),
        ..Default::default()
    };
    create_survey(server, survey_id, survey).await;
}

/// Returns the segments of a benchmark report over every rating, grouped by `group_by`.
async fn benchmark_segments(
    server: &mut TestServer,
    group_by: &str,
    benchmark_ids: &[&str],
) -> Vec<pb::BenchmarkSegment> {
    server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: Some(pb::ReportQuery {
                group_by: vec![group_by.into()],
                ..Default::default()
            }),
            benchmark_ids: benchmark_ids.iter().map(|id| id.to_string()).collect(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap()
        .segments
}

async fn import(server: &mut TestServer, ratings: Vec<pb::Rating>) {
    let count = ratings.len() as i64;
    let response = server
        .ratings
        .import_ratings(tokio_stream::iter(ratings.into_iter().map(|rating| {
            pb::ImportRatingsRequest {
                rating: Some(rating),
            }
        })))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.accepted_count, count, "{:?}", response.errors);
}

pub(crate) async fn declare_dimensions(
    server: &mut TestServer,
    survey_id: &str,
    dimensions: &[&str],
) {
    server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: survey_id.into(),
                dimensions: dimensions
                    .iter()
                    .map(|dimension| dimension.to_string())
                    .collect(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["dimensions".into()],
            }),
        })
        .await
        .unwrap();
}

pub(crate) fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

async fn csat_of_eight_in_ten_is_80_with_the_wilson_interval(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let at = utc(2026, 3, 2, 12);
    let ratings = [5, 5, 5, 4, 4, 4, 4, 5, 1, 2]
        .iter()
        .enumerate()
        .map(|(index, score)| rating_at("chat", &format!("r{index}"), *score, at + index as i64))
        .collect();
    import(&mut server, ratings).await;

    let overall = server
        .report(pb::ReportQuery::default())
        .await
        .overall
        .unwrap();

    assert_eq!(overall.rating_count, 10);
    assert_eq!(overall.satisfied_count, Some(8));
    assert!(close(overall.csat.unwrap(), 80.0));
    let interval = overall.csat_interval.unwrap();
    assert_eq!((interval.low * 10.0).round() / 10.0, 49.0);
    assert_eq!((interval.high * 10.0).round() / 10.0, 94.3);
    assert!(close(overall.mean_score.unwrap(), 3.9));
    assert_eq!(overall.distribution, [1, 1, 0, 4, 4]);
    assert_eq!((overall.scale_min, overall.scale_max), (Some(1), Some(5)));
    assert_eq!(overall.nps, None, "a metric that does not apply is unset");
    assert_eq!(overall.ces, None);
    assert!(overall.low_sample, "10 ratings are fewer than 30");
    server.stop().await;
}

async fn nps_and_ces_are_computed_per_metric(backend: Backend) {
    let mut server = spawn(backend).await;
    create_metric_survey(&mut server, "nps", "checkout", pb::Metric::Nps).await;
    create_metric_survey(&mut server, "ces", "checkout", pb::Metric::Ces).await;
    // NPS: 3 promoters (10, 9, 9), 1 passive (7), 2 detractors (0, 6). CES: 7, 5, 2.
    let mut ratings: Vec<pb::Rating> = [10, 9, 9, 7, 0, 6]
        .iter()
        .enumerate()
        .map(|(index, score)| rating("nps", &format!("n{index}"), *score))
        .collect();
    ratings.extend(
        [7, 5, 2]
            .iter()
            .enumerate()
            .map(|(index, score)| rating("ces", &format!("c{index}"), *score)),
    );
    import(&mut server, ratings).await;

    let overall = server
        .report(pb::ReportQuery::default())
        .await
        .overall
        .unwrap();

    assert_eq!(overall.rating_count, 9);
    assert_eq!(overall.csat, None);
    assert_eq!(
        (
            overall.promoter_count,
            overall.passive_count,
            overall.detractor_count
        ),
        (Some(3), Some(1), Some(2))
    );
    assert!(close(overall.nps.unwrap(), 100.0 * (3.0 - 2.0) / 6.0));
    let (promoters, detractors) = (0.5, 2.0 / 6.0);
    let standard_error =
        100.0 * ((promoters + detractors - f64::powi(promoters - detractors, 2)) / 6.0).sqrt();
    assert!(close(overall.nps_standard_error.unwrap(), standard_error));
    assert!(close(overall.ces.unwrap(), 14.0 / 3.0));
    assert_eq!(overall.ces_rating_count, Some(3));
    assert!(close(overall.easy_share.unwrap(), 200.0 / 3.0));
    assert_eq!(overall.mean_score, None, "NPS and CES share no scale");
    assert!(overall.distribution.is_empty());
    server.stop().await;
}

async fn intervals_reach_0_and_100_exactly_when_no_rating_or_every_one_counts(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    create_metric_survey(&mut server, "effort", "support_chat", pb::Metric::Ces).await;
    // For each size n, n ratings that all count (satisfied, easy) and n that none do: the
    // floating-point Wilson bound misses 100 or 0 by an ulp for some sizes, not for others.
    const LARGEST: usize = 15;
    let mut ratings = Vec::new();
    for n in 1..=LARGEST {
        for (survey_id, best, worst) in [("chat", 5, 1), ("effort", 7, 1)] {
            for (cohort, score) in [("all", best), ("none", worst)] {
                for index in 0..n {
                    ratings.push(pb::Rating {
                        attributes: BTreeMap::from([(
                            "cohort".to_string(),
                            format!("{cohort}-{n:02}"),
                        )]),
                        ..rating(survey_id, &format!("{cohort}-{n}-{index}"), score)
                    });
                }
            }
        }
    }
    import(&mut server, ratings).await;

    let groups = server
        .report(pb::ReportQuery {
            group_by: vec!["survey".into(), "attributes.cohort".into()],
            ..Default::default()
        })
        .await
        .groups;

    assert_eq!(groups.len(), 2 * 2 * LARGEST);
    for group in &groups {
        let metrics = group.metrics.as_ref().unwrap();
        let n = metrics.rating_count;
        let (percent, interval) = if group.key["survey"] == "chat" {
            (metrics.csat.unwrap(), metrics.csat_interval.unwrap())
        } else {
            (
                metrics.easy_share.unwrap(),
                metrics.easy_share_interval.unwrap(),
            )
        };
        let context = format!("{:?}", group.key);
        if group.key["attributes.cohort"].starts_with("all") {
            let (low, _) = wilson(n, n, z_table(0.95));
            assert_eq!((percent, interval.high), (100.0, 100.0), "{context}");
            assert!(close(interval.low, low), "{context}");
        } else {
            let (_, high) = wilson(0, n, z_table(0.95));
            assert_eq!((percent, interval.low), (0.0, 0.0), "{context}");
            assert!(close(interval.high, high), "{context}");
        }
    }
    server.stop().await;
}

async fn empty_buckets_are_kept_and_days_follow_the_zone(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    // 03:00 UTC on 2026-03-08 is still the 7th in New York; the 8th has 23 hours there.
    let early = utc(2026, 3, 8, 3);
    let late = utc(2026, 3, 10, 15);
    import(
        &mut server,
        vec![
            rating_at("chat", "early", 5, early),
            rating_at("chat", "late", 1, late),
        ],
    )
    .await;
    let zone: Tz = "America/New_York".parse().unwrap();
    let midnight = |day: u32| {
        zone.with_ymd_and_hms(2026, 3, day, 0, 0, 0)
            .unwrap()
            .timestamp_micros()
    };

    let series = server
        .report(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                start_time: Some(timestamp(midnight(7))),
                end_time: Some(timestamp(midnight(11))),
                ..Default::default()
            }),
            granularity: pb::Granularity::Day.into(),
            time_zone: "America/New_York".into(),
            ..Default::default()
        })
        .await;

    assert!(series.from_rollups);
    let counts: Vec<i64> = series
        .series
        .iter()
        .map(|bucket| bucket.metrics.as_ref().unwrap().rating_count)
        .collect();
    assert_eq!(counts, [1, 0, 0, 1]);
    let hours: Vec<i64> = series
        .series
        .iter()
        .map(|bucket| {
            (micros(bucket.end_time.as_ref().unwrap())
                - micros(bucket.start_time.as_ref().unwrap()))
                / HOUR
        })
        .collect();
    assert_eq!(hours, [24, 23, 24, 24]);
    assert_eq!(
        micros(series.series[0].start_time.as_ref().unwrap()),
        midnight(7)
    );
    let empty = series.series[1].metrics.as_ref().unwrap();
    assert_eq!((empty.rating_count, empty.csat), (0, None));
    server.stop().await;
}

async fn a_range_from_mid_day_reads_its_whole_days_from_rollups_and_scans_its_edges(
    backend: Backend,
) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let zone: Tz = "America/New_York".parse().unwrap();
    let at = |day: u32, hour: u32| {
        zone.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .unwrap()
            .timestamp_micros()
    };
    // The range runs from noon on the 7th to 09:00 on the 10th in New York, across the 8th of
    // 23 hours: 68 hours, so the previous period starts at 16:00 on the 4th.
    let (start, end) = (at(7, 12), at(10, 9));
    assert_eq!(end - start, 68 * HOUR);
    import(
        &mut server,
        vec![
            rating_at("chat", "before-previous", 1, at(4, 15)),
            rating_at("chat", "previous-start-edge", 3, at(4, 17)),
            rating_at("chat", "previous-whole-day", 5, at(5, 12)),
            rating_at("chat", "previous-end-edge", 5, at(7, 11)),
            rating_at("chat", "start-edge", 5, at(7, 13)),
            rating_at("chat", "whole-day-of-23-hours", 1, at(8, 12)),
            rating_at("chat", "whole-day", 4, at(9, 23)),
            rating_at("chat", "end-edge", 2, at(10, 8)),
            rating_at("chat", "after", 5, at(10, 10)),
        ],
    )
    .await;

    let report = server
        .report(pb::ReportQuery {
            granularity: pb::Granularity::Day.into(),
            time_zone: "America/New_York".into(),
            ..compared_with_the_period_before(start, end)
        })
        .await;

    assert!(report.from_rollups);
    let overall = report.overall.as_ref().unwrap();
    assert_eq!(overall.rating_count, 4);
    assert!(close(overall.csat.unwrap(), 50.0));
    let previous = overall.previous.as_ref().unwrap();
    assert_eq!(previous.rating_count, 3);
    assert!(close(previous.csat.unwrap(), 200.0 / 3.0));
    let buckets: Vec<(i64, i64, i64)> = report
        .series
        .iter()
        .map(|bucket| {
            (
                micros(bucket.start_time.as_ref().unwrap()),
                micros(bucket.end_time.as_ref().unwrap()),
                bucket.metrics.as_ref().unwrap().rating_count,
            )
        })
        .collect();
    // Buckets are whole local days, as a scan of the same range gives them.
    assert_eq!(
        buckets,
        [
            (at(7, 0), at(8, 0), 1),
            (at(8, 0), at(9, 0), 1),
            (at(9, 0), at(10, 0), 1),
            (at(10, 0), at(11, 0), 1),
        ]
    );
    server.stop().await;
}

async fn a_group_found_only_at_an_edge_keeps_its_previous_whole_days(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("email", "support_email").await;
    let at = |day: u32, hour: u32| utc(2026, 3, day, hour);
    // From noon on the 7th to 09:00 on the 10th (UTC): the previous period starts at 16:00 on
    // the 4th. "email" has a rating only in the range's last partial day, and one in a whole day
    // of the previous period, which the rollups count before the edges are scanned.
    let (start, end) = (at(7, 12), at(10, 9));
    import(
        &mut server,
        vec![
            rating_at("chat", "chat-now", 5, at(8, 12)),
            rating_at("chat", "chat-before", 5, at(5, 12)),
            rating_at("email", "email-now", 1, at(10, 8)),
            rating_at("email", "email-before", 5, at(5, 12)),
        ],
    )
    .await;

    let report = server
        .report(pb::ReportQuery {
            group_by: vec!["survey".into()],
            ..compared_with_the_period_before(start, end)
        })
        .await;

    assert!(report.from_rollups);
    let previous_counts: Vec<(String, i64, i64)> = report
        .groups
        .iter()
        .map(|group| {
            let metrics = group.metrics.as_ref().unwrap();
            (
                group.key["survey"].clone(),
                metrics.rating_count,
                metrics.previous.as_ref().unwrap().rating_count,
            )
        })
        .collect();
    assert_eq!(
        previous_counts,
        [("chat".to_string(), 1, 1), ("email".to_string(), 1, 1)]
    );
    server.stop().await;
}

/// Overall metrics of `[start, end)`, compared with the period before.
fn compared_with_the_period_before(start: i64, end: i64) -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            start_time: Some(timestamp(start)),
            end_time: Some(timestamp(end)),
            ..Default::default()
        }),
        compare_previous: true,
        ..Default::default()
    }
}

async fn a_bound_given_alone_is_kept_and_the_data_gives_the_other(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    import(
        &mut server,
        vec![
            rating_at("chat", "first", 5, utc(2026, 7, 1, 10)),
            rating_at("chat", "second", 1, utc(2026, 7, 2, 15)),
        ],
    )
    .await;
    let daily = |start_time: Option<i64>, end_time: Option<i64>| pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            start_time: start_time.map(timestamp),
            end_time: end_time.map(timestamp),
            ..Default::default()
        }),
        group_by: vec!["survey".into()],
        granularity: pb::Granularity::Day.into(),
        ..Default::default()
    };
    // Each bucket's first day of July 2026 (0 for 30 June and so on) and its rating count.
    let days_and_counts = |series: &[pb::Bucket]| -> Vec<(i64, i64)> {
        series
            .iter()
            .map(|bucket| {
                let start = micros(bucket.start_time.as_ref().unwrap());
                let count = bucket.metrics.as_ref().unwrap().rating_count;
                ((start - utc(2026, 7, 1, 0)) / DAY + 1, count)
            })
            .collect()
    };

    let from_29_june = server.report(daily(Some(utc(2026, 6, 29, 0)), None)).await;
    let until_5_july = server.report(daily(None, Some(utc(2026, 7, 5, 0)))).await;
    let from_1990 = server
        .reports
        .get_report(pb::GetReportRequest {
            query: Some(daily(Some(utc(1990, 1, 1, 0)), None)),
        })
        .await
        .map(|answer| answer.into_inner().report.unwrap().series.len());

    assert_eq!(
        days_and_counts(&from_29_june.series),
        [(-1, 0), (0, 0), (1, 1), (2, 1)],
        "from the start given to the last rating"
    );
    assert_eq!(
        days_and_counts(&until_5_july.series),
        [(1, 1), (2, 1), (3, 0), (4, 0)],
        "from the first rating to the end given"
    );
    for answer in [&from_29_june, &until_5_july] {
        assert_eq!(answer.groups.len(), 1);
        assert_eq!(
            answer.groups[0].series, answer.series,
            "a group spans the same buckets"
        );
    }
    // The limit on buckets counts the same range: from 1990 to 2026 is over 10,000 days.
    let refused = from_1990.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["query.granularity"]);
    server.stop().await;
}

async fn compare_previous_flags_a_significant_drop(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let previous_week = utc(2026, 3, 2, 12);
    let this_week = utc(2026, 3, 9, 12);
    let mut ratings = Vec::new();
    for index in 0..50 {
        // Previous week: 45 of 50 satisfied; this week: 20 of 50.
        let before = if index < 45 { 5 } else { 1 };
        let now = if index < 20 { 4 } else { 2 };
        ratings.push(rating_at(
            "chat",
            &format!("b{index}"),
            before,
            previous_week + index,
        ));
        ratings.push(rating_at(
            "chat",
            &format!("n{index}"),
            now,
            this_week + index,
        ));
    }
    import(&mut server, ratings).await;

    let overall = server
        .report(week_of_9_march_against_the_week_before())
        .await
        .overall
        .unwrap();

    let previous = overall.previous.as_ref().unwrap();
    assert_eq!(previous.rating_count, 50);
    assert!(close(previous.csat.unwrap(), 90.0));
    assert!(close(overall.delta.unwrap(), 40.0 - 90.0));
    assert_eq!(overall.significant_change, Some(true));
    server.stop().await;
}

/// Overall metrics of the week of 9 March 2026 (UTC), compared with the week before.
fn week_of_9_march_against_the_week_before() -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            start_time: Some(timestamp(utc(2026, 3, 9, 0))),
            end_time: Some(timestamp(utc(2026, 3, 16, 0))),
            ..Default::default()
        }),
        compare_previous: true,
        ..Default::default()
    }
}

async fn a_report_before_any_rating_keeps_its_previous_period_and_empty_days(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let overall = server
        .report(week_of_9_march_against_the_week_before())
        .await
        .overall
        .unwrap();

    assert_eq!(overall.rating_count, 0);
    let previous = overall
        .previous
        .expect("the previous period, asked for, even when empty");
    assert_eq!(previous.rating_count, 0);
    assert_eq!(overall.delta, None);
    assert_eq!(overall.significant_change, None);

    // Empty days are kept, as they are once ratings exist elsewhere.
    let daily = server
        .report(pb::ReportQuery {
            granularity: pb::Granularity::Day.into(),
            ..week_of_9_march_against_the_week_before()
        })
        .await;
    assert_eq!(daily.series.len(), 7);
    assert!(
        daily
            .series
            .iter()
            .all(|bucket| bucket.metrics.as_ref().unwrap().rating_count == 0)
    );
    server.stop().await;
}

async fn a_new_zone_and_a_new_dimension_are_built_from_stored_ratings(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let ratings = (0..20)
        .map(|index| pb::Rating {
            occur_time: Some(timestamp(utc(2026, 3, 1, 0) + index * 7 * HOUR)),
            attributes: BTreeMap::from([("team".to_string(), format!("t{}", index % 2))]),
            ..rating("chat", &format!("r{index}"), (index % 5 + 1) as i32)
        })
        .collect();
    import(&mut server, ratings).await;
    let database = server.stop_keeping_database().await;
    let mut server = TestServer::spawn_with(database, |config| {
        // Listed twice, a new zone is still built once.
        config.rollup_time_zones = common::zones(&["UTC", "Asia/Tokyo", "Asia/Tokyo"]);
    })
    .await;
    let by_team = pb::ReportQuery {
        group_by: vec!["attributes.team".into()],
        granularity: pb::Granularity::Day.into(),
        time_zone: "Asia/Tokyo".into(),
        ..Default::default()
    };
    let scanned = server.report(by_team.clone()).await;
    declare_dimensions(&mut server, "chat", &["team"]).await;

    let rolled_up = server.report(by_team).await;

    assert!(!scanned.from_rollups, "team is not a dimension yet");
    assert!(rolled_up.from_rollups, "Tokyo and team are rolled up now");
    assert_eq!(rolled_up.groups, scanned.groups);
    assert_eq!(rolled_up.groups.len(), 2);
    assert_eq!(rolled_up.overall, scanned.overall);
    server.stop().await;
}

async fn an_empty_attribute_selects_ratings_without_it_in_lists_streams_and_reports(
    backend: Backend,
) {
    let mut server = spawn(backend).await;
    // Rollups answer for "declared", a scan for "plain".
    create_survey(
        &mut server,
        "declared",
        pb::Survey {
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Csat.into(),
            dimensions: vec!["agent".into()],
            ..Default::default()
        },
    )
    .await;
    server.create_csat_survey("plain", "support_chat").await;
    let mut ratings = Vec::new();
    for survey_id in ["declared", "plain"] {
        for (name, agent) in [("missing", None), ("empty", Some("")), ("a-1", Some("a-1"))] {
            let mut attributes = BTreeMap::from([("team".to_string(), "billing".to_string())]);
            if let Some(agent) = agent {
                attributes.insert("agent".to_string(), agent.to_string());
            }
            ratings.push(pb::Rating {
                attributes,
                ..rating(survey_id, &format!("{survey_id}-{name}"), 5)
            });
        }
    }
    import(&mut server, ratings).await;
    let agent = |value: &str, survey_ids: &[&str]| pb::RatingFilter {
        survey_ids: survey_ids.iter().map(|id| id.to_string()).collect(),
        attributes: BTreeMap::from([("agent".to_string(), value.to_string())]),
        ..Default::default()
    };
    let ids = |ratings: Vec<pb::Rating>| -> BTreeSet<String> {
        ratings.into_iter().map(|rating| rating.rating_id).collect()
    };

    let mut answers = Vec::new();
    for value in ["", "a-1"] {
        // Pages of one rating: every page but the last hands out a token bound to the filter.
        let listed = ids(server.list_all(agent(value, &[]), 1).await);
        let mut stream = server
            .ratings
            .stream_ratings(pb::StreamRatingsRequest {
                filter: Some(agent(value, &[])),
                start_after: 0,
                follow: false,
            })
            .await
            .unwrap()
            .into_inner();
        let mut streamed = Vec::new();
        while let Some(message) = stream.message().await.unwrap() {
            streamed.push(message.rating.unwrap());
        }
        let mut reported = Vec::new();
        for survey_ids in [&["declared"][..], &["plain"], &[]] {
            let answer = server
                .report(pb::ReportQuery {
                    filter: Some(agent(value, survey_ids)),
                    ..Default::default()
                })
                .await;
            reported.push((
                survey_ids,
                answer.from_rollups,
                answer.overall.unwrap().rating_count,
            ));
        }
        answers.push((value, listed, ids(streamed), reported));
    }
    let first_page = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(agent("", &[])),
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let without_filter = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: None,
            page_size: 1,
            page_token: first_page.next_page_token,
        })
        .await
        .unwrap_err();

    for (value, listed, streamed, reported) in answers {
        let expected: BTreeSet<String> = ["declared", "plain"]
            .iter()
            .flat_map(|survey_id| {
                let names: &[&str] = if value.is_empty() {
                    &["missing", "empty"]
                } else {
                    &["a-1"]
                };
                names.iter().map(move |name| format!("{survey_id}-{name}"))
            })
            .collect();
        assert_eq!(listed, expected, "ListRatings, agent {value:?}");
        assert_eq!(streamed, expected, "StreamRatings, agent {value:?}");
        let per_survey = expected.len() as i64 / 2;
        assert_eq!(
            reported,
            [
                (&["declared"][..], true, per_survey),
                (&["plain"][..], false, per_survey),
                (&[][..], false, 2 * per_survey),
            ],
            "GetReport, agent {value:?}"
        );
    }
    assert_eq!(bad_fields(&without_filter), ["page_token"]);
    server.stop().await;
}

/// A new dimension's cells are built before the update takes the writers' lock, then completed
/// under it: ratings committed in between, and cells left by a build whose update never
/// committed, must come out counted exactly once.
async fn a_dimension_declared_while_ratings_arrive_counts_each_rating_once(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let agent_rating = |index: i64| pb::Rating {
        occur_time: Some(timestamp(utc(2026, 3, 1, 0) + index * 2 * HOUR)),
        attributes: BTreeMap::from([("agent".to_string(), format!("a{}", index % 5))]),
        ..rating("chat", &format!("r{index}"), (index % 5 + 1) as i32)
    };
    import(&mut server, (0..2_000).map(agent_rating).collect()).await;
    // As left by a build whose update never committed: 1,000 ratings that do not exist.
    let leftover = "INSERT INTO rollups (zone, day, survey_id, dimension, value, channel, score, \
        rating_count) VALUES ('UTC', 20513, 'chat', 'agent', 'a0', -1, 4, 1000)";
    let database = sea_orm::Database::connect(&server.database.url)
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&database, leftover)
        .await
        .unwrap();
    database.close().await.unwrap();

    let mut submitter = server.ratings.clone();
    let arriving = tokio::spawn(async move {
        for index in 2_000..2_300 {
            submitter
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(agent_rating(index)),
                })
                .await
                .unwrap();
        }
    });
    declare_dimensions(&mut server, "chat", &["agent"]).await;
    arriving.await.unwrap();

    let by_agent = server
        .report(pb::ReportQuery {
            group_by: vec!["attributes.agent".into()],
            ..Default::default()
        })
        .await;
    let mut expected: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for stored in server.list_all(pb::RatingFilter::default(), 1_000).await {
        expected
            .entry(stored.attributes["agent"].clone())
            .or_default()[(stored.score - 1) as usize] += 1;
    }
    let counted: BTreeMap<String, [i64; 5]> = by_agent
        .groups
        .iter()
        .map(|group| {
            let metrics = group.metrics.as_ref().unwrap();
            let distribution: [i64; 5] = metrics.distribution.clone().try_into().unwrap();
            (group.key["attributes.agent"].clone(), distribution)
        })
        .collect();
    assert!(by_agent.from_rollups);
    assert_eq!(expected.values().flatten().sum::<i64>(), 2_300);
    assert_eq!(counted, expected);
    server.stop().await;
}

async fn bad_queries_name_every_field(backend: Backend) {
    let mut server = spawn(backend).await;
    let refused = server
        .reports
        .get_report(pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                filter: Some(pb::RatingFilter {
                    channels: vec![99],
                    ..Default::default()
                }),
                group_by: vec!["agent".into()],
                granularity: 42,
                time_zone: "Nowhere/Atlantis".into(),
                compare_previous: true,
                confidence: Some(1.5),
                min_sample: Some(-3),
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "query.filter.channels[0]",
            "query.group_by[0]",
            "query.granularity",
            "query.time_zone",
            "query.confidence",
            "query.min_sample",
            "query.compare_previous",
        ]
    );
    let too_many = server
        .reports
        .get_report(pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                filter: Some(pb::RatingFilter {
                    start_time: Some(timestamp(utc(2020, 1, 1, 0))),
                    end_time: Some(timestamp(utc(2026, 1, 1, 0))),
                    ..Default::default()
                }),
                granularity: pb::Granularity::Hour.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(too_many.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&too_many), ["query.granularity"]);
    let unknown_benchmark = server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: None,
            benchmark_ids: vec!["no-such".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(unknown_benchmark.code(), Code::NotFound);
    let repeated_benchmark = server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: None,
            benchmark_ids: vec!["good-csat".into(), "good-csat".into()],
        })
        .await
        .unwrap_err();
    assert_eq!(repeated_benchmark.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&repeated_benchmark), ["benchmark_ids[1]"]);
    server.stop().await;
}

async fn ten_thousand_buckets_are_allowed_and_one_more_is_refused(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let first_day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    // Rollups answer the UTC days, a scan the rest. Berlin and New York days last 23 or 25 hours
    // where clocks change, and their hours repeat or vanish: the limit counts buckets.
    for (zone_name, granularity) in [
        ("UTC", pb::Granularity::Day),
        ("UTC", pb::Granularity::Hour),
        ("Europe/Berlin", pb::Granularity::Day),
        ("America/New_York", pb::Granularity::Day),
        ("America/New_York", pb::Granularity::Hour),
    ] {
        let zone: Tz = zone_name.parse().unwrap();
        let midnight = |date: chrono::NaiveDate| {
            zone.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
                .earliest()
                .unwrap()
                .timestamp_micros()
        };
        let start = midnight(first_day);
        let end_after = |buckets: i64| match granularity {
            pb::Granularity::Day => midnight(first_day + chrono::Duration::days(buckets)),
            _ => start + buckets * HOUR,
        };
        let query = |end: i64| pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                filter: Some(pb::RatingFilter {
                    start_time: Some(timestamp(start)),
                    end_time: Some(timestamp(end)),
                    ..Default::default()
                }),
                granularity: granularity.into(),
                time_zone: zone_name.into(),
                ..Default::default()
            }),
        };
        let bucket_count = |answer: tonic::Response<pb::GetReportResponse>| {
            answer.into_inner().report.unwrap().series.len()
        };

        let most = server.reports.get_report(query(end_after(10_000))).await;
        let one_more = server.reports.get_report(query(end_after(10_001))).await;

        let context = format!("{granularity:?} in {zone_name}");
        assert_eq!(most.map(bucket_count).unwrap(), 10_000, "{context}");
        let refused = one_more.map(bucket_count).unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{context}");
        assert_eq!(bad_fields(&refused), ["query.granularity"], "{context}");
    }
    server.stop().await;
}

/// The most groups one report has (ReportQuery.group_by's comment states it).
const MOST_GROUPS: usize = 1_000;

/// Returns the status of a refused call; a call that answered fails the test without printing its
/// (large) answer.
fn refusal<T>(answer: Result<T, tonic::Status>) -> tonic::Status {
    match answer {
        Ok(_) => panic!("answered, where a refusal was expected"),
        Err(status) => status,
    }
}

/// Ratings of `chat` numbered `numbers`, each with its own `agent` (a dimension of `chat`) and
/// `queue` (not one), an hour after `day` began.
fn one_rating_per_agent(numbers: std::ops::Range<usize>, day: i64) -> Vec<pb::Rating> {
    numbers
        .map(|number| pb::Rating {
            attributes: [
                ("agent".to_string(), format!("agent-{number:04}")),
                ("queue".to_string(), format!("queue-{number:04}")),
            ]
            .into(),
            ..rating_at("chat", &format!("rating-{number}"), 4, day + HOUR)
        })
        .collect()
}

/// A query over `[start, end)` grouped by `group_by`.
fn grouped_query(
    group_by: &str,
    granularity: pb::Granularity,
    start: i64,
    end: i64,
) -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            start_time: Some(timestamp(start)),
            end_time: Some(timestamp(end)),
            ..Default::default()
        }),
        group_by: vec![group_by.into()],
        granularity: granularity.into(),
        ..Default::default()
    }
}

async fn a_thousand_groups_answer_and_one_more_is_refused_on_both_paths(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    declare_dimensions(&mut server, "chat", &["agent"]).await;
    let day = utc(2026, 3, 2, 0);
    // Rollups answer the declared dimension by day; hour buckets and the undeclared attribute scan.
    let paths = [
        ("attributes.agent", pb::Granularity::Day, day + DAY, true),
        (
            "attributes.agent",
            pb::Granularity::Hour,
            day + 6 * HOUR,
            false,
        ),
        ("attributes.queue", pb::Granularity::Day, day + DAY, false),
        ("attributes.queue", pb::Granularity::None, day + DAY, false),
    ];
    let report = |server: &mut TestServer, (group_by, granularity, end, _): (_, _, i64, bool)| {
        let request = pb::GetReportRequest {
            query: Some(grouped_query(group_by, granularity, day, end)),
        };
        let mut reports = server.reports.clone();
        async move { reports.get_report(request).await }
    };
    import(&mut server, one_rating_per_agent(0..MOST_GROUPS, day)).await;
    let mut most = Vec::new();
    for path in paths {
        most.push(report(&mut server, path).await);
    }

    import(
        &mut server,
        one_rating_per_agent(MOST_GROUPS..MOST_GROUPS + 1, day),
    )
    .await;
    let mut one_more = Vec::new();
    for path in paths {
        one_more.push(report(&mut server, path).await);
    }
    let benchmark_report = server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: Some(grouped_query(
                "attributes.agent",
                pb::Granularity::None,
                day,
                day + DAY,
            )),
            benchmark_ids: vec!["good-csat".into()],
        })
        .await;
    let mut watch = server
        .reports
        .watch_report(pb::WatchReportRequest {
            query: Some(grouped_query(
                "attributes.queue",
                pb::Granularity::Day,
                day,
                day + DAY,
            )),
            min_interval: None,
        })
        .await
        .unwrap()
        .into_inner();
    let watched = watch.message().await;

    for ((group_by, granularity, _, from_rollups), answer) in paths.into_iter().zip(most) {
        let context = format!("{group_by} by {granularity:?}");
        let report = answer.unwrap().into_inner().report.unwrap();
        assert_eq!(report.groups.len(), MOST_GROUPS, "{context}");
        assert_eq!(report.from_rollups, from_rollups, "{context}");
    }
    let refusals = one_more
        .into_iter()
        .map(refusal)
        .chain([refusal(benchmark_report), refusal(watched)]);
    for refused in refusals {
        assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
        let found = common::violations(&refused);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "query.group_by");
        assert!(
            found[0].1.starts_with("more than 1,000 groups"),
            "{}",
            found[0].1
        );
    }
    server.stop().await;
}

async fn more_buckets_over_all_series_than_the_cap_are_refused(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    declare_dimensions(&mut server, "chat", &["agent"]).await;
    let day = utc(2026, 3, 2, 0);
    // Series of 10,000 buckets: 4 groups and the overall series make 50,000, 5 groups 60,000.
    let cases = [
        (pb::Granularity::Day, day + DAY - 10_000 * DAY),
        (pb::Granularity::Hour, day + DAY - 10_000 * HOUR),
    ];
    let report = |granularity: pb::Granularity, start: i64| pb::GetReportRequest {
        query: Some(grouped_query(
            "attributes.agent",
            granularity,
            start,
            day + DAY,
        )),
    };
    import(&mut server, one_rating_per_agent(0..4, day)).await;
    let mut most = Vec::new();
    for (granularity, start) in cases {
        most.push(server.reports.get_report(report(granularity, start)).await);
    }

    import(&mut server, one_rating_per_agent(4..5, day)).await;
    let mut one_more = Vec::new();
    for (granularity, start) in cases {
        one_more.push(server.reports.get_report(report(granularity, start)).await);
    }

    for (((granularity, _), most), one_more) in cases.into_iter().zip(most).zip(one_more) {
        let context = format!("{granularity:?}");
        let answered = most.unwrap().into_inner().report.unwrap();
        assert_eq!(answered.groups.len(), 4, "{context}");
        assert_eq!(answered.groups[0].series.len(), 10_000, "{context}");
        let refused = refusal(one_more);
        assert_eq!(refused.code(), Code::InvalidArgument, "{context}");
        let found = common::violations(&refused);
        assert_eq!(found.len(), 1, "{context}: {found:?}");
        assert_eq!(found[0].0, "query.group_by", "{context}");
        assert!(
            found[0]
                .1
                .starts_with("more than 50,000 buckets over all series"),
            "{context}: {}",
            found[0].1
        );
    }
    server.stop().await;
}

async fn an_answer_over_4_mib_is_refused_naming_the_limit(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let day = utc(2026, 3, 2, 0);
    // 1,000 groups whose keys are 4 values of 256 characters of 4 bytes: 4.2 MB of keys alone.
    let long_value = |number: usize| format!("{number:04}{}", "\u{1F600}".repeat(252));
    let names = ["queue", "region", "product", "language"];
    let ratings = (0..MOST_GROUPS)
        .map(|number| pb::Rating {
            attributes: names
                .iter()
                .map(|name| (name.to_string(), long_value(number)))
                .collect(),
            ..rating_at("chat", &format!("rating-{number}"), 4, day + HOUR)
        })
        .collect();
    import(&mut server, ratings).await;

    let answer = server
        .reports
        .get_report(pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                group_by: names
                    .iter()
                    .map(|name| format!("attributes.{name}"))
                    .collect(),
                ..Default::default()
            }),
        })
        .await;

    let refused = refusal(answer);
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    let found = common::violations(&refused);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "query.group_by");
    assert!(
        found[0].1.starts_with("the answer would be") && found[0].1.contains("4 MiB"),
        "{}",
        found[0].1
    );
    server.stop().await;
}

async fn benchmark_reports_cap_segments_times_benchmarks(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    declare_dimensions(&mut server, "chat", &["agent"]).await;
    let day = utc(2026, 3, 2, 0);
    import(&mut server, one_rating_per_agent(0..751, day)).await;
    server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(pb::Benchmark {
                benchmark_id: "great-csat".into(),
                metric: pb::Metric::Csat.into(),
                measure: pb::Measure::SatisfiedPercent.into(),
                value: 90.0,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let benchmark_report = |group_by: &str, benchmark_ids: &[&str]| pb::GetBenchmarkReportRequest {
        query: Some(grouped_query(
            group_by,
            pb::Granularity::None,
            day,
            day + DAY,
        )),
        benchmark_ids: benchmark_ids.iter().map(|id| id.to_string()).collect(),
    };

    // 751 segments against one benchmark fit; against two they pass 1,500 comparisons.
    let one_each = server
        .reports
        .get_benchmark_report(benchmark_report("attributes.agent", &["good-csat"]))
        .await;
    let two_each = server
        .reports
        .get_benchmark_report(benchmark_report(
            "attributes.agent",
            &["good-csat", "great-csat"],
        ))
        .await;

    let segments = one_each.unwrap().into_inner().report.unwrap().segments;
    assert_eq!(segments.len(), 751);
    let refused = refusal(two_each);
    assert_eq!(refused.code(), Code::InvalidArgument);
    let found = common::violations(&refused);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "query.group_by");
    assert!(
        found[0].1.starts_with("more than 750 groups"),
        "{}",
        found[0].1
    );
    server.stop().await;
}

async fn benchmarks_crud_and_the_built_in_good_csat(backend: Backend) {
    let mut server = spawn(backend).await;
    let acsi = pb::Benchmark {
        benchmark_id: "acsi-software".into(),
        display_name: "ACSI software".into(),
        metric: pb::Metric::Csat.into(),
        measure: pb::Measure::Index100.into(),
        value: 77.0,
        source: "ACSI 2025, software".into(),
        ..Default::default()
    };
    let created = server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(acsi.clone()),
        })
        .await
        .unwrap()
        .into_inner()
        .benchmark
        .unwrap();
    let again = server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(acsi.clone()),
        })
        .await
        .unwrap_err();
    let bad = server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(pb::Benchmark {
                benchmark_id: "Bad Id".into(),
                metric: pb::Metric::Nps.into(),
                measure: pb::Measure::SatisfiedPercent.into(),
                value: 150.0,
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    let listed = server
        .benchmarks
        .list_benchmarks(pb::ListBenchmarksRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let second_page = server
        .benchmarks
        .list_benchmarks(pb::ListBenchmarksRequest {
            page_size: 1,
            page_token: listed.next_page_token.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let built_in = server
        .benchmarks
        .delete_benchmark(pb::DeleteBenchmarkRequest {
            benchmark_id: "good-csat".into(),
        })
        .await
        .unwrap_err();
    server
        .benchmarks
        .delete_benchmark(pb::DeleteBenchmarkRequest {
            benchmark_id: "acsi-software".into(),
        })
        .await
        .unwrap();
    let gone = server
        .benchmarks
        .get_benchmark(pb::GetBenchmarkRequest {
            benchmark_id: "acsi-software".into(),
        })
        .await
        .unwrap_err();

    assert_eq!(
        pb::Benchmark {
            create_time: None,
            ..created
        },
        acsi
    );
    assert_eq!(again.code(), Code::AlreadyExists);
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&bad),
        [
            "benchmark.benchmark_id",
            "benchmark.measure",
            "benchmark.value"
        ]
    );
    assert_eq!(listed.benchmarks[0].benchmark_id, "acsi-software");
    assert_eq!(second_page.benchmarks[0].benchmark_id, "good-csat");
    assert!(second_page.benchmarks[0].built_in);
    assert_eq!(second_page.benchmarks[0].value, 80.0);
    assert!(second_page.next_page_token.is_empty());
    assert_eq!(built_in.code(), Code::FailedPrecondition);
    assert_eq!(gone.code(), Code::NotFound);
    server.stop().await;
}

async fn benchmark_report_ranks_segments_and_compares_like_with_like(backend: Backend) {
    let mut server = spawn(backend).await;
    create_survey(
        &mut server,
        "chat",
        pb::Survey {
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Csat.into(),
            target: Some(85.0),
            dimensions: vec!["agent".into()],
            ..Default::default()
        },
    )
    .await;
    server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(pb::Benchmark {
                benchmark_id: "acsi".into(),
                metric: pb::Metric::Csat.into(),
                measure: pb::Measure::Index100.into(),
                value: 77.0,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    // Agent a: 95 of 100 satisfied; agent b: 50 of 100; over four weeks.
    let start = utc(2026, 3, 2, 0);
    let mut ratings = Vec::new();
    for index in 0..100 {
        let week = index / 25;
        let a_score = if index < 95 { 5 } else { 1 };
        ratings.push(pb::Rating {
            occur_time: Some(timestamp(start + week * 7 * DAY + (index % 25) * HOUR)),
            attributes: BTreeMap::from([("agent".to_string(), "a".to_string())]),
            ..rating("chat", &format!("a{index}"), a_score)
        });
        ratings.push(pb::Rating {
            occur_time: Some(timestamp(start + week * 7 * DAY + (index % 25) * HOUR)),
            attributes: BTreeMap::from([("agent".to_string(), "b".to_string())]),
            ..rating(
                "chat",
                &format!("b{index}"),
                if index % 2 == 0 { 5 } else { 1 },
            )
        });
    }
    import(&mut server, ratings).await;

    let segments =
        benchmark_segments(&mut server, "attributes.agent", &["good-csat", "acsi"]).await;

    assert_eq!(segments.len(), 2);
    let (a, b) = (&segments[0], &segments[1]);
    assert_eq!(a.key["attributes.agent"], "a");
    let a_csat = a.metrics.as_ref().unwrap().csat.unwrap();
    assert!(close(a.value.unwrap(), a_csat));
    assert_eq!((a.rank, b.rank), (Some(1), Some(2)));
    assert_eq!((a.percentile, b.percentile), (Some(100.0), Some(0.0)));
    assert_eq!(a.target, Some(85.0));
    assert!(close(a.target_gap.unwrap(), a_csat - 85.0));
    let good = &a.comparisons[0];
    assert!(good.comparable);
    assert_eq!(good.status, pb::BenchmarkStatus::Above as i32);
    assert!(close(good.gap.unwrap(), a_csat - 80.0));
    assert_eq!(b.comparisons[0].status, pb::BenchmarkStatus::Below as i32);
    let acsi = &a.comparisons[1];
    assert!(!acsi.comparable, "an index is not a satisfied percent");
    assert_eq!(acsi.gap, None);
    assert_eq!(
        a.trend.as_ref().unwrap().bucket_count,
        4,
        "weekly buckets by default"
    );

    // An NPS survey beside it: segments of different measures are not ranked against each
    // other, and an NPS interval from two ratings stays within -100..100.
    create_metric_survey(&mut server, "relationship", "support_chat", pb::Metric::Nps).await;
    import(
        &mut server,
        vec![
            rating_at("relationship", "detractor", 0, start),
            rating_at("relationship", "passive", 7, start + DAY),
        ],
    )
    .await;
    let segments = benchmark_segments(&mut server, "survey", &[]).await;
    let nps = segments
        .iter()
        .find(|segment| segment.key["survey"] == "relationship")
        .unwrap();
    let chat = segments
        .iter()
        .find(|segment| segment.key["survey"] == "chat")
        .unwrap();
    assert_eq!(nps.value, Some(-50.0));
    assert_eq!((nps.rank, nps.percentile), (Some(1), Some(100.0)));
    assert_eq!((chat.rank, chat.percentile), (Some(1), Some(100.0)));
    let interval = nps.interval.unwrap();
    // -50 - 1.96 x 35.36 is below -100; -50 + 1.96 x 35.36 = 19.3.
    assert_eq!(interval.low, -100.0);
    assert!(close(
        interval.high,
        -50.0 + 1.959_963_984_540_054 * 100.0 * (0.125_f64).sqrt()
    ));
    server.stop().await;
}

/// Returns the benchmark report of `query` against every benchmark.
async fn benchmark_report(server: &mut TestServer, query: pb::ReportQuery) -> pb::BenchmarkReport {
    server
        .reports
        .get_benchmark_report(pb::GetBenchmarkReportRequest {
            query: Some(query),
            benchmark_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap()
}

async fn a_ces_easy_share_headline_is_not_compared_with_a_mean_score_target(backend: Backend) {
    let mut server = spawn(backend).await;
    for (survey_id, scale_max, threshold) in [("ces7", 7, 5), ("ces5", 5, 4)] {
        let survey = pb::Survey {
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Ces.into(),
            scale_min: Some(1),
            scale_max: Some(scale_max),
            satisfied_threshold: Some(threshold),
            // A goal for the CES mean, on each survey's own scale.
            target: Some(4.0),
            ..Default::default()
        };
        create_survey(&mut server, survey_id, survey).await;
    }
    // Three weeks; the second has ratings of the 1-7 survey only.
    let start = utc(2026, 3, 2, 0);
    let scores: [(&str, i64, &[i32]); 5] = [
        ("ces7", 0, &[1, 2, 6]),
        ("ces5", 0, &[1, 5]),
        ("ces7", 1, &[3, 3, 7]),
        ("ces7", 2, &[2, 5]),
        ("ces5", 2, &[2, 4]),
    ];
    let mut ratings = Vec::new();
    for (survey_id, week, week_scores) in scores {
        for (index, score) in week_scores.iter().enumerate() {
            ratings.push(rating_at(
                survey_id,
                &format!("{survey_id}-{week}-{index}"),
                *score,
                start + week * 7 * DAY + index as i64 * HOUR,
            ));
        }
    }
    import(&mut server, ratings).await;
    let query = |survey_ids: &[&str]| pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: survey_ids.iter().map(|id| id.to_string()).collect(),
            ..Default::default()
        }),
        min_sample: Some(1),
        ..Default::default()
    };

    let both = benchmark_report(&mut server, query(&["ces7", "ces5"])).await;
    let segment = &both.segments[0];
    // No mean across two scales: the headline is the easy share, 3 of 8 (6, 7, 5 on 1-7) plus
    // 2 of 4 (5, 4 on 1-5), a percent that a mean-score target of 4.0 says nothing about.
    assert!(close(segment.value.unwrap(), 100.0 * 5.0 / 12.0));
    assert_eq!(segment.target, None);
    assert_eq!(segment.target_gap, None);
    assert_eq!(
        segment.target_status,
        pb::BenchmarkStatus::Unspecified as i32
    );
    // Every week has an easy share, the one with a single scale too.
    assert_eq!(segment.trend.as_ref().unwrap().bucket_count, 3);

    // One scale: the headline is the mean, 29 / 8, in the target's unit.
    let one = benchmark_report(&mut server, query(&["ces7"])).await;
    let segment = &one.segments[0];
    assert!(close(segment.value.unwrap(), 29.0 / 8.0));
    assert_eq!(segment.target, Some(4.0));
    assert!(close(segment.target_gap.unwrap(), 29.0 / 8.0 - 4.0));
    assert_eq!(
        segment.target_status,
        pb::BenchmarkStatus::WithinInterval as i32
    );
    server.stop().await;
}

async fn benchmark_segments_compare_with_the_previous_period_as_report_groups_do(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let mut ratings = Vec::new();
    for index in 0..20 {
        // Previous week: all 20 satisfied; this week: none of 20.
        ratings.push(rating_at(
            "chat",
            &format!("b{index}"),
            5,
            utc(2026, 3, 2, 12) + index,
        ));
        ratings.push(rating_at(
            "chat",
            &format!("n{index}"),
            1,
            utc(2026, 3, 9, 12) + index,
        ));
    }
    import(&mut server, ratings).await;

    for group_by in [vec![], vec!["survey".to_string()]] {
        let query = pb::ReportQuery {
            group_by: group_by.clone(),
            min_sample: Some(1),
            ..week_of_9_march_against_the_week_before()
        };
        let segment_metrics = benchmark_report(&mut server, query.clone()).await.segments[0]
            .metrics
            .clone()
            .unwrap();
        let previous = segment_metrics.previous.as_ref().unwrap();
        assert_eq!(previous.rating_count, 20, "{group_by:?}");
        assert_eq!(previous.csat, Some(100.0));
        assert_eq!(segment_metrics.csat, Some(0.0));
        assert_eq!(segment_metrics.delta, Some(-100.0));
        // Pooled proportion 1/2: z = 1 / sqrt(1/4 × 2/20) = 6.3.
        assert_eq!(segment_metrics.significant_change, Some(true));

        let report = server.report(query).await;
        let group_metrics = if group_by.is_empty() {
            report.overall.unwrap()
        } else {
            report.groups[0].metrics.clone().unwrap()
        };
        assert_eq!(segment_metrics.previous, group_metrics.previous);
        assert_eq!(segment_metrics.delta, group_metrics.delta);
        assert_eq!(
            segment_metrics.significant_change,
            group_metrics.significant_change
        );
    }
    server.stop().await;
}

async fn a_watched_report_comes_again_only_for_ratings_it_selects(backend: Backend) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("other", "checkout").await;
    let mut watch = server
        .reports
        .watch_report(watch_survey_every_tenth_of_a_second("chat"))
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap().report.unwrap();

    server.submit(rating("other", "elsewhere", 1)).await;
    let after_unrelated = tokio::time::timeout(Duration::from_millis(600), watch.message()).await;
    server.submit(rating("chat", "here", 5)).await;
    let after_matching = tokio::time::timeout(Duration::from_secs(5), watch.message())
        .await
        .expect("a fresh report")
        .unwrap()
        .unwrap()
        .report
        .unwrap();
    let refused = server
        .reports
        .watch_report(pb::WatchReportRequest {
            query: None,
            min_interval: Some(prost_types::Duration {
                seconds: 0,
                nanos: 1_000,
            }),
        })
        .await
        .unwrap_err();

    assert_eq!(first.overall.unwrap().rating_count, 0);
    assert!(
        after_unrelated.is_err(),
        "no report for a rating of another survey"
    );
    assert_eq!(after_matching.overall.unwrap().rating_count, 1);
    assert_eq!(bad_fields(&refused), ["min_interval"]);
    server.stop().await;
}

async fn a_watched_comparison_comes_again_for_a_late_rating_of_the_previous_period(
    backend: Backend,
) {
    let mut server = spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let mut watch = server
        .reports
        .watch_report(pb::WatchReportRequest {
            query: Some(week_of_9_march_against_the_week_before()),
            min_interval: Some(prost_types::Duration {
                seconds: 0,
                nanos: 100_000_000,
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap().report.unwrap();

    // 4 March: in the week before the watched one.
    server
        .submit(rating_at("chat", "late", 5, utc(2026, 3, 4, 12)))
        .await;
    let after_late = tokio::time::timeout(Duration::from_secs(5), watch.message())
        .await
        .expect("a fresh report for a rating of the previous period")
        .unwrap()
        .unwrap()
        .report
        .unwrap();

    let previous_count = |report: &pb::Report| {
        report
            .overall
            .as_ref()
            .and_then(|overall| overall.previous.as_ref())
            .map(|previous| previous.rating_count)
    };
    assert_eq!(previous_count(&first), Some(0));
    assert_eq!(previous_count(&after_late), Some(1));
    assert_eq!(after_late.overall.unwrap().rating_count, 0);
    server.stop().await;
}

async fn random_reports_match_a_brute_force_count(backend: Backend) {
    let cases = if backend == Backend::Sqlite { 10 } else { 6 };
    // A failure names its seed: CSAT_REPORT_SEED=<seed> replays the same ratings and queries.
    let seed: u64 = std::env::var("CSAT_REPORT_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| csat::domain::now_micros() as u64);
    println!("random reports: CSAT_REPORT_SEED={seed}");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        prop::collection::vec(rating_strategy(), 0..120),
        prop::collection::vec(query_strategy(), 8),
    );
    let mut cases_run = Vec::new();
    for _ in 0..cases {
        cases_run.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let surveys = test_surveys();
    for (data, queries) in cases_run {
        let mut server = spawn(backend).await;
        for survey in &surveys {
            create_survey(
                &mut server,
                survey.survey_id,
                pb::Survey {
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
                },
            )
            .await;
        }
        let (imported, submitted) = data.split_at(data.len() / 2);
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
        import(&mut server, imported.iter().enumerate().map(wire).collect()).await;
        // The rest one by one, so that the rollups in memory follow the live feed too.
        for (index, rating) in submitted.iter().enumerate() {
            server.submit(wire((imported.len() + index, rating))).await;
        }
        for query in &queries {
            let answer = server.report(to_wire(query)).await;
            assert_eq!(answer.from_rollups, covered(query), "{query:?}");
            assert_eq!(answer.as_of_sequence, data.len() as i64);
            check_report(&answer, &data, &surveys, query);
        }
        server.stop().await;
    }
}
