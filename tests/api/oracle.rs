//! The brute-force report oracle: random ratings and queries, and every number of a report
//! recomputed here from the ratings themselves, apart from the service's code (its own Wilson
//! interval, z table, bucket shapes and zone arithmetic).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, TimeZone, Timelike};
use chrono_tz::Tz;
use csat::pb;
use proptest::prelude::*;

use crate::reports::{ALL_ZONES, DAY, HOUR, ROLLUP_ZONES, close, micros, timestamp, utc};

/// A survey of the random data set, as the brute force sees it.
#[derive(Debug, Clone)]
pub(crate) struct TestSurvey {
    pub(crate) survey_id: &'static str,
    pub(crate) touchpoint: &'static str,
    pub(crate) metric: pb::Metric,
    pub(crate) scale: (i32, i32),
    pub(crate) threshold: Option<i32>,
    pub(crate) dimensions: &'static [&'static str],
}

/// The reasons every survey of the data set offers.
pub(crate) const REASON_CODES: [&str; 3] = ["long_wait", "rude", "wrong_answer"];

pub(crate) fn test_surveys() -> Vec<TestSurvey> {
    vec![
        TestSurvey {
            survey_id: "csat5",
            touchpoint: "support_chat",
            metric: pb::Metric::Csat,
            scale: (1, 5),
            threshold: Some(4),
            dimensions: &["agent"],
        },
        TestSurvey {
            survey_id: "csat7",
            touchpoint: "checkout",
            metric: pb::Metric::Csat,
            scale: (1, 7),
            threshold: Some(6),
            dimensions: &["agent", "team"],
        },
        TestSurvey {
            survey_id: "csat3",
            touchpoint: "checkout",
            metric: pb::Metric::Csat,
            scale: (1, 3),
            threshold: Some(3),
            dimensions: &[],
        },
        TestSurvey {
            survey_id: "nps",
            touchpoint: "support_chat",
            metric: pb::Metric::Nps,
            scale: (0, 10),
            threshold: None,
            dimensions: &["agent"],
        },
        TestSurvey {
            survey_id: "ces",
            touchpoint: "support_chat",
            metric: pb::Metric::Ces,
            scale: (1, 7),
            threshold: Some(5),
            dimensions: &["agent"],
        },
    ]
}

#[derive(Debug, Clone)]
pub(crate) struct TestRating {
    pub(crate) survey: usize,
    pub(crate) score_offset: u32,
    pub(crate) channel: i32,
    pub(crate) agent: Option<&'static str>,
    pub(crate) team: Option<&'static str>,
    pub(crate) customer: &'static str,
    pub(crate) occur_time: i64,
    pub(crate) reasons: Vec<&'static str>,
}

/// The first instant of the data set; 60 days from it cover New York's and Lord Howe's clock
/// changes.
fn data_start() -> i64 {
    utc(2026, 2, 20, 0)
}

pub(crate) fn rating_strategy() -> impl Strategy<Value = TestRating> {
    (
        0..5usize,
        0..11u32,
        prop::sample::select(vec![1, 2, 5]),
        prop::option::of(prop::sample::select(vec!["a1", "a2", "a3"])),
        prop::option::of(prop::sample::select(vec!["t1", "t2"])),
        prop::sample::select(vec!["c1", "c2", "c3"]),
        0..60 * DAY,
        prop::sample::subsequence(REASON_CODES.to_vec(), 0..=2),
    )
        .prop_map(
            |(survey, score_offset, channel, agent, team, customer, offset, reasons)| TestRating {
                survey,
                score_offset,
                channel,
                agent,
                team,
                customer,
                occur_time: data_start() + offset,
                reasons,
            },
        )
}

pub(crate) fn score_of(rating: &TestRating, surveys: &[TestSurvey]) -> i32 {
    let (low, high) = surveys[rating.survey].scale;
    low + (rating.score_offset as i32 % (high - low + 1))
}

