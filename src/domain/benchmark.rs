//! Benchmarks (reference values: a target, an industry figure) and how a segment of ratings
//! compares with them, with the other segments and with its own past.

use super::metrics::{Metrics, student_t_central_probability, z_for_confidence};
use super::validation::{BenchmarkId, FieldReason, Key, Violations};
use super::{FieldViolation, Metric, Micros};

/// The benchmark every deployment has: CSAT of 80 %, the common rule of thumb.
pub const GOOD_CSAT_ID: &str = "good-csat";
const MAX_TEXT_CHARS: usize = 200;
const MICROS_PER_WEEK: f64 = 7.0 * 24.0 * 3_600.0 * 1e6;

/// What a benchmark's value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A percent of satisfied (CSAT) or easy (CES) ratings.
    SatisfiedPercent,
    /// A mean score on the survey's scale.
    MeanScore,
    /// NPS points, -100 to 100.
    NpsPoints,
    /// A 0–100 index such as ACSI's: not a percentage of anything, so never compared.
    Index100,
}

/// A stored benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Identifier, a [`BenchmarkId`].
    pub benchmark_id: String,
    /// Human-readable name.
    pub display_name: String,
    /// The metric it is a value of.
    pub metric: Metric,
    /// What the value measures.
    pub measure: Measure,
    /// The value.
    pub value: f64,
    /// Where the value comes from ("ACSI 2025, software").
    pub source: String,
    /// The touchpoint it applies to; `None` applies everywhere.
    pub touchpoint: Option<String>,
    /// Built in, and so undeletable.
    pub built_in: bool,
    /// When it was created.
    pub create_time: Micros,
}

impl Benchmark {
    /// Returns the built-in `good-csat`.
    pub fn good_csat() -> Benchmark {
        Benchmark {
            benchmark_id: GOOD_CSAT_ID.into(),
            display_name: "Good CSAT".into(),
            metric: Metric::Csat,
            measure: Measure::SatisfiedPercent,
            value: 80.0,
            source: "common rule of thumb".into(),
            touchpoint: None,
            built_in: true,
            create_time: 0,
        }
    }
}

/// A benchmark as a caller describes it.
#[derive(Debug, Clone)]
pub struct BenchmarkDraft {
    /// Requested id; empty means generate one.
    pub benchmark_id: String,
    /// Name.
    pub display_name: String,
    /// Metric, `None` when unspecified.
    pub metric: Option<Metric>,
    /// Measure, `None` when unspecified.
    pub measure: Option<Measure>,
    /// Value.
    pub value: f64,
    /// Source.
    pub source: String,
    /// Touchpoint; empty applies everywhere.
    pub touchpoint: String,
}

