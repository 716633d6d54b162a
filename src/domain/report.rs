//! What a report asks for: which ratings, grouped how, in which time buckets and zone, at which
//! confidence.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono_tz::Tz;

use super::follow_up::LoopFigures;
use super::invitation::ResponseFigures;
use super::metrics::{Change, Metrics, Scale, change, compute};
use super::time_buckets::{BucketPlan, Granularity};
use super::validation::{FieldReason, Key, Violations};
use super::{FieldViolation, Metric, Micros, RatingFilter, RatingFilterInput};

/// Most group_by entries in one query.
pub const MAX_GROUP_BY: usize = 4;
/// Most groups one report has. The number of groups depends on the values present, so it is
/// counted as the ratings are, and the counting stops at one more than this: a report of 50,000
/// agents is refused having read 1,001 of them.
pub const MAX_GROUPS: usize = 1_000;
/// Most buckets one report holds over all its series: with group_by, `(groups + 1) × buckets`,
/// the overall series included; without, the overall series' own, as
/// [`MAX_BUCKETS`](super::time_buckets::MAX_BUCKETS) bounds it.
/// While a report is computed, a bucket holds counts of 88 bytes per survey of its group, then
/// its metrics and their wire form, a few hundred bytes: this bounds what a report holds, and it
/// is checked before a new group's series are allocated.
///
/// It does not bound the answer to the 4 MiB of a gRPC message by itself: a bucket without
/// ratings encodes to 23 bytes, one with every metric at its longest to 390 (measured with
/// prost's `encoded_len`, in the tests of api/report_service.rs), so the api refuses the rare
/// answer that would pass 4 MiB, having computed it. 1,000 groups without series, or 10,000
/// buckets without groups, always fit.
pub const MAX_REPORT_BUCKETS: usize = 50_000;
/// Most comparisons of a segment with a benchmark one benchmark report holds: each carries its
/// benchmark, up to 1.7 kB encoded, so that the largest benchmark report within this and
/// [`MAX_GROUPS`] (750 segments with 2 benchmarks each) encodes to 3.8 MB.
pub const MAX_BENCHMARK_COMPARISONS: usize = 1_500;
/// Confidence when the query gives none.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;
/// Minimum sample when the query gives none.
pub const DEFAULT_MIN_SAMPLE: i64 = 30;

/// One way of grouping ratings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    /// By survey id.
    Survey,
    /// By the survey's touchpoint.
    Touchpoint,
    /// By channel name (`CHANNEL_WEB_CHAT`).
    Channel,
    /// By reason code: a rating counts in the group of each code it holds, or in the group of the
    /// empty code when it holds none, so groups overlap.
    Reason,
    /// By the value of one attribute; ratings without it form the group of the empty value.
    Attribute(String),
}

impl GroupBy {
    /// Returns the entry as spelled in a query, and as the key of a group: `attributes.agent`.
    pub fn name(&self) -> String {
        match self {
            GroupBy::Survey => "survey".into(),
            GroupBy::Touchpoint => "touchpoint".into(),
            GroupBy::Channel => "channel".into(),
            GroupBy::Reason => "reason".into(),
            GroupBy::Attribute(key) => format!("attributes.{key}"),
        }
    }

    fn parse(entry: &str) -> Option<GroupBy> {
        match entry {
            "survey" => Some(GroupBy::Survey),
            "touchpoint" => Some(GroupBy::Touchpoint),
            "channel" => Some(GroupBy::Channel),
            "reason" => Some(GroupBy::Reason),
            _ => entry
                .strip_prefix("attributes.")
                .filter(|key| Key::PATTERN.matches(key))
                .map(|key| GroupBy::Attribute(key.to_string())),
        }
    }
}

/// A validated report query.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportQuery {
    /// Which ratings.
    pub filter: RatingFilter,
    /// How to group them, in order; empty means only the overall numbers.
    pub group_by: Vec<GroupBy>,
    /// Time buckets of each group's series.
    pub granularity: Granularity,
    /// The zone whose local days, weeks and months the buckets follow.
    pub time_zone: Tz,
    /// Whether to compare with the previous period of equal length.
    pub compare_previous: bool,
    /// Confidence of every interval and test, between 0 and 1.
    pub confidence: f64,
    /// Groups with fewer ratings are flagged low_sample.
    pub min_sample: i64,
}

