//! Customer health: what a customer's ratings in the health window add up to, the factors and
//! the health they make under a policy, and the signals that the customer may leave. Pure: the
//! store keeps the aggregates per customer, and this module says how they grow and what they mean.

use std::collections::BTreeSet;

use super::{FieldReason, Metric, Micros, Rating, Survey, Violations};

/// Normalised scores are counted in 1/2520 of a scale's span: 2520 is the least common multiple
/// of every span a survey may have (2 to 10 points), so every normalised score is a whole number
/// of units, and sums, comparisons and "below 50" are exact whichever order ratings arrive in.
pub const UNITS_PER_SPAN: i64 = 2_520;

/// Microseconds per day.
const DAY: Micros = 86_400 * 1_000_000;

/// A score normalised to its scale's span, in [`UNITS_PER_SPAN`]ths: 0 at scale_min, 2520 at
/// scale_max.
pub fn normalised_units(score: i32, scale_min: i32, scale_max: i32) -> i64 {
    let span = i64::from(scale_max - scale_min).max(1);
    i64::from(score - scale_min) * UNITS_PER_SPAN / span
}

/// Returns 0–100 for a normalised score.
pub fn percent_of_units(units: f64) -> f64 {
    100.0 * units / UNITS_PER_SPAN as f64
}

/// One rating as health reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoredRating {
    /// When the customer answered.
    pub occur_time: Micros,
    /// Breaks ties of occur_time: the later stored counts as the later.
    pub sequence: i64,
    /// The survey's metric.
    pub metric: Metric,
    /// The raw score.
    pub score: i32,
    /// The score normalised, see [`normalised_units`].
    pub units: i64,
    /// Whether a CSAT rating is satisfied.
    pub satisfied: bool,
    /// The survey's highest score.
    pub scale_max: i32,
}

impl ScoredRating {
    /// Returns `rating` of `survey` as health reads it.
    pub fn of(rating: &Rating, survey: &Survey) -> ScoredRating {
        ScoredRating::of_parts(
            rating.content.score,
            rating.occur_time,
            rating.sequence,
            survey,
        )
    }

    /// Returns a rating of `survey` with `score` that occurred at `occur_time`, stored as
    /// `sequence`, as health reads it.
    pub fn of_parts(
        score: i32,
        occur_time: Micros,
        sequence: i64,
        survey: &Survey,
    ) -> ScoredRating {
        ScoredRating {
            occur_time,
            sequence,
            metric: survey.metric,
            score,
            units: normalised_units(score, survey.scale_min, survey.scale_max),
            satisfied: survey
                .satisfied_threshold
                .is_some_and(|threshold| score >= threshold),
            scale_max: survey.scale_max,
        }
    }

    fn stamp(&self) -> (Micros, i64) {
        (self.occur_time, self.sequence)
    }
}

/// A value with the time it occurred at and the sequence that breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamped {
    /// occur_time.
    pub time: Micros,
    /// sequence.
    pub sequence: i64,
    /// The value.
    pub value: i64,
}

impl Stamped {
    fn key(&self) -> (Micros, i64) {
        (self.time, self.sequence)
    }
}

/// What the ratings in the window add up to: everything the factors and signals need, and
/// nothing that needs the ratings again. Two aggregates of disjoint ratings merge into the
/// aggregate of both.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowAggregates {
    /// Ratings counted.
    pub rating_count: i64,
    /// The earliest occur_time counted: the aggregate is stale once it leaves the window.
    pub earliest_time: Option<Micros>,
    /// Satisfied CSAT ratings.
    pub csat_satisfied_count: i64,
    /// CSAT ratings.
    pub csat_rating_count: i64,
    /// The latest NPS answer (value: the score).
    pub latest_nps: Option<Stamped>,
    /// Sum of the CES ratings' normalised units.
    pub ces_units_sum: i64,
    /// Sum of the CES ratings' raw scores.
    pub ces_score_sum: i64,
    /// CES ratings.
    pub ces_rating_count: i64,
    /// The CES ratings' scale_max: 0 without any, -1 when they differ.
    pub ces_scale_max: i32,
    /// The last three ratings' normalised units, latest first.
    pub recent: Vec<Stamped>,
}

