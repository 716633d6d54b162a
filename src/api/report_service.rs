//! csat.v1.ReportService.

use std::pin::Pin;

use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use super::Context;
use super::benchmark_service::benchmark_to_proto;
use super::conversion::{
    INVALID_DURATION, duration_from_micros, filter_input, is_valid_duration, timestamp_from_micros,
};
use crate::domain::benchmark::{Comparison, Direction, Estimate, Status as Standing};
use crate::domain::follow_up::LoopFigures;
use crate::domain::invitation::ResponseFigures;
use crate::domain::metrics::{Change, Metrics};
use crate::domain::report::{BucketReport, GroupReport, Report, ReportQuery, ReportQueryInput};
use crate::domain::time_buckets::Granularity;
use crate::domain::validation::{BenchmarkId, Refusal};
use crate::domain::{FieldReason, FieldViolation, Violations, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::report_service_server::ReportService;
use crate::reports::Segment;

/// Most benchmarks one benchmark report names.
const MAX_BENCHMARK_IDS: usize = 100;
/// WatchReport's least interval between reports when the caller gives none.
const DEFAULT_WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);
const MIN_WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);
const MAX_WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3_600);

/// The largest answer sent: gRPC's default message limit, which most clients apply to what they
/// receive. The limits of a report (domain/report.rs) keep answers under it unless its group
/// keys are long (values of hundreds of characters); those are refused here, after the work.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

type ReportStream = Pin<Box<dyn Stream<Item = Result<pb::WatchReportResponse, Status>> + Send>>;

/// Serves ReportService.
#[derive(Debug, Clone)]
pub struct ReportApi {
    context: Context,
}

impl ReportApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

/// Returns the domain query of a wire query, or every violation (paths under `query.`).
fn parse_query(query: Option<pb::ReportQuery>) -> Result<ReportQuery, Vec<FieldViolation>> {
    let query = query.unwrap_or_default();
    let granularity = match pb::Granularity::try_from(query.granularity) {
        Ok(pb::Granularity::Unspecified | pb::Granularity::None) => Ok(Granularity::None),
        Ok(pb::Granularity::Hour) => Ok(Granularity::Hour),
        Ok(pb::Granularity::Day) => Ok(Granularity::Day),
        Ok(pb::Granularity::Week) => Ok(Granularity::Week),
        Ok(pb::Granularity::Month) => Ok(Granularity::Month),
        Err(_) => Err(query.granularity),
    };
    ReportQueryInput {
        filter: filter_input(query.filter.unwrap_or_default()),
        group_by: query.group_by,
        granularity,
        time_zone: query.time_zone,
        compare_previous: query.compare_previous,
        confidence: query.confidence,
        min_sample: query.min_sample.map(i64::from),
    }
    .parse("query.")
}

/// Returns WatchReport's least interval between reports, or why `given` is refused.
fn watch_interval(given: Option<&prost_types::Duration>) -> Result<std::time::Duration, Refusal> {
    let Some(duration) = given else {
        return Ok(DEFAULT_WATCH_INTERVAL);
    };
    // prost-types would read 1 s and -5 ns as 0.999999995 s: a Duration that is not one is
    // refused, not reinterpreted.
    if !is_valid_duration(duration) {
        return Err(Refusal::new(FieldReason::BadFormat, INVALID_DURATION));
    }
    std::time::Duration::try_from(*duration)
        .ok()
        .filter(|interval| (MIN_WATCH_INTERVAL..=MAX_WATCH_INTERVAL).contains(interval))
        .ok_or_else(|| Refusal::new(FieldReason::OutOfRange, "from 0.1 s to 1 h"))
}

/// What a WatchReport asks for.
struct WatchQuery {
    query: ReportQuery,
    min_interval: std::time::Duration,
}

