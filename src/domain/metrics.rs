//! The numbers of a report, computed exactly from counts per score: CSAT, NPS and CES, their
//! confidence intervals, the change against a previous period and its significance. Every formula
//! is stated in `proto/csat/v1/report.proto`; this is their one implementation.

use super::Metric;

/// What a survey's counts mean: its metric and scale. Equal scales are what lets a mean or a
/// distribution combine across surveys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scale {
    /// What the scores measure.
    pub metric: Metric,
    /// Lowest score; element 0 of a counts slice counts it.
    pub scale_min: i32,
    /// Highest score.
    pub scale_max: i32,
    /// Lowest satisfied (CSAT) or easy (CES) score; `None` for NPS.
    pub threshold: Option<i32>,
}

impl Scale {
    /// Returns how many scores the scale has: the length of a counts slice.
    pub fn len(&self) -> usize {
        usize::try_from(self.scale_max - self.scale_min + 1).unwrap_or(0)
    }

    /// Returns whether the scale has no score (never, for a valid survey).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the scale a mean or a distribution can be given in: metric and points alike.
    fn same_points(&self, other: &Scale) -> bool {
        self.metric == other.metric
            && self.scale_min == other.scale_min
            && self.scale_max == other.scale_max
    }
}

/// A percentage with its confidence interval, all in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentage {
    /// How many ratings count towards it (satisfied, easy).
    pub hits: i64,
    /// How many ratings it is a share of.
    pub total: i64,
    /// `100 × hits / total`.
    pub percent: f64,
    /// Wilson score interval, low end.
    pub low: f64,
    /// Wilson score interval, high end.
    pub high: f64,
}

/// NPS of the ratings of NPS surveys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nps {
    /// Scores 9–10.
    pub promoters: i64,
    /// Scores 7–8.
    pub passives: i64,
    /// Scores 0–6.
    pub detractors: i64,
    /// `100 × (promoters − detractors) / n`.
    pub score: f64,
    /// `100 × sqrt((p_pro + p_det − (p_pro − p_det)²) / n)`.
    pub standard_error: f64,
}

/// CES of the ratings of CES surveys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ces {
    /// How many CES ratings.
    pub rating_count: i64,
    /// Their mean score, when they share one scale.
    pub mean: Option<f64>,
    /// The percent at or above each survey's threshold (easy), with its interval.
    pub easy: Percentage,
}

/// Every number of one group of ratings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics {
    /// All ratings of the group, of every metric.
    pub rating_count: i64,
    /// CSAT: satisfied share of the ratings of CSAT surveys; `None` without any.
    pub csat: Option<Percentage>,
    /// Mean score, when every rating shares one metric and scale.
    pub mean_score: Option<f64>,
    /// Sample standard deviation of the scores, under the same condition as the mean.
    pub score_standard_deviation: Option<f64>,
    /// The shared scale and the count of each score on it, under the same condition.
    pub distribution: Option<(Scale, Vec<i64>)>,
    /// NPS of the ratings of NPS surveys; `None` without any.
    pub nps: Option<Nps>,
    /// CES of the ratings of CES surveys; `None` without any.
    pub ces: Option<Ces>,
    /// Fewer ratings than the query's minimum sample.
    pub low_sample: bool,
}

/// How a group changed against the previous period.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The group's metrics in the previous period.
    pub previous: Metrics,
    /// Current minus previous, in the unit of the group's headline metric.
    pub delta: Option<f64>,
    /// Whether the change is significant at the query's confidence.
    pub significant: Option<bool>,
}