impl BenchmarkDraft {
    /// Returns the benchmark, or every violation.
    pub fn into_benchmark(self, now: Micros) -> Result<Benchmark, Vec<FieldViolation>> {
        let mut violations = Violations::default();
        let benchmark_id = if self.benchmark_id.is_empty() {
            uuid::Uuid::now_v7().to_string()
        } else {
            violations.parse(
                "benchmark.benchmark_id",
                BenchmarkId::PATTERN.check(&self.benchmark_id),
            );
            self.benchmark_id
        };
        for (field, text) in [
            ("benchmark.display_name", &self.display_name),
            ("benchmark.source", &self.source),
        ] {
            violations.check_text(field, text, MAX_TEXT_CHARS, "at most 200 characters");
        }
        if !self.touchpoint.is_empty() {
            violations.parse("benchmark.touchpoint", Key::PATTERN.check(&self.touchpoint));
        }
        if self.metric.is_none() {
            violations.add(
                "benchmark.metric",
                FieldReason::Required,
                "required: METRIC_CSAT, METRIC_NPS or METRIC_CES",
            );
        }
        if self.measure.is_none() {
            violations.add(
                "benchmark.measure",
                FieldReason::Required,
                "required: MEASURE_SATISFIED_PERCENT, MEASURE_MEAN_SCORE, MEASURE_NPS_POINTS or MEASURE_INDEX_100",
            );
        }
        if let (Some(metric), Some(measure)) = (self.metric, self.measure) {
            let fits = match measure {
                Measure::SatisfiedPercent | Measure::MeanScore => metric != Metric::Nps,
                Measure::NpsPoints => metric == Metric::Nps,
                Measure::Index100 => true,
            };
            if !fits {
                violations.add(
                    "benchmark.measure",
                    FieldReason::Inconsistent,
                    "NPS is measured in NPS points (or an index); CSAT and CES in a satisfied percent, a mean score (or an index)",
                );
            }
            let (lowest, highest) = match measure {
                Measure::SatisfiedPercent | Measure::Index100 => (0.0, 100.0),
                Measure::NpsPoints => (-100.0, 100.0),
                Measure::MeanScore => (0.0, 10.0),
            };
            if !(lowest..=highest).contains(&self.value) {
                violations.add(
                    "benchmark.value",
                    FieldReason::OutOfRange,
                    format!("from {lowest} to {highest} for this measure"),
                );
            }
        }
        let benchmark = Benchmark {
            benchmark_id,
            display_name: self.display_name,
            metric: self.metric.unwrap_or(Metric::Csat),
            measure: self.measure.unwrap_or(Measure::SatisfiedPercent),
            value: self.value,
            source: self.source,
            touchpoint: (!self.touchpoint.is_empty()).then_some(self.touchpoint),
            built_in: false,
            create_time: now,
        };
        violations.finish(benchmark)
    }
}

/// Where a segment stands against a reference value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Above, and the reference is outside the confidence interval.
    Above,
    /// The reference is inside the confidence interval: no difference can be claimed.
    WithinInterval,
    /// Below, and the reference is outside the confidence interval.
    Below,
    /// Too few ratings to say.
    LowSample,
}

/// A segment's value of one measure with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// Interval, low end.
    pub low: f64,
    /// Interval, high end.
    pub high: f64,
}

impl Estimate {
    /// Returns the segment's standing against `reference`.
    pub fn status(&self, reference: f64, low_sample: bool) -> Status {
        if low_sample {
            Status::LowSample
        } else if (self.low..=self.high).contains(&reference) {
            Status::WithinInterval
        } else if self.value > reference {
            Status::Above
        } else {
            Status::Below
        }
    }
}

/// A segment against one benchmark: comparable with a gap and status, or not, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// Like is compared with like.
    Comparable {
        /// The segment's value of the benchmark's measure.
        estimate: Estimate,
        /// Segment minus benchmark, in the measure's unit.
        gap: f64,
        /// Where the segment stands.
        status: Status,
    },
    /// Not comparable.
    NotComparable {
        /// Why.
        reason: String,
    },
}

/// A segment's headline: the metric and measure it is given in, and its value.
pub type Headline = (Metric, Measure, Estimate);

/// Returns the segment's estimate of the headline of its ratings: CSAT percent, else NPS points,
/// else the CES mean (else the CES easy share when CES scales differ).
pub fn headline(metrics: &Metrics, confidence: f64) -> Option<Headline> {
    [
        (Metric::Csat, Measure::SatisfiedPercent),
        (Metric::Nps, Measure::NpsPoints),
        (Metric::Ces, Measure::MeanScore),
        (Metric::Ces, Measure::SatisfiedPercent),
    ]
    .into_iter()
    .find_map(|(metric, measure)| {
        estimate(metrics, metric, measure, confidence).map(|estimate| (metric, measure, estimate))
    })
}

/// Returns the target a segment's headline is measured against: a survey's target is in its
/// metric's own unit (CSAT percent, NPS points, CES mean), so a headline in another unit (the CES
/// easy share, when CES scales differ) has none.
pub fn target_of(headline: Option<Headline>, target: Option<(Metric, f64)>) -> Option<f64> {
    let ((metric, measure, _), (target_metric, value)) = headline.zip(target)?;
    let unit = match target_metric {
        Metric::Csat => Measure::SatisfiedPercent,
        Metric::Nps => Measure::NpsPoints,
        Metric::Ces => Measure::MeanScore,
    };
    ((metric, measure) == (target_metric, unit)).then_some(value)
}