/// Returns what a WatchReport asks for, or every bad field.
fn watch_query(request: pb::WatchReportRequest) -> Result<WatchQuery, Error> {
    let mut violations = Violations::default();
    let query = violations.absorb(parse_query(request.query));
    let min_interval = violations.parse(
        "min_interval",
        watch_interval(request.min_interval.as_ref()),
    );
    let (Some(query), Some(min_interval)) = (query, min_interval) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(WatchQuery {
        query,
        min_interval,
    })?)
}

/// Returns the query of a GetBenchmarkReport, checked with its `benchmark_ids`, or every bad
/// field.
fn benchmark_report_query(
    query: Option<pb::ReportQuery>,
    benchmark_ids: &[String],
) -> Result<ReportQuery, Error> {
    let mut violations = Violations::default();
    let query = violations.absorb(parse_query(query));
    violations.check_token_list(
        "benchmark_ids",
        benchmark_ids,
        BenchmarkId::PATTERN,
        MAX_BENCHMARK_IDS,
        "at most 100 benchmarks",
        "repeated entry",
    );
    let Some(query) = query else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(query)?)
}

/// Returns `answer`, or INVALID_ARGUMENT when it would pass [`MAX_ANSWER_BYTES`] encoded.
fn within_message_limit<M: Message>(answer: M) -> Result<M, Status> {
    let bytes = answer.encoded_len();
    if bytes <= MAX_ANSWER_BYTES {
        return Ok(answer);
    }
    let violation = FieldViolation::new(
        "query.group_by",
        FieldReason::TooMany,
        format!(
            "the answer would be {bytes} bytes, more than the 4 MiB of a gRPC message: group by \
             fewer entries, filter the ratings or choose a coarser granularity"
        ),
    );
    Err(Error::from(violation).into())
}

fn interval(low: f64, high: f64) -> Option<pb::Interval> {
    Some(pb::Interval { low, high })
}

/// Returns the wire form of `metrics`, with the change against the previous period when given.
fn metrics_to_proto(metrics: &Metrics, change: Option<&Change>) -> pb::Metrics {
    let csat = metrics.csat;
    let nps = metrics.nps;
    let ces = metrics.ces;
    let (scale, distribution) = match &metrics.distribution {
        Some((scale, counts)) => (Some(*scale), counts.clone()),
        None => (None, Vec::new()),
    };
    pb::Metrics {
        rating_count: metrics.rating_count,
        satisfied_count: csat.map(|csat| csat.hits),
        csat_rating_count: csat.map(|csat| csat.total),
        csat: csat.map(|csat| csat.percent),
        csat_interval: csat.and_then(|csat| interval(csat.low, csat.high)),
        mean_score: metrics.mean_score,
        distribution,
        scale_min: scale.map(|scale| scale.scale_min),
        scale_max: scale.map(|scale| scale.scale_max),
        nps: nps.map(|nps| nps.score),
        promoter_count: nps.map(|nps| nps.promoters),
        passive_count: nps.map(|nps| nps.passives),
        detractor_count: nps.map(|nps| nps.detractors),
        nps_standard_error: nps.map(|nps| nps.standard_error),
        ces: ces.and_then(|ces| ces.mean),
        ces_rating_count: ces.map(|ces| ces.rating_count),
        easy_share: ces.map(|ces| ces.easy.percent),
        easy_share_interval: ces.and_then(|ces| interval(ces.easy.low, ces.easy.high)),
        previous: change.map(|change| Box::new(metrics_to_proto(&change.previous, None))),
        delta: change.and_then(|change| change.delta),
        significant_change: change.and_then(|change| change.significant),
        low_sample: metrics.low_sample,
        follow_up_count: None,
        closed_follow_up_count: None,
        closed_within_due_count: None,
        median_time_to_close: None,
        invitation_count: None,
        response_count: None,
        response_rate: None,
        response_rate_interval: None,
    }
}