/// Returns the metrics of ratings given as counts per score, one entry per survey (or per anything
/// with one scale), at `confidence` (0–1) and flagging fewer than `min_sample` ratings.
pub fn compute<'a>(
    counts_by_scale: impl IntoIterator<Item = (Scale, &'a [i64])>,
    confidence: f64,
    min_sample: i64,
) -> Metrics {
    let z = z_for_confidence(confidence);
    let mut rating_count = 0;
    let mut satisfied = 0;
    let mut csat_count = 0;
    let mut easy = 0;
    let mut ces_count = 0;
    let (mut promoters, mut passives, mut detractors) = (0, 0, 0);
    // The shared scale and its counts, or None once two scales differ.
    let mut shared: Option<Option<(Scale, Vec<i64>)>> = None;
    let mut ces_shared: Option<Option<(Scale, Vec<i64>)>> = None;
    for (scale, counts) in counts_by_scale {
        let total: i64 = counts.iter().sum();
        if total == 0 {
            continue;
        }
        rating_count += total;
        merge_shared(&mut shared, scale, counts);
        match scale.metric {
            Metric::Csat => {
                csat_count += total;
                satisfied += count_at_or_above(scale, counts);
            }
            Metric::Ces => {
                ces_count += total;
                easy += count_at_or_above(scale, counts);
                merge_shared(&mut ces_shared, scale, counts);
            }
            Metric::Nps => {
                for (offset, count) in counts.iter().enumerate() {
                    match scale.scale_min + offset as i32 {
                        9.. => promoters += count,
                        7..=8 => passives += count,
                        _ => detractors += count,
                    }
                }
            }
        }
    }
    let shared = shared.flatten();
    let shared_moments = shared
        .as_ref()
        .and_then(|(scale, counts)| moments(*scale, counts));
    let nps_count = promoters + passives + detractors;
    Metrics {
        rating_count,
        csat: (csat_count > 0).then(|| percentage(satisfied, csat_count, z)),
        mean_score: shared_moments.map(|(mean, _)| mean),
        score_standard_deviation: shared_moments.and_then(|(_, deviation)| deviation),
        distribution: shared,
        nps: (nps_count > 0).then(|| nps(promoters, passives, detractors)),
        ces: (ces_count > 0).then(|| Ces {
            rating_count: ces_count,
            mean: ces_shared
                .flatten()
                .and_then(|(scale, counts)| moments(scale, &counts))
                .map(|(mean, _)| mean),
            easy: percentage(easy, ces_count, z),
        }),
        low_sample: rating_count < min_sample,
    }
}

fn merge_shared(shared: &mut Option<Option<(Scale, Vec<i64>)>>, scale: Scale, counts: &[i64]) {
    match shared {
        None => *shared = Some(Some((scale, counts.to_vec()))),
        Some(Some((existing, sums))) if existing.same_points(&scale) => {
            for (sum, count) in sums.iter_mut().zip(counts) {
                *sum += count;
            }
        }
        Some(slot) => *slot = None,
    }
}

fn count_at_or_above(scale: Scale, counts: &[i64]) -> i64 {
    let threshold = scale.threshold.unwrap_or(scale.scale_max);
    counts
        .iter()
        .enumerate()
        .filter(|(offset, _)| scale.scale_min + *offset as i32 >= threshold)
        .map(|(_, count)| count)
        .sum()
}

/// Returns the mean and the sample standard deviation (None below two ratings) of counted scores.
fn moments(scale: Scale, counts: &[i64]) -> Option<(f64, Option<f64>)> {
    let n: i64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    let score = |offset: usize| f64::from(scale.scale_min) + offset as f64;
    let sum: f64 = counts
        .iter()
        .enumerate()
        .map(|(offset, count)| score(offset) * *count as f64)
        .sum();
    let mean = sum / n as f64;
    let deviation = (n > 1).then(|| {
        let squares: f64 = counts
            .iter()
            .enumerate()
            .map(|(offset, count)| (score(offset) - mean).powi(2) * *count as f64)
            .sum();
        (squares / (n - 1) as f64).sqrt()
    });
    Some((mean, deviation))
}

fn percentage(hits: i64, total: i64, z: f64) -> Percentage {
    let (low, high) = wilson_interval(hits, total, z);
    Percentage {
        hits,
        total,
        percent: 100.0 * hits as f64 / total as f64,
        low: 100.0 * low,
        high: 100.0 * high,
    }
}

fn nps(promoters: i64, passives: i64, detractors: i64) -> Nps {
    let n = (promoters + passives + detractors) as f64;
    let promoter_share = promoters as f64 / n;
    let detractor_share = detractors as f64 / n;
    let variance = promoter_share + detractor_share - (promoter_share - detractor_share).powi(2);
    Nps {
        promoters,
        passives,
        detractors,
        score: 100.0 * (promoter_share - detractor_share),
        // Rounding can leave a variance of -1e-17 where it is 0.
        standard_error: 100.0 * (variance.max(0.0) / n).sqrt(),
    }
}

/// Returns the Wilson score interval of `hits` out of `total` as fractions (0–1), for the
/// two-sided normal quantile `z`.
pub fn wilson_interval(hits: i64, total: i64, z: f64) -> (f64, f64) {
    if total <= 0 {
        return (0.0, 1.0);
    }
    let n = total as f64;
    let p = hits as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half_width = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // With no hits the low bound is exactly 0, with every one the high bound exactly 1, but the
    // formula lands there only in exact arithmetic: in floating point it may stop an ulp short
    // (99.99999999999999 %), which no clamp would catch. Those ends are taken as they are.
    let low = if hits == 0 {
        0.0
    } else {
        (center - half_width).max(0.0)
    };
    let high = if hits == total {
        1.0
    } else {
        (center + half_width).min(1.0)
    };
    (low, high)
}