/// How many latest normalised scores are kept: FALLING reads three.
const RECENT_KEPT: usize = 3;

impl WindowAggregates {
    /// Counts one rating.
    pub fn add(&mut self, rating: &ScoredRating) {
        let mut one = WindowAggregates {
            rating_count: 1,
            earliest_time: Some(rating.occur_time),
            recent: vec![Stamped {
                time: rating.occur_time,
                sequence: rating.sequence,
                value: rating.units,
            }],
            ..WindowAggregates::default()
        };
        match rating.metric {
            Metric::Csat => {
                one.csat_rating_count = 1;
                one.csat_satisfied_count = i64::from(rating.satisfied);
            }
            Metric::Nps => {
                let (time, sequence) = rating.stamp();
                one.latest_nps = Some(Stamped {
                    time,
                    sequence,
                    value: i64::from(rating.score),
                });
            }
            Metric::Ces => {
                one.ces_rating_count = 1;
                one.ces_units_sum = rating.units;
                one.ces_score_sum = i64::from(rating.score);
                one.ces_scale_max = rating.scale_max;
            }
        }
        self.merge(&one);
    }

    /// Adds the aggregate of other ratings.
    pub fn merge(&mut self, other: &WindowAggregates) {
        self.rating_count += other.rating_count;
        self.earliest_time = match (self.earliest_time, other.earliest_time) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        self.csat_satisfied_count += other.csat_satisfied_count;
        self.csat_rating_count += other.csat_rating_count;
        self.latest_nps = match (self.latest_nps, other.latest_nps) {
            (Some(mine), Some(theirs)) => Some(if theirs.key() > mine.key() {
                theirs
            } else {
                mine
            }),
            (mine, theirs) => mine.or(theirs),
        };
        self.ces_scale_max = match (self.ces_rating_count, other.ces_rating_count) {
            (_, 0) => self.ces_scale_max,
            (0, _) => other.ces_scale_max,
            _ if self.ces_scale_max == other.ces_scale_max => self.ces_scale_max,
            _ => -1,
        };
        self.ces_units_sum += other.ces_units_sum;
        self.ces_score_sum += other.ces_score_sum;
        self.ces_rating_count += other.ces_rating_count;
        self.recent.extend_from_slice(&other.recent);
        self.recent
            .sort_by_key(|stamped| std::cmp::Reverse(stamped.key()));
        self.recent.dedup();
        self.recent.truncate(RECENT_KEPT);
    }

    /// Returns the CSAT percent, if any CSAT rating is counted.
    pub fn csat(&self) -> Option<f64> {
        (self.csat_rating_count > 0)
            .then(|| 100.0 * self.csat_satisfied_count as f64 / self.csat_rating_count as f64)
    }

    /// Returns the mean CES score, if CES ratings are counted and share one scale.
    pub fn ces_mean(&self) -> Option<f64> {
        (self.ces_rating_count > 0 && self.ces_scale_max > 0)
            .then(|| self.ces_score_sum as f64 / self.ces_rating_count as f64)
    }

    /// Returns the category of the latest NPS answer.
    pub fn nps_category(&self) -> Option<NpsCategory> {
        self.latest_nps
            .map(|answer| NpsCategory::of_score(answer.value))
    }
}

/// What an NPS answer makes a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsCategory {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

impl NpsCategory {
    /// Returns the category of an NPS score.
    pub fn of_score(score: i64) -> NpsCategory {
        match score {
            9.. => NpsCategory::Promoter,
            7 | 8 => NpsCategory::Passive,
            _ => NpsCategory::Detractor,
        }
    }

    /// Returns the nps factor's value.
    pub fn factor(self) -> f64 {
        match self {
            NpsCategory::Promoter => 100.0,
            NpsCategory::Passive => 50.0,
            NpsCategory::Detractor => 0.0,
        }
    }
}