/// Returns the segment's value of `measure` for the ratings of `metric` surveys, if it has one.
pub fn estimate(
    metrics: &Metrics,
    metric: Metric,
    measure: Measure,
    confidence: f64,
) -> Option<Estimate> {
    let z = z_for_confidence(confidence);
    match (metric, measure) {
        (Metric::Csat, Measure::SatisfiedPercent) => metrics.csat.map(|csat| Estimate {
            value: csat.percent,
            low: csat.low,
            high: csat.high,
        }),
        (Metric::Ces, Measure::SatisfiedPercent) => metrics.ces.map(|ces| Estimate {
            value: ces.easy.percent,
            low: ces.easy.low,
            high: ces.easy.high,
        }),
        (Metric::Csat | Metric::Ces, Measure::MeanScore) => {
            let (scale, _) = metrics.distribution.as_ref()?;
            if scale.metric != metric {
                return None;
            }
            let mean = metrics.mean_score?;
            let half_width = metrics
                .score_standard_deviation
                .map_or(f64::INFINITY, |deviation| {
                    z * deviation / (metrics.rating_count as f64).sqrt()
                });
            // The normal approximation can reach past the scale; no mean lies there.
            Some(Estimate {
                value: mean,
                low: (mean - half_width).max(f64::from(scale.scale_min)),
                high: (mean + half_width).min(f64::from(scale.scale_max)),
            })
        }
        (Metric::Nps, Measure::NpsPoints) => metrics.nps.map(|nps| Estimate {
            value: nps.score,
            // The normal approximation can reach past ±100 on few ratings; no NPS lies there.
            low: (nps.score - z * nps.standard_error).max(-100.0),
            high: (nps.score + z * nps.standard_error).min(100.0),
        }),
        _ => None,
    }
}

/// Returns how a segment (its metrics, and the touchpoints of its ratings) compares with
/// `benchmark`.
pub fn compare(
    benchmark: &Benchmark,
    metrics: &Metrics,
    touchpoints: &[String],
    confidence: f64,
) -> Comparison {
    let not_comparable = |reason: String| Comparison::NotComparable { reason };
    if benchmark.measure == Measure::Index100 {
        return not_comparable(
            "a 0-100 index is not a percentage, a mean or NPS points of these ratings".into(),
        );
    }
    if let Some(touchpoint) = &benchmark.touchpoint
        && touchpoints.iter().any(|other| other != touchpoint)
    {
        return not_comparable(format!(
            "the benchmark applies to touchpoint {touchpoint:?} only"
        ));
    }
    match estimate(metrics, benchmark.metric, benchmark.measure, confidence) {
        Some(estimate) => Comparison::Comparable {
            gap: estimate.value - benchmark.value,
            status: estimate.status(benchmark.value, metrics.low_sample),
            estimate,
        },
        None => not_comparable(format!(
            "the segment has no {} of {} ratings on one scale",
            measure_name(benchmark.measure),
            metric_name(benchmark.metric)
        )),
    }
}

fn measure_name(measure: Measure) -> &'static str {
    match measure {
        Measure::SatisfiedPercent => "satisfied percent",
        Measure::MeanScore => "mean score",
        Measure::NpsPoints => "NPS",
        Measure::Index100 => "index",
    }
}

fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Csat => "CSAT",
        Metric::Nps => "NPS",
        Metric::Ces => "CES",
    }
}

/// A segment's place among the segments whose headline is in the same metric and measure: rank 1
/// is the highest; the percentile is the percent of those others it is above (100 when it is
/// alone). A CSAT percent is never ranked against NPS points or a CES mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// 1 + the number of like segments strictly above.
    pub rank: i64,
    /// 100 × like segments strictly below / (like segments − 1).
    pub percentile: f64,
}