#[derive(Debug, Clone)]
pub(crate) struct TestQuery {
    survey_ids: Vec<&'static str>,
    touchpoints: Vec<&'static str>,
    channels: Vec<i32>,
    customer: Option<&'static str>,
    min_score: Option<i32>,
    max_score: Option<i32>,
    agent: Option<&'static str>,
    /// Ratings holding any of these reason codes; empty: any rating.
    reason_codes: Vec<&'static str>,
    /// None: the data's range; Some((true, ..)): from local midnight for `days` days; Some((false,
    /// start, length)): any instants.
    range: Option<(bool, i64, i64)>,
    /// Which ends of `range` the filter sets; the data gives the other.
    ends: Ends,
    group_by: Vec<&'static str>,
    granularity: pb::Granularity,
    zone: &'static str,
    compare_previous: bool,
    confidence: f64,
    min_sample: i32,
}

/// The ends of a range a query's filter sets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ends {
    Both,
    StartOnly,
    EndOnly,
}

pub(crate) fn query_strategy() -> impl Strategy<Value = TestQuery> {
    let filters = (
        prop::sample::subsequence(vec!["csat5", "csat7", "csat3", "nps", "ces"], 0..=2),
        prop::sample::subsequence(vec!["support_chat", "checkout"], 0..=1),
        prop::sample::subsequence(vec![1, 2, 5], 0..=2),
        prop::option::weighted(0.15, prop::sample::select(vec!["c1", "c2"])),
        prop::option::weighted(0.2, 0..6i32),
        prop::option::weighted(0.2, 4..11i32),
        prop::option::weighted(0.25, prop::sample::select(vec!["a1", "a2", ""])),
        prop::option::weighted(0.3, prop::sample::subsequence(REASON_CODES.to_vec(), 1..=2)),
    );
    let shape = (
        prop::option::weighted(0.7, (any::<bool>(), 0..50 * DAY, 1..40i64)),
        prop_oneof![
            3 => Just(Ends::Both),
            1 => Just(Ends::StartOnly),
            1 => Just(Ends::EndOnly),
        ],
        prop::sample::subsequence(
            vec![
                "survey",
                "touchpoint",
                "channel",
                "attributes.agent",
                "attributes.team",
                "reason",
            ],
            0..=2,
        )
        .prop_shuffle(),
        prop::sample::select(vec![
            pb::Granularity::Unspecified,
            pb::Granularity::Hour,
            pb::Granularity::Day,
            pb::Granularity::Week,
            pb::Granularity::Month,
        ]),
        prop::sample::select(ALL_ZONES.to_vec()),
        any::<bool>(),
        prop::sample::select(vec![0.9, 0.95, 0.99]),
        0..20i32,
    );
    (filters, shape).prop_map(
        |(
            (
                survey_ids,
                touchpoints,
                channels,
                customer,
                min_score,
                max_score,
                agent,
                reason_codes,
            ),
            (range, ends, group_by, granularity, zone, compare_previous, confidence, min_sample),
        )| TestQuery {
            survey_ids,
            touchpoints,
            channels,
            customer,
            min_score,
            max_score: max_score.filter(|max| min_score.is_none_or(|min| *max >= min)),
            agent,
            reason_codes: reason_codes.unwrap_or_default(),
            range,
            ends,
            group_by,
            granularity,
            zone,
            compare_previous: compare_previous && range.is_some() && ends == Ends::Both,
            confidence,
            min_sample,
        },
    )
}

/// Returns the `[start, end)` of a query's explicit range.
fn range_of(query: &TestQuery) -> Option<(i64, i64)> {
    let zone: Tz = query.zone.parse().unwrap();
    let (aligned, offset, length) = query.range?;
    if aligned {
        let first = zone
            .timestamp_micros(data_start() + offset)
            .unwrap()
            .date_naive();
        let midnight = |date: chrono::NaiveDate| {
            zone.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
                .earliest()
                .unwrap()
                .timestamp_micros()
        };
        Some((
            midnight(first),
            midnight(first + chrono::Duration::days(length)),
        ))
    } else {
        let start = data_start() + offset + 7 * 60 * 1_000_000;
        Some((start, start + length * 17 * HOUR))
    }
}