/// The factors of health, each present or not.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Factors {
    /// The CSAT percent.
    pub csat: Option<f64>,
    /// 100, 50 or 0 by the latest NPS category.
    pub nps: Option<f64>,
    /// The normalised CES mean.
    pub ces: Option<f64>,
    /// The latest normalised score.
    pub recent: Option<f64>,
    /// 0 while a follow-up is open, else 100.
    pub follow_up: Option<f64>,
}

impl Factors {
    /// Returns the factors of `window` for a customer with `open_follow_up_count` follow-ups open.
    pub fn of(window: &WindowAggregates, open_follow_up_count: i64) -> Factors {
        if window.rating_count == 0 {
            return Factors::default();
        }
        Factors {
            csat: window.csat(),
            nps: window.nps_category().map(NpsCategory::factor),
            ces: (window.ces_rating_count > 0).then(|| {
                percent_of_units(window.ces_units_sum as f64) / window.ces_rating_count as f64
            }),
            recent: window
                .recent
                .first()
                .map(|latest| percent_of_units(latest.value as f64)),
            follow_up: Some(if open_follow_up_count > 0 { 0.0 } else { 100.0 }),
        }
    }

    /// Returns each factor with its name and its policy weight, in the documented order.
    fn named(&self, weights: &HealthWeights) -> [(&'static str, Option<f64>, f64); 5] {
        [
            ("csat", self.csat, weights.csat),
            ("nps", self.nps, weights.nps),
            ("ces", self.ces, weights.ces),
            ("recent", self.recent, weights.recent),
            ("follow_up", self.follow_up, weights.follow_up),
        ]
    }
}

/// The weights of the factors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthWeights {
    /// csat.
    pub csat: f64,
    /// nps.
    pub nps: f64,
    /// ces.
    pub ces: f64,
    /// recent.
    pub recent: f64,
    /// follow_up.
    pub follow_up: f64,
}

/// How health is computed and banded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthPolicy {
    /// How far back from now ratings count.
    pub window: Micros,
    /// The factors' weights.
    pub weights: HealthWeights,
    /// Lowest healthy health.
    pub healthy_threshold: f64,
    /// Lowest at-risk health.
    pub at_risk_threshold: f64,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            window: 180 * DAY,
            weights: HealthWeights {
                csat: 0.35,
                nps: 0.25,
                ces: 0.15,
                recent: 0.15,
                follow_up: 0.10,
            },
            healthy_threshold: 70.0,
            at_risk_threshold: 40.0,
        }
    }
}

/// Longest window: 100 years.
pub const MAX_WINDOW: Micros = 100 * 366 * DAY;

impl HealthPolicy {
    /// Returns the policy when every rule holds, or every violation, with paths under `policy.`.
    pub fn checked(self) -> Result<HealthPolicy, Vec<super::FieldViolation>> {
        let mut violations = Violations::with_prefix("policy.");
        if !(1_000_000..=MAX_WINDOW).contains(&self.window) {
            violations.add(
                "window",
                FieldReason::OutOfRange,
                "must be from 1 second to 100 years",
            );
        }
        let weights = self.weights;
        for (name, weight) in [
            ("csat", weights.csat),
            ("nps", weights.nps),
            ("ces", weights.ces),
            ("recent", weights.recent),
            ("follow_up", weights.follow_up),
        ] {
            if !weight.is_finite() || !(0.0..=1e6).contains(&weight) {
                violations.add(
                    &format!("weights.{name}"),
                    FieldReason::OutOfRange,
                    "must be a number from 0 to 1,000,000",
                );
            }
        }
        let sum = weights.csat + weights.nps + weights.ces + weights.recent + weights.follow_up;
        if sum <= 0.0 {
            violations.add(
                "weights",
                FieldReason::OutOfRange,
                "the weights must not all be 0",
            );
        }
        let healthy = self.healthy_threshold;
        let at_risk = self.at_risk_threshold;
        if !(healthy.is_finite() && healthy > 0.0 && healthy <= 100.0) {
            violations.add(
                "healthy_threshold",
                FieldReason::OutOfRange,
                "must be above 0 and at most 100",
            );
        }
        if !(at_risk.is_finite() && at_risk > 0.0 && at_risk <= 100.0) {
            violations.add(
                "at_risk_threshold",
                FieldReason::OutOfRange,
                "must be above 0 and at most 100",
            );
        } else if healthy.is_finite() && at_risk >= healthy {
            violations.add(
                "at_risk_threshold",
                FieldReason::Inconsistent,
                "must be below healthy_threshold",
            );
        }
        violations.finish(self)
    }