/// Returns `metrics` with the response figures, where they apply.
fn with_response_figures(
    mut metrics: pb::Metrics,
    figures: Option<&ResponseFigures>,
) -> pb::Metrics {
    if let Some(figures) = figures {
        metrics.invitation_count = Some(figures.invitation_count);
        metrics.response_count = Some(figures.response_count);
        if let Some((rate, low, high)) = figures.rate {
            metrics.response_rate = Some(rate);
            metrics.response_rate_interval = interval(low, high);
        }
    }
    metrics
}

/// Returns `metrics` with the loop's figures, where they apply.
fn with_loop_figures(mut metrics: pb::Metrics, figures: Option<&LoopFigures>) -> pb::Metrics {
    if let Some(figures) = figures {
        metrics.follow_up_count = Some(figures.follow_up_count);
        metrics.closed_follow_up_count = Some(figures.closed_count);
        metrics.closed_within_due_count = Some(figures.closed_within_due_count);
        metrics.median_time_to_close = figures.median_time_to_close.map(duration_from_micros);
    }
    metrics
}

/// Returns the wire form of a report, generated now.
fn report_to_proto(report: &Report) -> pb::Report {
    pb::Report {
        overall: Some(with_response_figures(
            with_loop_figures(
                metrics_to_proto(&report.overall.metrics, report.overall.change.as_ref()),
                report.overall.follow_ups.as_ref(),
            ),
            report.overall.invitations.as_ref(),
        )),
        groups: report.groups.iter().map(group_to_proto).collect(),
        series: report.overall.series.iter().map(bucket_to_proto).collect(),
        as_of_sequence: report.as_of_sequence,
        generate_time: Some(timestamp_from_micros(now_micros())),
        from_rollups: report.from_rollups,
        groups_overlap: report.groups_overlap,
    }
}

fn bucket_to_proto(bucket: &BucketReport) -> pb::Bucket {
    pb::Bucket {
        start_time: Some(timestamp_from_micros(bucket.start_time)),
        end_time: Some(timestamp_from_micros(bucket.end_time)),
        metrics: Some(with_response_figures(
            with_loop_figures(
                metrics_to_proto(&bucket.metrics, None),
                bucket.follow_ups.as_ref(),
            ),
            bucket.invitations.as_ref(),
        )),
    }
}

fn group_to_proto(group: &GroupReport) -> pb::ReportGroup {
    pb::ReportGroup {
        key: group.key.iter().cloned().collect(),
        metrics: Some(with_response_figures(
            with_loop_figures(
                metrics_to_proto(&group.metrics, group.change.as_ref()),
                group.follow_ups.as_ref(),
            ),
            group.invitations.as_ref(),
        )),
        series: group.series.iter().map(bucket_to_proto).collect(),
    }
}

fn status_to_proto(status: Standing) -> pb::BenchmarkStatus {
    match status {
        Standing::Above => pb::BenchmarkStatus::Above,
        Standing::WithinInterval => pb::BenchmarkStatus::WithinInterval,
        Standing::Below => pb::BenchmarkStatus::Below,
        Standing::LowSample => pb::BenchmarkStatus::LowSample,
    }
}

fn estimate_interval(estimate: &Estimate) -> Option<pb::Interval> {
    // An interval of a mean from a single rating is unbounded; JSON cannot carry infinity.
    (estimate.low.is_finite() && estimate.high.is_finite()).then_some(pb::Interval {
        low: estimate.low,
        high: estimate.high,
    })
}