/// Returns the filter's start_time and end_time.
fn bounds_of(query: &TestQuery) -> (Option<i64>, Option<i64>) {
    match (range_of(query), query.ends) {
        (None, _) => (None, None),
        (Some((start, end)), Ends::Both) => (Some(start), Some(end)),
        (Some((start, _)), Ends::StartOnly) => (Some(start), None),
        (Some((_, end)), Ends::EndOnly) => (None, Some(end)),
    }
}

pub(crate) fn to_wire(query: &TestQuery) -> pb::ReportQuery {
    let (start_time, end_time) = bounds_of(query);
    pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: query.survey_ids.iter().map(|id| id.to_string()).collect(),
            touchpoints: query.touchpoints.iter().map(|id| id.to_string()).collect(),
            channels: query.channels.clone(),
            customer_id: query.customer.unwrap_or_default().into(),
            min_score: query.min_score,
            max_score: query.max_score,
            start_time: start_time.map(timestamp),
            end_time: end_time.map(timestamp),
            attributes: query
                .agent
                .map(|agent| BTreeMap::from([("agent".to_string(), agent.to_string())]))
                .unwrap_or_default(),
            reason_codes: query
                .reason_codes
                .iter()
                .map(|code| code.to_string())
                .collect(),
            include_excluded: false,
        }),
        group_by: query
            .group_by
            .iter()
            .map(|entry| entry.to_string())
            .collect(),
        granularity: query.granularity.into(),
        time_zone: query.zone.into(),
        compare_previous: query.compare_previous,
        confidence: Some(query.confidence),
        min_sample: Some(query.min_sample),
    }
}

fn selects(
    query: &TestQuery,
    rating: &TestRating,
    surveys: &[TestSurvey],
    (start_time, end_time): (Option<i64>, Option<i64>),
) -> bool {
    let survey = &surveys[rating.survey];
    let score = score_of(rating, surveys);
    (query.survey_ids.is_empty() || query.survey_ids.contains(&survey.survey_id))
        && (query.touchpoints.is_empty() || query.touchpoints.contains(&survey.touchpoint))
        && (query.channels.is_empty() || query.channels.contains(&rating.channel))
        && query
            .customer
            .is_none_or(|customer| customer == rating.customer)
        && query.min_score.is_none_or(|min| score >= min)
        && query.max_score.is_none_or(|max| score <= max)
        && query
            .agent
            .is_none_or(|agent| rating.agent.unwrap_or_default() == agent)
        && (query.reason_codes.is_empty()
            || query
                .reason_codes
                .iter()
                .any(|code| rating.reasons.contains(code)))
        && start_time.is_none_or(|start| rating.occur_time >= start)
        && end_time.is_none_or(|end| rating.occur_time < end)
}

/// Returns the key of every group `rating` counts in: one value per group_by entry, and with
/// `reason` one key per code it holds (the empty code's when none).
fn group_keys(query: &TestQuery, rating: &TestRating, surveys: &[TestSurvey]) -> Vec<Vec<String>> {
    let codes: Vec<&str> = if rating.reasons.is_empty() {
        vec![""]
    } else {
        rating.reasons.clone()
    };
    let by_reason = query.group_by.contains(&"reason");
    let codes = if by_reason { codes } else { vec![""] };
    codes
        .into_iter()
        .map(|code| group_values(query, rating, surveys, code))
        .collect()
}