/// Returns the two-sided standard normal quantile for `confidence`: 1.959964 for 0.95.
pub fn z_for_confidence(confidence: f64) -> f64 {
    inverse_normal_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// Returns P(|T| < t) for Student's t distribution with `degrees` (≥ 1) degrees of freedom, by
/// the closed forms for whole degrees of freedom (Abramowitz & Stegun 26.7.3 and 26.7.4), with
/// θ = atan(t / √ν): for odd ν, (2/π)(θ + sin θ cos θ Σ), for even ν, sin θ Σ, where Σ sums the
/// powers of cos² θ with the ratios of odd and even products.
pub fn student_t_central_probability(t: f64, degrees: u64) -> f64 {
    if t.is_infinite() {
        return 1.0;
    }
    let degrees = degrees.max(1);
    let theta = (t.abs() / (degrees as f64).sqrt()).atan();
    let (sin, cos) = theta.sin_cos();
    let cos_squared = cos * cos;
    // 1 + the partial products of cos² θ · k / (k + 1) for k = first, first + 2, … below ν − 1.
    let series = |first: u64| {
        let (mut term, mut sum) = (1.0, 1.0);
        for k in (first..degrees.saturating_sub(1)).step_by(2) {
            term *= cos_squared * k as f64 / (k + 1) as f64;
            sum += term;
        }
        sum
    };
    if degrees % 2 == 1 {
        // ν = 1 is the Cauchy distribution: θ alone.
        let sum = if degrees == 1 { 0.0 } else { series(2) };
        (2.0 / std::f64::consts::PI) * (theta + sin * cos * sum)
    } else {
        sin * series(1)
    }
}

/// Returns Φ⁻¹(p) for 0 < p < 1 to full double precision: Acklam's rational approximation,
/// refined by one step of Halley's method on the exact CDF.
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let error = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = error * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Returns how `current` changed against `previous`: the delta of the headline metric (CSAT
/// points, else NPS points, else the CES mean) and whether it is significant at `confidence`
/// (two-proportion z-test for CSAT, z-test on the difference of two NPS for NPS, Welch's z-test
/// on two means for CES).
pub fn change(current: &Metrics, previous: Metrics, confidence: f64) -> Change {
    let (delta, significant) = match headline_change(current, &previous, confidence) {
        Some((delta, significant)) => (Some(delta), significant),
        None => (None, None),
    };
    Change {
        previous,
        delta,
        significant,
    }
}

/// The delta of the headline metric and whether it is significant, for [`change`]. The headline
/// is chosen from the current period alone; a previous period without that same metric has no
/// change to give, and another metric's change would be read as the headline's.
fn headline_change(
    current: &Metrics,
    previous: &Metrics,
    confidence: f64,
) -> Option<(f64, Option<bool>)> {
    let z = z_for_confidence(confidence);
    if let Some(now) = current.csat {
        let before = previous.csat?;
        let significant = two_proportion_z(now.hits, now.total, before.hits, before.total)
            .map(|statistic| statistic.abs() > z);
        return Some((now.percent - before.percent, significant));
    }
    if let Some(now) = current.nps {
        let before = previous.nps?;
        let spread = (now.standard_error.powi(2) + before.standard_error.powi(2)).sqrt();
        let difference = now.score - before.score;
        return Some((
            difference,
            (spread > 0.0).then(|| (difference / spread).abs() > z),
        ));
    }
    let now = current.ces?;
    let now_mean = now.mean?;
    let before = previous.ces?;
    let before_mean = before.mean?;
    let difference = now_mean - before_mean;
    let spread = match (
        current.score_standard_deviation,
        previous.score_standard_deviation,
    ) {
        (Some(now_deviation), Some(before_deviation)) => Some(
            (now_deviation.powi(2) / now.rating_count as f64
                + before_deviation.powi(2) / before.rating_count as f64)
                .sqrt(),
        ),
        _ => None,
    };
    Some((
        difference,
        spread
            .filter(|spread| *spread > 0.0)
            .map(|spread| (difference / spread).abs() > z),
    ))
}

/// Returns the pooled two-proportion z statistic of x1/n1 against x2/n2; `None` when it is
/// undefined (an empty sample, or both proportions 0 or both 1).
pub fn two_proportion_z(x1: i64, n1: i64, x2: i64, n2: i64) -> Option<f64> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (n1, n2) = (n1 as f64, n2 as f64);
    let pooled = (x1 as f64 + x2 as f64) / (n1 + n2);
    let standard_error = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    (standard_error > 0.0).then(|| (x1 as f64 / n1 - x2 as f64 / n2) / standard_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSAT_1_5: Scale = Scale {
        metric: Metric::Csat,
        scale_min: 1,
        scale_max: 5,
        threshold: Some(4),
    };
    const NPS_0_10: Scale = Scale {
        metric: Metric::Nps,
        scale_min: 0,
        scale_max: 10,
        threshold: None,
    };

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance
    }

    #[test]
    fn wilson_95_for_8_of_10_is_49_0_to_94_3() {
        let (low, high) = wilson_interval(8, 10, z_for_confidence(0.95));
        assert!(close(low * 100.0, 49.0, 0.05), "{low}");
        assert!(close(high * 100.0, 94.3, 0.05), "{high}");
    }

    #[test]
    fn wilson_bounds_at_all_or_none_are_exactly_1_and_0() {
        // (p + z²/2n + z²/2n) / (1 + z²/n) is 1 only in exact arithmetic; in floating point it
        // misses by an ulp for some n (5 at 95 % gave 0.9999999999999999).
        for confidence in [0.9, 0.95, 0.99] {
            let z = z_for_confidence(confidence);
            for total in 1..=1_000 {
                assert_eq!(
                    wilson_interval(total, total, z).1,
                    1.0,
                    "{total} of {total}"
                );
                assert_eq!(wilson_interval(0, total, z).0, 0.0, "0 of {total}");
            }
        }
        let all = compute([(CSAT_1_5, &[0, 0, 0, 0, 5][..])], 0.95, 30)
            .csat
            .unwrap();
        assert_eq!((all.percent, all.high), (100.0, 100.0));
        let none = compute([(CSAT_1_5, &[5, 0, 0, 0, 0][..])], 0.95, 30)
            .csat
            .unwrap();
        assert_eq!((none.percent, none.low), (0.0, 0.0));
    }

    #[test]
    fn normal_quantiles_match_the_tables() {
        assert!(close(z_for_confidence(0.95), 1.959_963_984_540_054, 1e-12));
        assert!(close(z_for_confidence(0.99), 2.575_829_303_548_901, 1e-12));
        assert!(close(
            z_for_confidence(0.90),
            1.644_853_626_951_472_2,
            1e-12
        ));
        assert!(close(
            inverse_normal_cdf(0.001),
            -3.090_232_306_167_813,
            1e-10
        ));
    }

    #[test]
    fn csat_counts_scores_at_or_above_the_threshold() {
        // Scores 1..5 counted 1, 1, 2, 3, 3: satisfied 6 of 10, mean 3.6.
        let metrics = compute([(CSAT_1_5, &[1, 1, 2, 3, 3][..])], 0.95, 30);
        let csat = metrics.csat.unwrap();
        assert_eq!((csat.hits, csat.total), (6, 10));
        assert!(close(csat.percent, 60.0, 1e-12));
        assert!(close(metrics.mean_score.unwrap(), 3.6, 1e-12));
        assert_eq!(metrics.distribution.unwrap().1, vec![1, 1, 2, 3, 3]);
        assert!(metrics.low_sample);
        assert_eq!(metrics.nps, None);
        assert_eq!(metrics.ces, None);
    }

    #[test]
    fn mixed_scales_combine_for_csat_but_give_no_mean() {
        let seven = Scale {
            scale_max: 7,
            threshold: Some(6),
            ..CSAT_1_5
        };
        let metrics = compute(
            [
                (CSAT_1_5, &[0, 0, 0, 1, 1][..]),
                (seven, &[1, 0, 0, 0, 0, 1, 0][..]),
            ],
            0.95,
            1,
        );
        assert_eq!(metrics.csat.unwrap().hits, 3);
        assert_eq!(metrics.csat.unwrap().total, 4);
        assert_eq!(metrics.mean_score, None);
        assert_eq!(metrics.distribution, None);
        assert!(!metrics.low_sample);
    }

    #[test]
    fn nps_is_promoters_minus_detractors_with_its_standard_error() {
        // 0..10: 5 detractors (score 3), 2 passives (8), 3 promoters (10).
        let mut counts = [0; 11];
        counts[3] = 5;
        counts[8] = 2;
        counts[10] = 3;
        let nps = compute([(NPS_0_10, &counts[..])], 0.95, 30).nps.unwrap();
        assert!(close(nps.score, -20.0, 1e-12));
        let expected = 100.0 * ((0.3 + 0.5 - (0.3f64 - 0.5).powi(2)) / 10.0).sqrt();
        assert!(close(nps.standard_error, expected, 1e-12));
        assert_eq!((nps.promoters, nps.passives, nps.detractors), (3, 2, 5));
    }

    #[test]
    fn ces_gives_its_mean_and_easy_share() {
        let ces = Scale {
            metric: Metric::Ces,
            scale_min: 1,
            scale_max: 7,
            threshold: Some(5),
        };
        let metrics = compute([(ces, &[0, 0, 0, 1, 1, 1, 1][..])], 0.95, 0);
        let effort = metrics.ces.unwrap();
        assert!(close(effort.mean.unwrap(), 5.5, 1e-12));
        assert_eq!((effort.easy.hits, effort.easy.total), (3, 4));
        assert_eq!(metrics.csat, None);
    }

    #[test]
    fn an_empty_group_has_no_metric_but_its_count() {
        let metrics = compute([(CSAT_1_5, &[0, 0, 0, 0, 0][..])], 0.95, 30);
        assert_eq!(metrics.rating_count, 0);
        assert_eq!(metrics.csat, None);
        assert_eq!(metrics.mean_score, None);
        assert!(metrics.low_sample);
    }

    #[test]
    fn csat_change_uses_the_two_proportion_z_test() {
        let now = compute([(CSAT_1_5, &[0, 0, 0, 10, 80][..])], 0.95, 30);
        let before = compute([(CSAT_1_5, &[30, 0, 0, 10, 50][..])], 0.95, 30);
        let change = change(&now, before, 0.95);
        assert!(close(
            change.delta.unwrap(),
            100.0 * (90.0 / 90.0 - 60.0 / 90.0),
            1e-9
        ));
        assert_eq!(change.significant, Some(true));
        let z = two_proportion_z(90, 90, 60, 90).unwrap();
        let pooled: f64 = 150.0 / 180.0;
        let expected = (1.0 - 60.0 / 90.0) / (pooled * (1.0 - pooled) * (2.0 / 90.0)).sqrt();
        assert!(close(z, expected, 1e-12));
    }

    #[test]
    fn a_small_csat_change_is_not_significant() {
        let now = compute([(CSAT_1_5, &[0, 0, 5, 0, 5][..])], 0.95, 30);
        let before = compute([(CSAT_1_5, &[0, 0, 6, 0, 4][..])], 0.95, 30);
        assert_eq!(change(&now, before, 0.95).significant, Some(false));
    }

    #[test]
    fn a_headline_without_a_previous_value_has_no_delta() {
        let mut promoters = [0_i64; 11];
        promoters[10] = 2;
        let mut detractors = [0_i64; 11];
        detractors[0] = 2;
        // Now: CSAT (1 of 1 satisfied, the headline) and NPS -100; before: NPS +100 only. The
        // NPS change of -200 points is not the change of the headline.
        let now = compute(
            [
                (CSAT_1_5, &[0, 0, 0, 0, 1][..]),
                (NPS_0_10, &detractors[..]),
            ],
            0.95,
            1,
        );
        let before = compute([(NPS_0_10, &promoters[..])], 0.95, 1);
        let dropped = change(&now, before, 0.95);
        assert_eq!((dropped.delta, dropped.significant), (None, None));

        // Now: NPS only (the headline), before: CSAT and NPS: the delta is of NPS, +50 - 100.
        let mut mixed = [0_i64; 11];
        mixed[10] = 3;
        mixed[0] = 1;
        let now = compute([(NPS_0_10, &mixed[..])], 0.95, 1);
        let before = compute(
            [(CSAT_1_5, &[1, 0, 0, 0, 0][..]), (NPS_0_10, &promoters[..])],
            0.95,
            1,
        );
        assert!(close(
            change(&now, before, 0.95).delta.unwrap(),
            -50.0,
            1e-9
        ));
    }

    #[test]
    fn student_t_matches_its_tables() {
        // Two-sided 95 % and 99 % critical values from the t table.
        for (t, degrees, central) in [
            (12.706_2, 1, 0.95),
            (4.302_7, 2, 0.95),
            (3.182_4, 3, 0.95),
            (2.776_4, 4, 0.95),
            (2.228_1, 10, 0.95),
            (2.042_3, 30, 0.95),
            (63.656_7, 1, 0.99),
            (5.840_9, 3, 0.99),
            (2.845_3, 20, 0.99),
        ] {
            let probability = student_t_central_probability(t, degrees);
            assert!(
                (probability - central).abs() < 2e-5,
                "t {t} with {degrees} degrees: {probability}"
            );
        }
        // Many degrees of freedom: the normal distribution.
        assert!((student_t_central_probability(1.959_964, 5_000) - 0.95).abs() < 1e-4);
    }
}