fn segment_to_proto(segment: &Segment) -> pb::BenchmarkSegment {
    let estimate = segment.headline.map(|(_, _, estimate)| estimate);
    pb::BenchmarkSegment {
        key: segment.key.iter().cloned().collect(),
        metrics: Some(metrics_to_proto(&segment.metrics, segment.change.as_ref())),
        value: estimate.map(|estimate| estimate.value),
        interval: estimate.as_ref().and_then(estimate_interval),
        target: segment.target,
        target_gap: estimate
            .zip(segment.target)
            .map(|(estimate, target)| estimate.value - target),
        target_status: segment
            .target_status
            .map_or(pb::BenchmarkStatus::Unspecified, status_to_proto)
            .into(),
        comparisons: segment
            .comparisons
            .iter()
            .map(|(benchmark, comparison)| match comparison {
                Comparison::Comparable {
                    estimate,
                    gap,
                    status,
                } => pb::BenchmarkComparison {
                    benchmark: Some(benchmark_to_proto(benchmark)),
                    comparable: true,
                    reason: String::new(),
                    value: Some(estimate.value),
                    interval: estimate_interval(estimate),
                    gap: Some(*gap),
                    status: status_to_proto(*status).into(),
                },
                Comparison::NotComparable { reason } => pb::BenchmarkComparison {
                    benchmark: Some(benchmark_to_proto(benchmark)),
                    comparable: false,
                    reason: reason.clone(),
                    value: None,
                    interval: None,
                    gap: None,
                    status: pb::BenchmarkStatus::Unspecified.into(),
                },
            })
            .collect(),
        rank: segment.standing.map(|standing| standing.rank),
        percentile: segment.standing.map(|standing| standing.percentile),
        trend: Some(pb::Trend {
            slope_per_week: segment.trend.slope_per_week,
            slope_standard_error: segment.trend.standard_error,
            direction: match segment.trend.direction {
                Direction::Rising => pb::TrendDirection::Rising,
                Direction::Flat => pb::TrendDirection::Flat,
                Direction::Falling => pb::TrendDirection::Falling,
            }
            .into(),
            bucket_count: segment.trend.points,
        }),
    }
}