    /// Returns the band of a health.
    pub fn band(&self, health: Option<f64>) -> HealthBand {
        match health {
            None => HealthBand::Unknown,
            Some(health) if health >= self.healthy_threshold => HealthBand::Healthy,
            Some(health) if health >= self.at_risk_threshold => HealthBand::AtRisk,
            Some(_) => HealthBand::Critical,
        }
    }
}

/// The band of a health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthBand {
    /// At or above the healthy threshold.
    Healthy,
    /// At or above the at-risk threshold.
    AtRisk,
    /// Below it.
    Critical,
    /// No health.
    Unknown,
}

impl HealthBand {
    /// The number stored for the band (the wire's).
    pub fn number(self) -> i32 {
        match self {
            HealthBand::Healthy => 1,
            HealthBand::AtRisk => 2,
            HealthBand::Critical => 3,
            HealthBand::Unknown => 4,
        }
    }

    /// Returns the band stored as `number`.
    pub fn from_number(number: i32) -> Option<HealthBand> {
        [
            HealthBand::Healthy,
            HealthBand::AtRisk,
            HealthBand::Critical,
            HealthBand::Unknown,
        ]
        .into_iter()
        .find(|band| band.number() == number)
    }
}

/// One term of health.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedFactor {
    /// `csat`, `nps`, `ces`, `recent` or `follow_up`.
    pub name: &'static str,
    /// 0–100.
    pub value: f64,
    /// The policy's weight re-normalised over the factors present.
    pub weight: f64,
    /// value × weight.
    pub contribution: f64,
}

/// A customer's health under a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// 0–100, unset without a rating in the window (or when the factors present all weigh 0).
    pub health: Option<f64>,
    /// Its band.
    pub band: HealthBand,
    /// The factors present, in order.
    pub factors: Vec<WeightedFactor>,
}

impl Health {
    /// Returns the health `factors` make under `policy`.
    pub fn of(factors: &Factors, policy: &HealthPolicy) -> Health {
        let named = factors.named(&policy.weights);
        let present_weight: f64 = named
            .iter()
            .filter(|(_, value, _)| value.is_some())
            .map(|(_, _, weight)| weight)
            .sum();
        if present_weight <= 0.0 {
            return Health {
                health: None,
                band: HealthBand::Unknown,
                factors: Vec::new(),
            };
        }
        let factors: Vec<WeightedFactor> = named
            .iter()
            .filter_map(|(name, value, weight)| {
                let value = (*value)?;
                let weight = weight / present_weight;
                Some(WeightedFactor {
                    name,
                    value,
                    weight,
                    contribution: value * weight,
                })
            })
            .collect();
        // Rounding may carry a sum of weights that are 1 in all a hair past 100.
        let health = factors
            .iter()
            .map(|factor| factor.contribution)
            .sum::<f64>()
            .clamp(0.0, 100.0);
        Health {
            health: Some(health),
            band: policy.band(Some(health)),
            factors,
        }
    }
}

/// What the writer keeps per customer: all-time counts and times, and the aggregates of the
/// ratings in the window as of when it last counted (stale once `window.earliest_time` leaves it).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    /// The customer.
    pub customer_id: String,
    /// Every rating of theirs.
    pub rating_count: i64,
    /// Their earliest occur_time.
    pub first_rating_time: Micros,
    /// Their latest occur_time.
    pub last_rating_time: Micros,
    /// Their ratings in the window.
    pub window: WindowAggregates,
    /// Their open follow-ups.
    pub open_follow_up_count: i64,
    /// The earliest due time of those.
    pub earliest_open_due_time: Option<Micros>,
    /// The touchpoints they rated at, ever.
    pub touchpoints: BTreeSet<String>,
}