fn group_values(
    query: &TestQuery,
    rating: &TestRating,
    surveys: &[TestSurvey],
    code: &str,
) -> Vec<String> {
    let survey = &surveys[rating.survey];
    query
        .group_by
        .iter()
        .map(|entry| match *entry {
            "reason" => code.to_string(),
            "survey" => survey.survey_id.to_string(),
            "touchpoint" => survey.touchpoint.to_string(),
            "channel" => pb::Channel::try_from(rating.channel)
                .unwrap()
                .as_str_name()
                .to_string(),
            "attributes.agent" => rating.agent.unwrap_or_default().to_string(),
            "attributes.team" => rating.team.unwrap_or_default().to_string(),
            other => panic!("{other}"),
        })
        .collect()
}

/// Checks `metrics` against a count of `ratings` made here.
fn check_metrics(
    metrics: &pb::Metrics,
    ratings: &[&TestRating],
    surveys: &[TestSurvey],
    query: &TestQuery,
    context: &str,
) {
    let z = z_table(query.confidence);
    let n = ratings.len() as i64;
    assert_eq!(metrics.rating_count, n, "{context}: rating_count");
    assert_eq!(
        metrics.low_sample,
        n < i64::from(query.min_sample),
        "{context}: low_sample"
    );
    let of_metric = |metric: pb::Metric| -> Vec<&TestRating> {
        ratings
            .iter()
            .copied()
            .filter(|rating| surveys[rating.survey].metric == metric)
            .collect()
    };
    let at_or_above = |ratings: &[&TestRating]| {
        ratings
            .iter()
            .filter(|rating| score_of(rating, surveys) >= surveys[rating.survey].threshold.unwrap())
            .count() as i64
    };
    let csat = of_metric(pb::Metric::Csat);
    if csat.is_empty() {
        assert_eq!(metrics.csat, None, "{context}: csat");
    } else {
        let satisfied = at_or_above(&csat);
        assert_eq!(metrics.satisfied_count, Some(satisfied), "{context}");
        assert_eq!(
            metrics.csat_rating_count,
            Some(csat.len() as i64),
            "{context}"
        );
        assert!(
            close(
                metrics.csat.unwrap(),
                100.0 * satisfied as f64 / csat.len() as f64
            ),
            "{context}"
        );
        let (low, high) = wilson(satisfied, csat.len() as i64, z);
        let interval = metrics.csat_interval.unwrap();
        assert!(
            close(interval.low, low) && close(interval.high, high),
            "{context}: {interval:?} vs {low} {high}"
        );
    }
    let nps = of_metric(pb::Metric::Nps);
    if nps.is_empty() {
        assert_eq!(metrics.nps, None, "{context}: nps");
    } else {
        let scores: Vec<i32> = nps.iter().map(|rating| score_of(rating, surveys)).collect();
        let promoters = scores.iter().filter(|score| **score >= 9).count() as f64;
        let detractors = scores.iter().filter(|score| **score <= 6).count() as f64;
        let total = scores.len() as f64;
        assert_eq!(metrics.promoter_count, Some(promoters as i64), "{context}");
        assert_eq!(
            metrics.detractor_count,
            Some(detractors as i64),
            "{context}"
        );
        assert!(
            close(
                metrics.nps.unwrap(),
                100.0 * (promoters - detractors) / total
            ),
            "{context}"
        );
        let (p, d) = (promoters / total, detractors / total);
        let error = 100.0 * ((p + d - (p - d).powi(2)).max(0.0) / total).sqrt();
        assert!(
            (metrics.nps_standard_error.unwrap() - error).abs() < 1e-9,
            "{context}"
        );
    }
    let ces = of_metric(pb::Metric::Ces);
    if ces.is_empty() {
        assert_eq!(metrics.ces, None, "{context}: ces");
    } else {
        let mean = ces
            .iter()
            .map(|rating| f64::from(score_of(rating, surveys)))
            .sum::<f64>()
            / ces.len() as f64;
        assert!(close(metrics.ces.unwrap(), mean), "{context}: ces");
        let easy = at_or_above(&ces);
        assert!(
            close(
                metrics.easy_share.unwrap(),
                100.0 * easy as f64 / ces.len() as f64
            ),
            "{context}"
        );
        let (low, high) = wilson(easy, ces.len() as i64, z);
        let interval = metrics.easy_share_interval.unwrap();
        assert!(
            close(interval.low, low) && close(interval.high, high),
            "{context}: easy share {interval:?} vs {low} {high}"
        );
    }
    let scales: BTreeSet<(i32, (i32, i32))> = ratings
        .iter()
        .map(|rating| {
            let survey = &surveys[rating.survey];
            (survey.metric as i32, survey.scale)
        })
        .collect();
    if scales.len() == 1 {
        let (_, (low, high)) = *scales.iter().next().unwrap();
        let mut distribution = vec![0i64; (high - low + 1) as usize];
        for rating in ratings {
            distribution[(score_of(rating, surveys) - low) as usize] += 1;
        }
        assert_eq!(
            metrics.distribution, distribution,
            "{context}: distribution"
        );
        let mean = ratings
            .iter()
            .map(|rating| f64::from(score_of(rating, surveys)))
            .sum::<f64>()
            / n as f64;
        assert!(close(metrics.mean_score.unwrap(), mean), "{context}: mean");
    } else {
        assert_eq!(
            metrics.mean_score, None,
            "{context}: mean over several scales"
        );
        assert!(metrics.distribution.is_empty(), "{context}");
    }
}