/// Returns the standing of each value among the values of the same kind (`None` for a segment
/// without one).
pub fn standings<Kind: PartialEq>(values: &[Option<(Kind, f64)>]) -> Vec<Option<Standing>> {
    values
        .iter()
        .map(|entry| {
            let (kind, value) = entry.as_ref()?;
            let like: Vec<f64> = values
                .iter()
                .flatten()
                .filter(|(other_kind, _)| other_kind == kind)
                .map(|(_, other)| *other)
                .collect();
            let above = like.iter().filter(|other| **other > *value).count();
            let below = like.iter().filter(|other| **other < *value).count();
            Some(Standing {
                rank: above as i64 + 1,
                percentile: if like.len() > 1 {
                    100.0 * below as f64 / (like.len() - 1) as f64
                } else {
                    100.0
                },
            })
        })
        .collect()
}

/// Which way a series goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The slope is significantly above 0.
    Rising,
    /// Not significantly different from 0, or too few points to say.
    Flat,
    /// The slope is significantly below 0.
    Falling,
}

/// The least-squares line through a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Points (of the headline metric) per week; `None` below two points.
    pub slope_per_week: Option<f64>,
    /// Standard error of the slope; `None` below three points.
    pub standard_error: Option<f64>,
    /// Direction, by a two-sided Student t-test of the slope (n − 2 degrees of freedom) at the
    /// confidence.
    pub direction: Direction,
    /// Points used: buckets that have ratings.
    pub points: i64,
}