impl CustomerSummary {
    /// Returns the summary of one rating of a customer not seen before.
    pub fn first(customer_id: &str, occur_time: Micros) -> CustomerSummary {
        CustomerSummary {
            customer_id: customer_id.to_string(),
            rating_count: 0,
            first_rating_time: occur_time,
            last_rating_time: occur_time,
            window: WindowAggregates::default(),
            open_follow_up_count: 0,
            earliest_open_due_time: None,
            touchpoints: BTreeSet::new(),
        }
    }

    /// Counts one rating, given at `touchpoint`; `in_window` says whether it is in the window as
    /// of now.
    pub fn add(&mut self, rating: &ScoredRating, touchpoint: &str, in_window: bool) {
        if !self.touchpoints.contains(touchpoint) {
            self.touchpoints.insert(touchpoint.to_string());
        }
        self.rating_count += 1;
        self.first_rating_time = self.first_rating_time.min(rating.occur_time);
        self.last_rating_time = self.last_rating_time.max(rating.occur_time);
        if in_window {
            self.window.add(rating);
        }
    }

    /// Counts a follow-up opened, due at `due_time`.
    pub fn open_follow_up(&mut self, due_time: Micros) {
        self.open_follow_up_count += 1;
        self.earliest_open_due_time = Some(
            self.earliest_open_due_time
                .map_or(due_time, |earliest| earliest.min(due_time)),
        );
    }

    /// Adds what `other`, a summary of other ratings of the same customer, counted, and the
    /// follow-ups those ratings opened (a commit's summary holds only follow-ups it opens).
    pub fn merge(&mut self, other: &CustomerSummary) {
        self.rating_count += other.rating_count;
        self.open_follow_up_count += other.open_follow_up_count;
        self.earliest_open_due_time =
            match (self.earliest_open_due_time, other.earliest_open_due_time) {
                (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
                (mine, theirs) => mine.or(theirs),
            };
        self.first_rating_time = self.first_rating_time.min(other.first_rating_time);
        self.last_rating_time = self.last_rating_time.max(other.last_rating_time);
        self.window.merge(&other.window);
        for touchpoint in &other.touchpoints {
            if !self.touchpoints.contains(touchpoint) {
                self.touchpoints.insert(touchpoint.clone());
            }
        }
    }

    /// Returns when the window's edge passes the earliest rating counted, and the summary must be
    /// counted again from the ratings; `None` when nothing is counted.
    pub fn stale_after(&self, policy: &HealthPolicy) -> Option<Micros> {
        self.window
            .earliest_time
            .map(|earliest| earliest.saturating_add(policy.window))
    }

    /// Returns the factors.
    pub fn factors(&self) -> Factors {
        Factors::of(&self.window, self.open_follow_up_count)
    }

    /// Returns the health under `policy`.
    pub fn health(&self, policy: &HealthPolicy) -> Health {
        Health::of(&self.factors(), policy)
    }

    /// Returns the defector signals as of `now`.
    pub fn defector_signals(&self, now: Micros) -> Vec<DefectorSignal> {
        defector_signals(
            &self.window,
            self.earliest_open_due_time,
            self.open_follow_up_count,
            now,
        )
    }
}

/// A reason a customer may leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefectorSignal {
    /// The latest NPS answer is a detractor's.
    NpsDetractor,
    /// The latest normalised score is below 50.
    LowRecentScore,
    /// The last three normalised scores fall strictly.
    Falling,
    /// A follow-up is open past its due time.
    UnresolvedFollowUp,
}