/// Two-sided normal quantiles from the tables.
pub(crate) fn z_table(confidence: f64) -> f64 {
    match (confidence * 100.0).round() as i64 {
        90 => 1.644_853_626_951_472_2,
        95 => 1.959_963_984_540_054,
        99 => 2.575_829_303_548_901,
        other => panic!("no table entry for {other}"),
    }
}

pub(crate) fn wilson(hits: i64, total: i64, z: f64) -> (f64, f64) {
    let n = total as f64;
    let p = hits as f64 / n;
    let center = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (
        100.0 * (center - half).max(0.0),
        100.0 * (center + half).min(1.0),
    )
}

/// Checks that `bucket` is one whole local hour, day, ISO week or month of `zone`.
fn check_bucket_shape(bucket: &pb::Bucket, granularity: pb::Granularity, zone: Tz) {
    let start = micros(bucket.start_time.as_ref().unwrap());
    let end = micros(bucket.end_time.as_ref().unwrap());
    assert!(start < end);
    let local = |instant: i64| zone.timestamp_micros(instant).unwrap().naive_local();
    let (first, last) = (local(start), local(end - 1));
    match granularity {
        pb::Granularity::Hour => {
            assert!(end - start <= HOUR);
            assert_eq!((first.date(), first.hour()), (last.date(), last.hour()));
        }
        pb::Granularity::Day => {
            assert_eq!(first.time(), chrono::NaiveTime::MIN);
            assert_eq!(first.date(), last.date());
        }
        pb::Granularity::Week => {
            assert_eq!(first.time(), chrono::NaiveTime::MIN);
            assert_eq!(first.weekday(), chrono::Weekday::Mon);
            assert_eq!(first.iso_week(), last.iso_week());
        }
        pb::Granularity::Month => {
            assert_eq!(first.time(), chrono::NaiveTime::MIN);
            assert_eq!(first.day(), 1);
            assert_eq!((first.year(), first.month()), (last.year(), last.month()));
        }
        _ => panic!("no buckets expected"),
    }
}