impl ReportQuery {
    /// Returns whether a rating may count in several of the report's groups (grouped by reason),
    /// so that the groups do not add up to the overall numbers.
    pub fn groups_overlap(&self) -> bool {
        self.group_by.contains(&GroupBy::Reason)
    }
}

/// A report query as received.
#[derive(Debug, Clone)]
pub struct ReportQueryInput {
    /// The filter.
    pub filter: RatingFilterInput,
    /// group_by entries as spelled.
    pub group_by: Vec<String>,
    /// The granularity, or the unknown wire number received.
    pub granularity: Result<Granularity, i32>,
    /// IANA zone name; empty means UTC.
    pub time_zone: String,
    /// Compare with the previous period.
    pub compare_previous: bool,
    /// Confidence, if given.
    pub confidence: Option<f64>,
    /// Minimum sample, if given.
    pub min_sample: Option<i64>,
}

impl Default for ReportQueryInput {
    fn default() -> Self {
        ReportQueryInput {
            filter: RatingFilterInput::default(),
            group_by: Vec::new(),
            granularity: Ok(Granularity::None),
            time_zone: String::new(),
            compare_previous: false,
            confidence: None,
            min_sample: None,
        }
    }
}

impl ReportQueryInput {
    /// Returns the query, or every violation with paths under `prefix` (`query.`).
    pub fn parse(self, prefix: &str) -> Result<ReportQuery, Vec<FieldViolation>> {
        let mut violations = Violations::with_prefix(prefix);
        let has_range = self.filter.start_time.is_some() && self.filter.end_time.is_some();
        if self.filter.include_excluded {
            violations.add(
                "filter.include_excluded",
                FieldReason::Inconsistent,
                "reports never count excluded ratings",
            );
        }
        let filter = violations.absorb(self.filter.parse(&format!("{prefix}filter.")));
        let group_by = parse_group_by(&self.group_by, &mut violations);
        let granularity = match self.granularity {
            Ok(granularity) => granularity,
            Err(number) => {
                violations.add(
                    "granularity",
                    FieldReason::UnknownValue,
                    format!("unknown granularity {number}"),
                );
                Granularity::None
            }
        };
        let time_zone = if self.time_zone.is_empty() {
            Tz::UTC
        } else {
            Tz::from_str(&self.time_zone).unwrap_or_else(|_| {
                violations.add(
                    "time_zone",
                    FieldReason::UnknownValue,
                    "an IANA time zone such as America/New_York, or empty for UTC",
                );
                Tz::UTC
            })
        };
        let confidence = self.confidence.unwrap_or(DEFAULT_CONFIDENCE);
        if !(confidence > 0.0 && confidence < 1.0) {
            violations.add(
                "confidence",
                FieldReason::OutOfRange,
                "between 0 and 1, both excluded (0.95 by default)",
            );
        }
        let min_sample = self.min_sample.unwrap_or(DEFAULT_MIN_SAMPLE);
        if min_sample < 0 {
            violations.add(
                "min_sample",
                FieldReason::OutOfRange,
                "must not be negative",
            );
        }
        if self.compare_previous && !has_range {
            violations.add(
                "compare_previous",
                FieldReason::Inconsistent,
                "needs filter.start_time and filter.end_time: the previous period has the same length",
            );
        }
        let query = ReportQuery {
            filter: filter.unwrap_or_default(),
            group_by,
            granularity,
            time_zone,
            compare_previous: self.compare_previous,
            confidence,
            min_sample,
        };
        violations.finish(query)
    }
}

