//! What a report asks for: which ratings, grouped how, in which time buckets and zone, at which
//! confidence.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono_tz::Tz;

use super::metrics::{Change, Metrics, Scale, change, compute};
use super::time_buckets::{BucketPlan, Granularity};
use super::validation::{Violations, is_key};
use super::{FieldViolation, Metric, Micros, RatingFilter, RatingFilterInput};

/// Most group_by entries in one query.
pub const MAX_GROUP_BY: usize = 4;
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
            GroupBy::Attribute(key) => format!("attributes.{key}"),
        }
    }

    fn parse(entry: &str) -> Option<GroupBy> {
        match entry {
            "survey" => Some(GroupBy::Survey),
            "touchpoint" => Some(GroupBy::Touchpoint),
            "channel" => Some(GroupBy::Channel),
            _ => entry
                .strip_prefix("attributes.")
                .filter(|key| is_key(key))
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
        let filter = match self.filter.parse(&format!("{prefix}filter.")) {
            Ok(filter) => Some(filter),
            Err(found) => {
                violations.extend(found);
                None
            }
        };
        let mut group_by: Vec<GroupBy> = Vec::new();
        if self.group_by.len() > MAX_GROUP_BY {
            violations.add("group_by", "at most 4 entries");
        }
        for (index, entry) in self.group_by.iter().enumerate() {
            match GroupBy::parse(entry) {
                Some(parsed) if group_by.contains(&parsed) => {
                    violations.add(&format!("group_by[{index}]"), "repeated entry");
                }
                Some(parsed) => group_by.push(parsed),
                None => violations.add(
                    &format!("group_by[{index}]"),
                    "survey, touchpoint, channel or attributes.<key> with a key matching [a-z0-9_.-]{1,63}",
                ),
            }
        }
        let granularity = match self.granularity {
            Ok(granularity) => granularity,
            Err(number) => {
                violations.add("granularity", format!("unknown granularity {number}"));
                Granularity::None
            }
        };
        let time_zone = if self.time_zone.is_empty() {
            Tz::UTC
        } else {
            Tz::from_str(&self.time_zone).unwrap_or_else(|_| {
                violations.add(
                    "time_zone",
                    "an IANA time zone such as America/New_York, or empty for UTC",
                );
                Tz::UTC
            })
        };
        let confidence = self.confidence.unwrap_or(DEFAULT_CONFIDENCE);
        if !(confidence > 0.0 && confidence < 1.0) {
            violations.add(
                "confidence",
                "between 0 and 1, both excluded (0.95 by default)",
            );
        }
        let min_sample = self.min_sample.unwrap_or(DEFAULT_MIN_SAMPLE);
        if min_sample < 0 {
            violations.add("min_sample", "must not be negative");
        }
        if self.compare_previous && !has_range {
            violations.add(
                "compare_previous",
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

/// Counts of the ratings a query selects, by group, survey and bucket: what the rollups or a scan
/// produce, and everything the report's numbers are computed from.
#[derive(Debug, Clone, Default)]
pub struct Aggregation {
    /// The buckets of the series.
    pub plan: BucketPlan,
    /// Counts by group key (one value per group_by entry) and survey id.
    pub groups: BTreeMap<Vec<String>, BTreeMap<String, SurveyCounts>>,
}

impl Aggregation {
    /// Returns an empty aggregation over `plan`.
    pub fn new(plan: BucketPlan) -> Aggregation {
        Aggregation {
            plan,
            groups: BTreeMap::new(),
        }
    }

    /// Drops the surveys without a rating, and the groups left without any: a group exists only
    /// where ratings do.
    pub fn prune_empty(&mut self) {
        for by_survey in self.groups.values_mut() {
            by_survey.retain(|_, counts| counts.total.iter().any(|count| *count > 0));
        }
        self.groups.retain(|_, by_survey| !by_survey.is_empty());
    }

    /// Returns the counts of `survey_id` in the group `key`, created empty when absent. Called once
    /// per series or row, not per count: the lookups cost more than the additions.
    pub fn counts(&mut self, key: &[String], survey_id: &str) -> &mut SurveyCounts {
        let buckets = self.plan.len();
        self.groups
            .entry(key.to_vec())
            .or_default()
            .entry(survey_id.to_string())
            .or_insert_with(|| SurveyCounts {
                total: [0; SCORE_SLOTS],
                buckets: vec![[0; SCORE_SLOTS]; buckets],
            })
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
    let overall = group_report(
        query,
        surveys,
        &current.plan,
        Vec::new(),
        current.groups.values(),
        previous.map(|previous| previous.groups.values().collect()),
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
        let fields: Vec<String> = bad
            .parse("query.")
            .unwrap_err()
            .into_iter()
            .map(|violation| violation.field)
            .collect();
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
}