/// Returns the ordinary least-squares trend of `(bucket start, value)` points, with time in weeks.
pub fn trend(points: &[(Micros, f64)], confidence: f64) -> Trend {
    let n = points.len();
    let flat = |slope_per_week, standard_error| Trend {
        slope_per_week,
        standard_error,
        direction: Direction::Flat,
        points: n as i64,
    };
    if n < 2 {
        return flat(None, None);
    }
    let origin = points[0].0;
    let weeks: Vec<f64> = points
        .iter()
        .map(|(start, _)| (start - origin) as f64 / MICROS_PER_WEEK)
        .collect();
    let mean_x = weeks.iter().sum::<f64>() / n as f64;
    let mean_y = points.iter().map(|(_, value)| value).sum::<f64>() / n as f64;
    let sxx: f64 = weeks.iter().map(|x| (x - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return flat(None, None);
    }
    let sxy: f64 = weeks
        .iter()
        .zip(points)
        .map(|(x, (_, y))| (x - mean_x) * (y - mean_y))
        .sum();
    let slope = sxy / sxx;
    if n < 3 {
        return flat(Some(slope), None);
    }
    let intercept = mean_y - slope * mean_x;
    let residuals: f64 = weeks
        .iter()
        .zip(points)
        .map(|(x, (_, y))| (y - intercept - slope * x).powi(2))
        .sum();
    let standard_error = (residuals / (n - 2) as f64 / sxx).sqrt();
    // With few buckets the residuals say little about the noise: the t distribution, not the
    // normal, decides (two buckets with ratings a week apart are 1 degree of freedom).
    let significant = if standard_error == 0.0 {
        slope != 0.0
    } else {
        student_t_central_probability(slope / standard_error, (n - 2) as u64) > confidence
    };
    let direction = if significant {
        if slope > 0.0 {
            Direction::Rising
        } else {
            Direction::Falling
        }
    } else {
        Direction::Flat
    };
    Trend {
        slope_per_week: Some(slope),
        standard_error: Some(standard_error),
        direction,
        points: n as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::{Scale, compute};
    use crate::domain::validation::fields_of;

    const WEEK: Micros = 7 * 24 * 3_600 * 1_000_000;

    fn csat(counts: &[i64]) -> Metrics {
        let scale = Scale {
            metric: Metric::Csat,
            scale_min: 1,
            scale_max: 5,
            threshold: Some(4),
        };
        compute([(scale, counts)], 0.95, 5)
    }

    #[test]
    fn a_benchmark_inside_the_interval_is_within() {
        // 8 of 10 satisfied: 80 %, interval 49.0–94.3.
        let metrics = csat(&[2, 0, 0, 4, 4]);
        let comparison = compare(&Benchmark::good_csat(), &metrics, &[], 0.95);
        let Comparison::Comparable { gap, status, .. } = comparison else {
            panic!("{comparison:?}")
        };
        assert!(gap.abs() < 1e-9);
        assert_eq!(status, Status::WithinInterval);
        let above = Benchmark {
            value: 40.0,
            ..Benchmark::good_csat()
        };
        assert!(matches!(
            compare(&above, &metrics, &[], 0.95),
            Comparison::Comparable {
                status: Status::Above,
                ..
            }
        ));
    }

    #[test]
    fn an_index_is_never_compared() {
        let acsi = Benchmark {
            measure: Measure::Index100,
            value: 77.0,
            ..Benchmark::good_csat()
        };
        assert!(matches!(
            compare(&acsi, &csat(&[0, 0, 0, 5, 5]), &[], 0.95),
            Comparison::NotComparable { .. }
        ));
    }

    #[test]
    fn a_touchpoint_benchmark_applies_there_only() {
        let checkout = Benchmark {
            touchpoint: Some("checkout".into()),
            ..Benchmark::good_csat()
        };
        let metrics = csat(&[0, 0, 0, 5, 5]);
        assert!(matches!(
            compare(&checkout, &metrics, &["support_chat".into()], 0.95),
            Comparison::NotComparable { .. }
        ));
        assert!(matches!(
            compare(&checkout, &metrics, &["checkout".into()], 0.95),
            Comparison::Comparable { .. }
        ));
    }

    #[test]
    fn standings_rank_from_the_top_and_ties_share_a_rank() {
        let standing = standings(&[Some(((), 70.0)), None, Some(((), 90.0)), Some(((), 70.0))]);
        assert_eq!(standing[0].unwrap().rank, 2);
        assert_eq!(standing[0].unwrap().percentile, 0.0);
        assert_eq!(standing[1], None);
        assert_eq!(standing[2].unwrap().rank, 1);
        assert_eq!(standing[2].unwrap().percentile, 100.0);
    }

    #[test]
    fn standings_rank_like_with_like_only() {
        let standing = standings(&[
            Some((Measure::SatisfiedPercent, 70.0)),
            Some((Measure::NpsPoints, -50.0)),
            Some((Measure::SatisfiedPercent, 90.0)),
        ]);
        assert_eq!(standing[0].unwrap().rank, 2);
        assert_eq!(standing[0].unwrap().percentile, 0.0);
        assert_eq!(standing[1].unwrap().rank, 1);
        assert_eq!(standing[1].unwrap().percentile, 100.0);
        assert_eq!(standing[2].unwrap().rank, 1);
    }

    #[test]
    fn an_nps_interval_stays_within_plus_and_minus_100() {
        let scale = Scale {
            metric: Metric::Nps,
            scale_min: 0,
            scale_max: 10,
            threshold: None,
        };
        // One detractor and one passive: NPS -50, standard error 35.4, so -50 ± 69.3 unclamped.
        let mut counts = [0_i64; 11];
        counts[0] = 1;
        counts[7] = 1;
        let metrics = compute([(scale, &counts[..])], 0.95, 5);
        let estimate = estimate(&metrics, Metric::Nps, Measure::NpsPoints, 0.95).unwrap();
        assert_eq!(estimate.value, -50.0);
        assert_eq!(estimate.low, -100.0);
        assert!((estimate.high - 19.3).abs() < 0.1, "{}", estimate.high);
    }

    #[test]
    fn identical_scores_give_an_interval_exactly_at_the_end_of_the_range() {
        // Unlike the Wilson bound these need no special case: all promoters (or all detractors)
        // give a variance of 1 - 1 = 0 and identical scores a deviation of 0, both exactly, so
        // the estimate ± 0 is the end of the range itself.
        let nps = Scale {
            metric: Metric::Nps,
            scale_min: 0,
            scale_max: 10,
            threshold: None,
        };
        let csat = Scale {
            metric: Metric::Csat,
            scale_min: 1,
            scale_max: 5,
            threshold: Some(4),
        };
        for n in 1..=500 {
            let mut counts = [0_i64; 11];
            counts[10] = n;
            let metrics = compute([(nps, &counts[..])], 0.95, 5);
            let all = estimate(&metrics, Metric::Nps, Measure::NpsPoints, 0.95).unwrap();
            assert_eq!((all.low, all.value, all.high), (100.0, 100.0, 100.0), "{n}");
            counts.swap(0, 10);
            let metrics = compute([(nps, &counts[..])], 0.95, 5);
            let none = estimate(&metrics, Metric::Nps, Measure::NpsPoints, 0.95).unwrap();
            assert_eq!((none.low, none.value, none.high), (-100.0, -100.0, -100.0));
            let top = compute([(csat, &[0, 0, 0, 0, n][..])], 0.95, 5);
            let top = estimate(&top, Metric::Csat, Measure::MeanScore, 0.95).unwrap();
            let bottom = compute([(csat, &[n, 0, 0, 0, 0][..])], 0.95, 5);
            let bottom = estimate(&bottom, Metric::Csat, Measure::MeanScore, 0.95).unwrap();
            if n == 1 {
                // One rating has no deviation: the interval is the whole scale.
                assert_eq!((top.low, top.high), (1.0, 5.0));
                assert_eq!((bottom.low, bottom.high), (1.0, 5.0));
            } else {
                assert_eq!((top.low, top.value, top.high), (5.0, 5.0, 5.0), "{n}");
                assert_eq!((bottom.low, bottom.value, bottom.high), (1.0, 1.0, 1.0));
            }
        }
    }

    #[test]
    fn a_steady_rise_of_two_points_a_week_is_rising() {
        let points: Vec<(Micros, f64)> = (0..6)
            .map(|week| {
                (
                    week * WEEK,
                    70.0 + 2.0 * week as f64 + if week % 2 == 0 { 0.1 } else { -0.1 },
                )
            })
            .collect();
        let trend = trend(&points, 0.95);
        assert!((trend.slope_per_week.unwrap() - 2.0).abs() < 0.1);
        assert_eq!(trend.direction, Direction::Rising);
        let noisy = [(0, 70.0), (WEEK, 90.0), (2 * WEEK, 65.0), (3 * WEEK, 80.0)];
        assert_eq!(super::trend(&noisy, 0.95).direction, Direction::Flat);
    }

    #[test]
    fn three_points_need_a_t_test_not_a_z_test() {
        // Slope 5.5 a week, standard error 2.6: t = 2.12, past the normal's 1.96 but far from
        // the 12.7 of 1 degree of freedom.
        let points = [(0, 0.0), (WEEK, 10.0), (2 * WEEK, 11.0)];
        let trend = trend(&points, 0.95);
        assert!((trend.slope_per_week.unwrap() - 5.5).abs() < 1e-9);
        assert!((trend.standard_error.unwrap() - 2.598).abs() < 1e-3);
        assert_eq!(trend.direction, Direction::Flat);
    }

    #[test]
    fn a_draft_must_measure_its_metric_in_its_unit() {
        let draft = BenchmarkDraft {
            benchmark_id: "acsi".into(),
            display_name: String::new(),
            metric: Some(Metric::Nps),
            measure: Some(Measure::SatisfiedPercent),
            value: 120.0,
            source: String::new(),
            touchpoint: "Bad Touchpoint".into(),
        };
        let fields = fields_of(draft.into_benchmark(0).unwrap_err());
        assert_eq!(
            fields,
            [
                "benchmark.touchpoint",
                "benchmark.measure",
                "benchmark.value"
            ]
        );
    }
}