/// Returns the groupings `entries` name, recording each entry that names none or repeats one.
fn parse_group_by(entries: &[String], violations: &mut Violations) -> Vec<GroupBy> {
    let mut group_by: Vec<GroupBy> = Vec::new();
    // The count first: the entries of a list over it are not worth reading one by one, and
    // below it the search for repeats stays short.
    if entries.len() > MAX_GROUP_BY {
        violations.add("group_by", FieldReason::TooMany, "at most 4 entries");
        return group_by;
    }
    for (index, entry) in entries.iter().enumerate() {
        match GroupBy::parse(entry) {
            Some(parsed) if group_by.contains(&parsed) => {
                violations.add(
                    &format!("group_by[{index}]"),
                    FieldReason::Repeated,
                    "repeated entry",
                );
            }
            Some(parsed) => group_by.push(parsed),
            None => violations.add(
                &format!("group_by[{index}]"),
                FieldReason::UnknownValue,
                format!(
                    "survey, touchpoint, channel, reason or attributes.<key> with a key matching {}",
                    Key::PATTERN.text()
                ),
            ),
        }
    }
    group_by
}

/// Scores run from 0 (NPS) to 10 at most: counts are indexed by the score itself.
pub const SCORE_SLOTS: usize = 11;

/// Counts per score, indexed by the score.
pub type ScoreCounts = [i64; SCORE_SLOTS];

/// What a report needs to know of a survey.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyFacts {
    /// Its id.
    pub survey_id: String,
    /// Its touchpoint.
    pub touchpoint: String,
    /// Metric and scale.
    pub scale: Scale,
    /// Its target, in its metric's unit.
    pub target: Option<f64>,
}

/// One survey's counts within a group: over the whole range and per bucket.
#[derive(Debug, Clone)]
pub struct SurveyCounts {
    /// Over the whole range.
    pub total: ScoreCounts,
    /// Per bucket of the plan.
    pub buckets: Vec<ScoreCounts>,
}

impl SurveyCounts {
    /// Adds `count` ratings of `score`, in `bucket` when there are buckets.
    pub fn add(&mut self, bucket: Option<usize>, score: usize, count: i64) {
        if score >= SCORE_SLOTS {
            return;
        }
        self.total[score] += count;
        if let Some(slot) = bucket.and_then(|bucket| self.buckets.get_mut(bucket)) {
            slot[score] += count;
        }
    }
}

/// How many groups a report may have: [`MAX_GROUPS`], or fewer in a benchmark report, where each
/// segment carries a comparison with every benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupLimit {
    /// Most groups.
    pub most: usize,
    /// The benchmarks that lowered the limit below [`MAX_GROUPS`], if they did.
    pub benchmarks: Option<usize>,
}

impl GroupLimit {
    /// The limit of a report.
    pub const REPORT: GroupLimit = GroupLimit {
        most: MAX_GROUPS,
        benchmarks: None,
    };

    /// Returns the limit of a benchmark report comparing each segment with `benchmarks`.
    pub fn benchmark_report(benchmarks: usize) -> GroupLimit {
        let most = MAX_BENCHMARK_COMPARISONS
            .checked_div(benchmarks)
            .map_or(MAX_GROUPS, |most| most.min(MAX_GROUPS));
        GroupLimit {
            most,
            benchmarks: (most < MAX_GROUPS).then_some(benchmarks),
        }
    }

    /// Returns which limit a report of `groups` groups (0 without group_by) and series of
    /// `buckets` buckets would pass, this one or [`MAX_REPORT_BUCKETS`], if any.
    pub fn check(self, groups: usize, buckets: usize) -> Result<(), TooLarge> {
        if groups > self.most {
            return Err(TooLarge::Groups(self));
        }
        if groups > 0 && (groups + 1).saturating_mul(buckets) > MAX_REPORT_BUCKETS {
            return Err(TooLarge::Buckets {
                per_series: buckets,
            });
        }
        Ok(())
    }
}

/// A report would pass one of its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    /// More groups than the limit.
    Groups(GroupLimit),
    /// More than [`MAX_REPORT_BUCKETS`] over all series, each of `per_series` buckets.
    Buckets {
        /// Buckets of each series.
        per_series: usize,
    },
}