/// Checks a series: contiguous whole buckets covering `range` (none without one), each counting
/// the ratings its interval holds.
fn check_series(
    series: &[pb::Bucket],
    ratings: &[&TestRating],
    surveys: &[TestSurvey],
    query: &TestQuery,
    range: Option<(i64, i64)>,
    context: &str,
) {
    if query.granularity == pb::Granularity::Unspecified {
        assert!(
            series.is_empty(),
            "{context}: no series without granularity"
        );
        return;
    }
    let zone: Tz = query.zone.parse().unwrap();
    let Some((start, end)) = range else {
        assert!(series.is_empty(), "{context}: no range, no buckets");
        return;
    };
    let bounds: Vec<(i64, i64)> = series
        .iter()
        .map(|bucket| {
            check_bucket_shape(bucket, query.granularity, zone);
            (
                micros(bucket.start_time.as_ref().unwrap()),
                micros(bucket.end_time.as_ref().unwrap()),
            )
        })
        .collect();
    assert!(
        bounds.windows(2).all(|pair| pair[0].1 == pair[1].0),
        "{context}: contiguous"
    );
    let (first, last) = (bounds.first().unwrap(), bounds.last().unwrap());
    assert!(
        first.0 <= start && start < first.1,
        "{context}: first bucket holds the start"
    );
    assert!(
        last.0 < end && end <= last.1,
        "{context}: last bucket holds the end"
    );
    for (bucket, (bucket_start, bucket_end)) in series.iter().zip(&bounds) {
        let inside: Vec<&TestRating> = ratings
            .iter()
            .copied()
            .filter(|rating| rating.occur_time >= *bucket_start && rating.occur_time < *bucket_end)
            .collect();
        check_metrics(
            bucket.metrics.as_ref().unwrap(),
            &inside,
            surveys,
            query,
            &format!("{context}, bucket at {bucket_start}"),
        );
    }
}