/// Returns the signals of a customer, as of `now`.
pub fn defector_signals(
    window: &WindowAggregates,
    earliest_open_due_time: Option<Micros>,
    open_follow_up_count: i64,
    now: Micros,
) -> Vec<DefectorSignal> {
    let mut signals = Vec::new();
    if window.nps_category() == Some(NpsCategory::Detractor) {
        signals.push(DefectorSignal::NpsDetractor);
    }
    if window
        .recent
        .first()
        .is_some_and(|latest| 2 * latest.value < UNITS_PER_SPAN)
    {
        signals.push(DefectorSignal::LowRecentScore);
    }
    // Latest first: strictly falling in time is strictly rising in this order.
    if let [latest, before, first] = window.recent[..]
        && latest.value < before.value
        && before.value < first.value
    {
        signals.push(DefectorSignal::Falling);
    }
    if open_follow_up_count > 0 && earliest_open_due_time.is_some_and(|due| due < now) {
        signals.push(DefectorSignal::UnresolvedFollowUp);
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(time: Micros, metric: Metric, score: i32, scale: (i32, i32)) -> ScoredRating {
        ScoredRating {
            occur_time: time,
            sequence: time,
            metric,
            score,
            units: normalised_units(score, scale.0, scale.1),
            satisfied: score >= scale.1 - 1,
            scale_max: scale.1,
        }
    }

    #[test]
    fn merging_in_any_order_gives_the_same_aggregate() {
        let ratings = [
            scored(5, Metric::Csat, 4, (1, 5)),
            scored(1, Metric::Nps, 3, (0, 10)),
            scored(9, Metric::Ces, 6, (1, 7)),
            scored(7, Metric::Nps, 10, (0, 10)),
        ];
        let mut forwards = WindowAggregates::default();
        ratings.iter().for_each(|rating| forwards.add(rating));
        let mut backwards = WindowAggregates::default();
        ratings
            .iter()
            .rev()
            .for_each(|rating| backwards.add(rating));
        assert_eq!(forwards, backwards);
        assert_eq!(forwards.nps_category(), Some(NpsCategory::Promoter));
        assert_eq!(
            forwards.recent.iter().map(|s| s.time).collect::<Vec<_>>(),
            [9, 7, 5]
        );
    }

    #[test]
    fn health_renormalises_the_weights_of_the_factors_present() {
        let mut window = WindowAggregates::default();
        window.add(&scored(1, Metric::Csat, 5, (1, 5)));
        let health = Health::of(&Factors::of(&window, 0), &HealthPolicy::default());
        // csat 100, recent 100, follow_up 100.
        assert_eq!(health.health, Some(100.0));
        assert_eq!(health.factors.len(), 3);
        assert!((health.factors[0].weight - 0.35 / 0.6).abs() < 1e-12);
    }

    #[test]
    fn falling_reads_the_latest_three_by_occur_time() {
        let falling = |window: &WindowAggregates| {
            defector_signals(window, None, 0, 0).contains(&DefectorSignal::Falling)
        };
        let mut window = WindowAggregates::default();
        for (time, score) in [(1, 5), (2, 4), (3, 4)] {
            window.add(&scored(time, Metric::Csat, score, (1, 5)));
        }
        assert!(!falling(&window), "4 then 4 is not strictly falling");
        window.add(&scored(4, Metric::Csat, 2, (1, 5)));
        assert!(!falling(&window));
        let mut window = WindowAggregates::default();
        for (time, score) in [(3, 1), (1, 5), (2, 3)] {
            window.add(&scored(time, Metric::Csat, score, (1, 5)));
        }
        assert!(falling(&window));
        window.add(&scored(0, Metric::Csat, 1, (1, 5)));
        assert!(falling(&window), "an older rating changes nothing");
        window.add(&scored(4, Metric::Csat, 2, (1, 5)));
        assert!(!falling(&window));
    }

    #[test]
    fn policy_checks_name_each_field() {
        let policy = HealthPolicy {
            window: 0,
            weights: HealthWeights {
                csat: -1.0,
                nps: 0.0,
                ces: 0.0,
                recent: 0.0,
                follow_up: 0.0,
            },
            healthy_threshold: 50.0,
            at_risk_threshold: 60.0,
        };
        let fields: Vec<String> = policy
            .checked()
            .unwrap_err()
            .into_iter()
            .map(|violation| violation.field)
            .collect();
        assert_eq!(
            fields,
            [
                "policy.window",
                "policy.weights.csat",
                "policy.weights",
                "policy.at_risk_threshold"
            ]
        );
    }
}