impl TooLarge {
    /// Returns what the caller is told: the limit, and what to change.
    pub fn violation(self) -> FieldViolation {
        let description = match self {
            TooLarge::Groups(GroupLimit {
                most,
                benchmarks: None,
            }) => format!(
                "more than {} groups: filter the ratings (filter.survey_ids, filter.attributes, \
                 a shorter range) or group by fewer entries",
                with_separators(most)
            ),
            TooLarge::Groups(GroupLimit {
                most,
                benchmarks: Some(benchmarks),
            }) => format!(
                "more than {} groups with {} benchmarks: a benchmark report holds at most {} \
                 comparisons of a segment with a benchmark; name fewer benchmark_ids or filter \
                 the ratings",
                with_separators(most),
                with_separators(benchmarks),
                with_separators(MAX_BENCHMARK_COMPARISONS)
            ),
            TooLarge::Buckets { per_series } => format!(
                "more than {} buckets over all series: each group and the overall numbers have a \
                 series of {} buckets, so at most {} groups fit; choose a coarser granularity, \
                 narrow the range (where filter.start_time or filter.end_time is unset, it runs \
                 from the earliest or to the latest occur_time of the matching ratings) or \
                 filter the ratings",
                with_separators(MAX_REPORT_BUCKETS),
                with_separators(per_series),
                with_separators((MAX_REPORT_BUCKETS / per_series.max(1)).saturating_sub(1))
            ),
        };
        FieldViolation::new("query.group_by", FieldReason::TooMany, description)
    }
}

/// Returns `number` with a comma between thousands, as the limits are written in the proto.
pub fn with_separators(number: usize) -> String {
    let digits = number.to_string();
    let mut written = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            written.push(',');
        }
        written.push(digit);
    }
    written
}

/// Counts of the ratings a query selects, by group, survey and bucket: what the rollups or a scan
/// produce, and everything the report's numbers are computed from.
#[derive(Debug, Clone)]
pub struct Aggregation {
    /// The buckets of the series.
    pub plan: BucketPlan,
    /// Counts by group key (one value per group_by entry) and survey id.
    pub groups: BTreeMap<Vec<String>, BTreeMap<String, SurveyCounts>>,
    /// Where groups overlap ([`ReportQuery::groups_overlap`]): every rating counted once, by
    /// survey, for the overall numbers. `None` where the groups partition the ratings, and their
    /// sum is the overall numbers.
    pub overall: Option<BTreeMap<String, SurveyCounts>>,
    limit: GroupLimit,
}

impl Aggregation {
    /// Returns an empty aggregation over `plan`, holding at most `limit` groups, that counts the
    /// overall numbers apart from the groups when they overlap.
    pub fn new(plan: BucketPlan, limit: GroupLimit, groups_overlap: bool) -> Aggregation {
        Aggregation {
            plan,
            groups: BTreeMap::new(),
            overall: groups_overlap.then(BTreeMap::new),
            limit,
        }
    }

    /// Returns an empty aggregation for the previous period of `current`, without buckets; its
    /// groups are keyed by [`Aggregation::previous_key`].
    pub fn previous_of(current: &Aggregation) -> Aggregation {
        Aggregation::new(
            BucketPlan::default(),
            current.limit,
            current.overall.is_some(),
        )
    }

    /// Returns an empty aggregation to count the previous period of `current` in before
    /// `current` has all its groups (the rollups count a period's whole days before a scan reads
    /// its partial ones): without buckets, each group under its own key, none refused; see
    /// [`Aggregation::previous_from`].
    pub fn previous_counted_apart(current: &Aggregation) -> Aggregation {
        let unlimited = GroupLimit {
            most: usize::MAX,
            benchmarks: None,
        };
        Aggregation::new(BucketPlan::default(), unlimited, current.overall.is_some())
    }