fn previous_range(query: &TestQuery, range: (i64, i64)) -> (i64, i64) {
    let zone: Tz = query.zone.parse().unwrap();
    let (start, end) = range;
    let midnight = |instant: i64| {
        let local = zone.timestamp_micros(instant).unwrap().naive_local();
        local.time() == chrono::NaiveTime::MIN
    };
    if midnight(start) && midnight(end) {
        let first = zone.timestamp_micros(start).unwrap().date_naive();
        let last = zone.timestamp_micros(end).unwrap().date_naive();
        let previous = first - (last - first);
        let previous_start = zone
            .from_local_datetime(&previous.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .timestamp_micros();
        (previous_start, start)
    } else {
        (start - (end - start), start)
    }
}

/// Checks a report against a brute-force count of `data`.
pub(crate) fn check_report(
    report: &pb::Report,
    data: &[TestRating],
    surveys: &[TestSurvey],
    query: &TestQuery,
) {
    let bounds = bounds_of(query);
    let context = format!("{query:?}");
    let selected: Vec<&TestRating> = data
        .iter()
        .filter(|rating| selects(query, rating, surveys, bounds))
        .collect();
    // The series spans the bounds the filter sets and, where it sets none, the selected
    // ratings; every group's series spans the same buckets.
    let first = selected.iter().map(|rating| rating.occur_time).min();
    let after_last = selected.iter().map(|rating| rating.occur_time + 1).max();
    let series_range = bounds.0.or(first).zip(bounds.1.or(after_last));
    let overall = report.overall.as_ref().unwrap();
    check_metrics(overall, &selected, surveys, query, &context);
    check_series(
        &report.series,
        &selected,
        surveys,
        query,
        series_range,
        &context,
    );
    let previous_ratings: Vec<&TestRating> = match range_of(query) {
        Some(range) if query.compare_previous => {
            let (start, end) = previous_range(query, range);
            data.iter()
                .filter(|rating| selects(query, rating, surveys, (Some(start), Some(end))))
                .collect()
        }
        _ => Vec::new(),
    };
    if query.compare_previous {
        check_metrics(
            overall
                .previous
                .as_ref()
                .unwrap_or_else(|| panic!("no previous: {context}")),
            &previous_ratings,
            surveys,
            query,
            &format!("{context}, previous"),
        );
    } else {
        assert!(overall.previous.is_none());
    }
    assert_eq!(
        report.groups_overlap,
        query.group_by.contains(&"reason"),
        "{context}: groups_overlap"
    );
    if query.group_by.is_empty() {
        assert!(report.groups.is_empty());
        return;
    }
    let mut groups: BTreeMap<Vec<String>, Vec<&TestRating>> = BTreeMap::new();
    for rating in &selected {
        for key in group_keys(query, rating, surveys) {
            groups.entry(key).or_default().push(rating);
        }
    }
    assert_eq!(report.groups.len(), groups.len(), "{context}: groups");
    for (group, (values, ratings)) in report.groups.iter().zip(&groups) {
        let expected_key: BTreeMap<String, String> = query
            .group_by
            .iter()
            .map(|entry| entry.to_string())
            .zip(values.iter().cloned())
            .collect();
        assert_eq!(
            group.key.clone().into_iter().collect::<BTreeMap<_, _>>(),
            expected_key,
            "{context}"
        );
        let group_context = format!("{context}, group {values:?}");
        let metrics = group.metrics.as_ref().unwrap();
        check_metrics(metrics, ratings, surveys, query, &group_context);
        check_series(
            &group.series,
            ratings,
            surveys,
            query,
            series_range,
            &group_context,
        );
        if query.compare_previous {
            let previous: Vec<&TestRating> = previous_ratings
                .iter()
                .copied()
                .filter(|rating| group_keys(query, rating, surveys).contains(values))
                .collect();
            check_metrics(
                metrics.previous.as_ref().unwrap(),
                &previous,
                surveys,
                query,
                &format!("{group_context}, previous"),
            );
        }
    }
}

/// Whether the query is one the rollups in memory must answer.
pub(crate) fn covered(query: &TestQuery) -> bool {
    let mut keys: BTreeSet<&str> = query
        .group_by
        .iter()
        .filter_map(|entry| entry.strip_prefix("attributes."))
        .collect();
    if query.agent.is_some() {
        keys.insert("agent");
    }
    let surveys = test_surveys();
    let in_scope = surveys.iter().filter(|survey| {
        (query.survey_ids.is_empty() || query.survey_ids.contains(&survey.survey_id))
            && (query.touchpoints.is_empty() || query.touchpoints.contains(&survey.touchpoint))
    });
    let by_reason = query.group_by.contains(&"reason");
    let reason_filtered = !query.reason_codes.is_empty();
    let by_channel = !query.channels.is_empty() || query.group_by.contains(&"channel");
    let dimensions_ok = match keys.len() {
        // Reason cells: every survey has them; one code filtered, or grouped by reason and none
        // filtered.
        0 if by_reason || reason_filtered => {
            !by_channel && !(reason_filtered && (by_reason || query.reason_codes.len() > 1))
        }
        0 => true,
        1 if by_reason || reason_filtered => false,
        1 => {
            let key = keys.iter().next().unwrap();
            query.channels.is_empty()
                && !query.group_by.contains(&"channel")
                && in_scope
                    .clone()
                    .all(|survey| survey.dimensions.contains(key))
        }
        _ => false,
    };
    ROLLUP_ZONES.contains(&query.zone)
        && query.customer.is_none()
        && query.granularity != pb::Granularity::Hour
        && query.range.is_none_or(|(aligned, _, _)| {
            query.ends == Ends::Both && (aligned || holds_a_whole_local_day(query))
        })
        && dimensions_ok
}

/// Whether the query's range holds a local day from its midnight to the next: the rollups then
/// count its whole days and a scan its edges.
fn holds_a_whole_local_day(query: &TestQuery) -> bool {
    let zone: Tz = query.zone.parse().unwrap();
    let (start, end) = range_of(query).unwrap();
    let midnight_of = |date: chrono::NaiveDate| {
        zone.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .timestamp_micros()
    };
    let start_date = zone.timestamp_micros(start).unwrap().date_naive();
    let first_whole = if midnight_of(start_date) == start {
        start_date
    } else {
        start_date.succ_opt().unwrap()
    };
    midnight_of(first_whole.succ_opt().unwrap()) <= end
}