#[tonic::async_trait]
impl ReportService for ReportApi {
    async fn get_report(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::GetReportResponse>, Status> {
        let query = parse_query(request.into_inner().query).map_err(Error::from)?;
        let report = self.context.reports.report(&query).await?;
        let answer = within_message_limit(pb::GetReportResponse {
            report: Some(report_to_proto(&report)),
        })?;
        Ok(Response::new(answer))
    }

    type WatchReportStream = ReportStream;

    async fn watch_report(
        &self,
        request: Request<pb::WatchReportRequest>,
    ) -> Result<Response<Self::WatchReportStream>, Status> {
        let WatchQuery {
            query,
            min_interval,
        } = watch_query(request.into_inner())?;
        let slot = self.context.report_watchers.open()?;
        let (sender, receiver) = mpsc::channel(1);
        let watching = self
            .context
            .watchers
            .clone()
            .watch(query, min_interval, sender);
        tokio::spawn(async move {
            watching.await;
            drop(slot);
        });
        let reports = ReceiverStream::new(receiver).map(|report| {
            let report = report?;
            within_message_limit(pb::WatchReportResponse {
                report: Some(report_to_proto(&report)),
            })
        });
        Ok(Response::new(Box::pin(reports)))
    }

    async fn get_benchmark_report(
        &self,
        request: Request<pb::GetBenchmarkReportRequest>,
    ) -> Result<Response<pb::GetBenchmarkReportResponse>, Status> {
        let request = request.into_inner();
        let query = benchmark_report_query(request.query, &request.benchmark_ids)?;
        let report = self
            .context
            .reports
            .benchmark_report(&query, &request.benchmark_ids)
            .await?;
        let answer = within_message_limit(pb::GetBenchmarkReportResponse {
            report: Some(pb::BenchmarkReport {
                segments: report.segments.iter().map(segment_to_proto).collect(),
                as_of_sequence: report.as_of_sequence,
                generate_time: Some(timestamp_from_micros(now_micros())),
            }),
        })?;
        Ok(Response::new(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::{GroupLimit, MAX_BENCHMARK_COMPARISONS, MAX_GROUPS};
    use crate::domain::time_buckets::MAX_BUCKETS;

    /// Metrics with every field set to its longest encoding: counts of 2^62, a distribution of
    /// 11 scores, every metric of a group mixing CSAT, NPS and CES (which a real group never has
    /// with a distribution), and the previous period's, when asked.
    fn longest_metrics(with_previous: bool) -> pb::Metrics {
        let count = 1 << 62;
        pb::Metrics {
            rating_count: count,
            satisfied_count: Some(count),
            csat_rating_count: Some(count),
            csat: Some(33.333_333_333_333_336),
            csat_interval: interval(12.345_678_901_234_567, 98.765_432_109_876_54),
            mean_score: Some(3.333_333_333_333_333_5),
            distribution: vec![count; 11],
            scale_min: Some(0),
            scale_max: Some(10),
            nps: Some(-33.333_333_333_333_336),
            promoter_count: Some(count),
            passive_count: Some(count),
            detractor_count: Some(count),
            nps_standard_error: Some(1.234_567_890_123_456_7),
            ces: Some(5.5),
            ces_rating_count: Some(count),
            easy_share: Some(50.5),
            easy_share_interval: interval(1.5, 99.5),
            previous: with_previous.then(|| Box::new(longest_metrics(false))),
            delta: Some(-1.5),
            significant_change: Some(true),
            low_sample: true,
            follow_up_count: Some(count),
            closed_follow_up_count: Some(count),
            closed_within_due_count: Some(count),
            median_time_to_close: Some(prost_types::Duration {
                seconds: -315_576_000_000,
                nanos: -999_999_999,
            }),
            invitation_count: Some(count),
            response_count: Some(count),
            response_rate: Some(33.333_333_333_333_336),
            response_rate_interval: interval(12.345_678_901_234_567, 98.765_432_109_876_54),
        }
    }

    /// A bucket with the longest timestamps (before 1970, so negative seconds of 10 bytes).
    fn longest_bucket() -> pb::Bucket {
        let instant = Some(prost_types::Timestamp {
            seconds: -62_135_596_800,
            nanos: 999_999_000,
        });
        pb::Bucket {
            start_time: instant,
            end_time: instant,
            metrics: Some(longest_metrics(false)),
        }
    }

    /// A key of `bytes` bytes in all, name and value.
    fn key_of(bytes: usize, index: usize) -> std::collections::BTreeMap<String, String> {
        let name = "attributes.agent".to_string();
        let value = format!("{index:0width$}", width = bytes - name.len());
        [(name, value)].into()
    }

    fn longest_report(groups: usize, buckets: usize, key_bytes: usize) -> pb::GetReportResponse {
        let series = vec![longest_bucket(); buckets];
        pb::GetReportResponse {
            report: Some(pb::Report {
                overall: Some(longest_metrics(true)),
                groups: (0..groups)
                    .map(|index| pb::ReportGroup {
                        key: key_of(key_bytes, index),
                        metrics: Some(longest_metrics(true)),
                        series: series.clone(),
                    })
                    .collect(),
                series,
                as_of_sequence: i64::MAX,
                generate_time: Some(timestamp_from_micros(i64::MAX)),
                from_rollups: true,
                groups_overlap: true,
            }),
        }
    }

    /// Removes the response figures of every bucket.
    fn without_response_figures(mut answer: pb::GetReportResponse) -> pb::GetReportResponse {
        for bucket in &mut answer.report.as_mut().unwrap().series {
            let metrics = bucket.metrics.as_mut().unwrap();
            metrics.invitation_count = None;
            metrics.response_count = None;
            metrics.response_rate = None;
            metrics.response_rate_interval = None;
        }
        answer
    }

    #[test]
    fn the_most_groups_without_series_and_the_longest_series_without_groups_fit_in_a_message() {
        let most_groups = longest_report(MAX_GROUPS, 0, 200);
        let longest_series = without_response_figures(longest_report(0, MAX_BUCKETS, 200));

        for answer in [most_groups, longest_series] {
            assert!(answer.encoded_len() <= MAX_ANSWER_BYTES);
            assert!(within_message_limit(answer).is_ok());
        }
        // With response figures in every bucket as well, every count at 2^62 and every metric
        // mixed, the longest series passes 4 MiB (443 bytes a bucket): it is refused rather than
        // sent, as any report too long is. Real counts are far shorter.
        assert!(within_message_limit(longest_report(0, MAX_BUCKETS, 200)).is_err());
    }

    #[test]
    fn an_empty_bucket_encodes_to_23_bytes_and_the_longest_to_443() {
        let instant = Some(timestamp_from_micros(1_796_342_400_000_000));
        let empty = pb::Bucket {
            start_time: instant,
            end_time: instant,
            metrics: Some(pb::Metrics {
                low_sample: true,
                ..pb::Metrics::default()
            }),
        };
        let in_series = |bucket: pb::Bucket| {
            pb::Report {
                series: vec![bucket],
                ..pb::Report::default()
            }
            .encoded_len()
        };

        assert_eq!(in_series(empty), 23);
        assert_eq!(in_series(longest_bucket()), 443);
    }

    #[test]
    fn a_report_too_long_for_a_message_is_refused() {
        let answer = longest_report(MAX_GROUPS, 9, 1_000);

        let refused = within_message_limit(answer).unwrap_err();

        assert_eq!(refused.code(), tonic::Code::InvalidArgument);
        assert!(refused.message().contains("query.group_by"), "{refused:?}");
    }

    #[test]
    fn the_longest_benchmark_reports_within_the_limits_fit_in_a_message() {
        let longest_text = "\u{10FFFF}".repeat(200);
        let benchmark = pb::Benchmark {
            benchmark_id: "b".repeat(63),
            display_name: longest_text.clone(),
            metric: pb::Metric::Csat.into(),
            measure: pb::Measure::SatisfiedPercent.into(),
            value: 33.333_333_333_333_336,
            source: longest_text,
            touchpoint: "t".repeat(63),
            built_in: true,
            create_time: Some(timestamp_from_micros(i64::MAX)),
        };
        let comparison = pb::BenchmarkComparison {
            benchmark: Some(benchmark),
            comparable: false,
            reason: "r".repeat(300),
            value: Some(1.5),
            interval: interval(1.5, 2.5),
            gap: Some(-1.5),
            status: pb::BenchmarkStatus::WithinInterval.into(),
        };
        for benchmarks in [1, 2, 3, 10, 100, MAX_BENCHMARK_COMPARISONS] {
            let segments = GroupLimit::benchmark_report(benchmarks).most;
            let segment = pb::BenchmarkSegment {
                key: key_of(200, 0),
                metrics: Some(longest_metrics(true)),
                value: Some(1.5),
                interval: interval(1.5, 2.5),
                target: Some(1.5),
                target_gap: Some(-1.5),
                target_status: pb::BenchmarkStatus::Below.into(),
                comparisons: vec![comparison.clone(); benchmarks],
                rank: Some(i64::MAX),
                percentile: Some(33.333_333_333_333_336),
                trend: Some(pb::Trend {
                    slope_per_week: Some(1.5),
                    slope_standard_error: Some(1.5),
                    direction: pb::TrendDirection::Falling.into(),
                    bucket_count: i64::MAX,
                }),
            };
            let answer = pb::GetBenchmarkReportResponse {
                report: Some(pb::BenchmarkReport {
                    segments: vec![segment; segments.max(1)],
                    as_of_sequence: i64::MAX,
                    generate_time: Some(timestamp_from_micros(i64::MAX)),
                }),
            };

            let bytes = answer.encoded_len();

            assert!(
                bytes <= MAX_ANSWER_BYTES,
                "{benchmarks} benchmarks: {bytes} bytes"
            );
        }
    }
}