    /// Returns the previous period of `current` holding what was `counted` apart from it: each
    /// group's counts under [`Aggregation::previous_key`], now that `current` has all its groups.
    pub fn previous_from(current: &Aggregation, counted: Aggregation) -> Aggregation {
        let mut previous = Aggregation::previous_of(current);
        for (key, surveys) in counted.groups {
            let group = previous
                .groups
                .entry(current.previous_key(key))
                .or_default();
            for (survey_id, counts) in surveys {
                let total = &mut group
                    .entry(survey_id)
                    .or_insert_with(|| SurveyCounts {
                        total: [0; SCORE_SLOTS],
                        buckets: Vec::new(),
                    })
                    .total;
                for (sum, count) in total.iter_mut().zip(counts.total) {
                    *sum += count;
                }
            }
        }
        previous.overall = counted.overall;
        previous
    }

    /// Returns the counts of `survey_id` in the overall numbers kept apart from overlapping
    /// groups, created empty when absent; `None` when the groups do not overlap (the overall
    /// numbers are then their sum).
    pub fn overall_counts(&mut self, survey_id: &str) -> Option<&mut SurveyCounts> {
        let buckets = self.plan.len();
        Some(
            self.overall
                .as_mut()?
                .entry(survey_id.to_string())
                .or_insert_with(|| SurveyCounts {
                    total: [0; SCORE_SLOTS],
                    buckets: vec![[0; SCORE_SLOTS]; buckets],
                }),
        )
    }

    /// Returns the key under which the previous period counts the ratings of group `key`: its
    /// own where this (current) aggregation has the group, else the empty key, which counts in
    /// the overall numbers and in no group. A group with no ratings now is in no report, so the
    /// previous period holds no more groups than the current one.
    pub fn previous_key(&self, key: Vec<String>) -> Vec<String> {
        if self.groups.contains_key(&key) {
            key
        } else {
            Vec::new()
        }
    }

    /// Returns the counts of `survey_id` in the group `key`, created empty when absent, or why
    /// a new group would make the report too large, before its series are allocated. Called once
    /// per series or row with ratings, not per count: the lookups cost more than the additions.
    pub fn counts(
        &mut self,
        key: &[String],
        survey_id: &str,
    ) -> Result<&mut SurveyCounts, TooLarge> {
        let buckets = self.plan.len();
        if !key.is_empty() && !self.groups.contains_key(key) {
            self.limit.check(self.groups.len() + 1, buckets)?;
        }
        Ok(self
            .groups
            .entry(key.to_vec())
            .or_default()
            .entry(survey_id.to_string())
            .or_insert_with(|| SurveyCounts {
                total: [0; SCORE_SLOTS],
                buckets: vec![[0; SCORE_SLOTS]; buckets],
            }))
    }
}

/// The numbers of one time bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketReport {
    /// First instant of the bucket.
    pub start_time: Micros,
    /// First instant after it.
    pub end_time: Micros,
    /// Its metrics.
    pub metrics: Metrics,
    /// The loop's figures, where follow-ups apply ([`super::follow_up::add_loop_figures`]).
    pub follow_ups: Option<LoopFigures>,
    /// Invitations and responses, where they apply (`crate::reports` says where).
    pub invitations: Option<ResponseFigures>,
}

/// The numbers of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupReport {
    /// `(group_by entry name, value)`, in group_by order.
    pub key: Vec<(String, String)>,
    /// Metrics over the range.
    pub metrics: Metrics,
    /// Against the previous period, when asked.
    pub change: Option<Change>,
    /// Every bucket of the range.
    pub series: Vec<BucketReport>,
    /// Touchpoints of the surveys with ratings in the group.
    pub touchpoints: Vec<String>,
    /// The target shared by the group's surveys, if they share one, with the metric they share:
    /// a target is in its survey's metric's unit, so one shared across metrics has no unit.
    pub target: Option<(Metric, f64)>,
    /// The loop's figures, where follow-ups apply ([`super::follow_up::add_loop_figures`]).
    pub follow_ups: Option<LoopFigures>,
    /// Invitations and responses, where they apply (`crate::reports` says where).
    pub invitations: Option<ResponseFigures>,
}

/// A computed report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// All selected ratings, as one group with an empty key.
    pub overall: GroupReport,
    /// One per group, in key order; empty without group_by.
    pub groups: Vec<GroupReport>,
    /// Every rating up to this sequence is counted.
    pub as_of_sequence: i64,
    /// Whether rollups answered.
    pub from_rollups: bool,
    /// Whether a rating may count in several groups ([`ReportQuery::groups_overlap`]).
    pub groups_overlap: bool,
}

/// Returns the report of `current` (and of `previous`, the previous period, when compared), with
/// each survey's scale from `surveys`.
pub fn assemble(
    query: &ReportQuery,
    surveys: &HashMap<String, SurveyFacts>,
    current: &Aggregation,
    previous: Option<&Aggregation>,
    as_of_sequence: i64,
    from_rollups: bool,
) -> Report {
    let names: Vec<String> = query.group_by.iter().map(GroupBy::name).collect();
    let groups: Vec<GroupReport> = current
        .groups
        .iter()
        .map(|(key, by_survey)| {
            let previous_group = previous.and_then(|previous| previous.groups.get(key));
            group_report(
                query,
                surveys,
                &current.plan,
                names.iter().cloned().zip(key.iter().cloned()).collect(),
                [by_survey],
                previous.map(|_| previous_group.into_iter().collect::<Vec<_>>()),
            )
        })
        .collect();
    // Overlapping groups count a rating once in each of its groups: the overall numbers are
    // then counted apart, each rating once.
    fn overall_parts(aggregation: &Aggregation) -> Vec<&BySurvey> {
        match &aggregation.overall {
            Some(overall) => vec![overall],
            None => aggregation.groups.values().collect(),
        }
    }
    let current_overall = overall_parts(current);
    let overall = group_report(
        query,
        surveys,
        &current.plan,
        Vec::new(),
        current_overall.iter().copied(),
        previous.map(overall_parts),
    );
    Report {
        overall,
        groups: if query.group_by.is_empty() {
            Vec::new()
        } else {
            groups
        },
        as_of_sequence,
        from_rollups,
        groups_overlap: query.groups_overlap(),
    }
}

type BySurvey = BTreeMap<String, SurveyCounts>;

fn group_report<'a>(
    query: &ReportQuery,
    surveys: &HashMap<String, SurveyFacts>,
    plan: &BucketPlan,
    key: Vec<(String, String)>,
    parts: impl IntoIterator<Item = &'a BySurvey> + Clone,
    previous_parts: Option<Vec<&'a BySurvey>>,
) -> GroupReport {
    let metrics_of = |slot: &dyn Fn(&SurveyCounts) -> &ScoreCounts,
                      parts: &mut dyn Iterator<Item = &'a BySurvey>| {
        let mut counts: Vec<(Scale, &[i64])> = Vec::new();
        for by_survey in parts {
            for (survey_id, survey_counts) in by_survey {
                if let Some(facts) = surveys.get(survey_id) {
                    counts.push((facts.scale, scale_slice(facts.scale, slot(survey_counts))));
                }
            }
        }
        compute(counts, query.confidence, query.min_sample)
    };
    let metrics = metrics_of(&|counts| &counts.total, &mut parts.clone().into_iter());
    let change = previous_parts.map(|previous_parts| {
        let previous = metrics_of(&|counts| &counts.total, &mut previous_parts.into_iter());
        change(&metrics, previous, query.confidence)
    });
    let series = (0..plan.len())
        .map(|bucket| BucketReport {
            start_time: plan.boundaries[bucket],
            end_time: plan.boundaries[bucket + 1],
            metrics: metrics_of(
                &|counts| &counts.buckets[bucket],
                &mut parts.clone().into_iter(),
            ),
            follow_ups: None,
            invitations: None,
        })
        .collect();
    let mut touchpoints: Vec<String> = Vec::new();
    let mut targets: Vec<(Metric, Option<f64>)> = Vec::new();
    for by_survey in parts {
        for (survey_id, counts) in by_survey {
            if let Some(facts) = surveys.get(survey_id)
                && counts.total.iter().any(|count| *count > 0)
            {
                if !touchpoints.contains(&facts.touchpoint) {
                    touchpoints.push(facts.touchpoint.clone());
                }
                targets.push((facts.scale.metric, facts.target));
            }
        }
    }
    touchpoints.sort();
    let target = match targets.split_first() {
        Some(((metric, Some(value)), rest))
            if rest.iter().all(|other| *other == (*metric, Some(*value))) =>
        {
            Some((*metric, *value))
        }
        _ => None,
    };
    GroupReport {
        key,
        metrics,
        change,
        series,
        touchpoints,
        target,
        follow_ups: None,
        invitations: None,
    }
}

fn scale_slice(scale: Scale, counts: &ScoreCounts) -> &[i64] {
    let low = usize::try_from(scale.scale_min)
        .unwrap_or(0)
        .min(SCORE_SLOTS);
    let high = usize::try_from(scale.scale_max)
        .unwrap_or(0)
        .min(SCORE_SLOTS - 1);
    counts.get(low..=high).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::fields_of;

    fn input() -> ReportQueryInput {
        ReportQueryInput {
            granularity: Ok(Granularity::Day),
            ..ReportQueryInput::default()
        }
    }

    #[test]
    fn defaults_are_utc_95_percent_and_30_ratings() {
        let query = input().parse("query.").unwrap();
        assert_eq!(query.time_zone, Tz::UTC);
        assert_eq!(query.confidence, 0.95);
        assert_eq!(query.min_sample, 30);
    }

    #[test]
    fn group_by_entries_are_named_as_requested() {
        let query = ReportQueryInput {
            group_by: vec!["touchpoint".into(), "attributes.agent".into()],
            ..input()
        }
        .parse("query.")
        .unwrap();
        assert_eq!(
            query.group_by,
            [GroupBy::Touchpoint, GroupBy::Attribute("agent".into())]
        );
        assert_eq!(query.group_by[1].name(), "attributes.agent");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ReportQueryInput {
            filter: RatingFilterInput {
                min_score: Some(5),
                max_score: Some(1),
                ..RatingFilterInput::default()
            },
            group_by: vec!["agent".into(), "survey".into(), "survey".into()],
            granularity: Err(9),
            time_zone: "Mars/Olympus_Mons".into(),
            compare_previous: true,
            confidence: Some(1.0),
            min_sample: Some(-1),
        };
        let fields = fields_of(bad.parse("query.").unwrap_err());
        assert_eq!(
            fields,
            [
                "query.filter.min_score",
                "query.group_by[0]",
                "query.group_by[2]",
                "query.granularity",
                "query.time_zone",
                "query.confidence",
                "query.min_sample",
                "query.compare_previous",
            ]
        );
    }

    #[test]
    fn limits_are_written_with_thousands_separators() {
        let written: Vec<String> = [0, 999, 1_000, 50_000, 1_234_567]
            .into_iter()
            .map(with_separators)
            .collect();

        assert_eq!(written, ["0", "999", "1,000", "50,000", "1,234,567"]);
    }

    #[test]
    fn each_benchmark_compared_lowers_the_most_segments() {
        let most = |benchmarks| GroupLimit::benchmark_report(benchmarks).most;

        assert_eq!(
            [most(0), most(1), most(2), most(100), most(1_501)],
            [1_000, 1_000, 750, 15, 0]
        );
        assert_eq!(GroupLimit::benchmark_report(1).benchmarks, None);
        assert_eq!(GroupLimit::benchmark_report(2).benchmarks, Some(2));
    }

    #[test]
    fn a_new_group_is_refused_past_either_limit() {
        let check = |groups, buckets| GroupLimit::REPORT.check(groups, buckets);

        assert_eq!(check(1_000, 1), Ok(()));
        assert_eq!(check(1_001, 0), Err(TooLarge::Groups(GroupLimit::REPORT)));
        assert_eq!(check(4, 10_000), Ok(()));
        assert_eq!(
            check(5, 10_000),
            Err(TooLarge::Buckets { per_series: 10_000 })
        );
        // Without group_by, the overall series is the only one.
        assert_eq!(check(0, 10_000), Ok(()));
    }
}
