//! The report engine: decides whether the rollups in memory cover a query, counts the ratings it
//! selects from them or from a scan of the ratings, and turns the counts into reports and
//! benchmark reports. Both paths fill the same [`Aggregation`], so they agree to the rating.

pub mod mirror;
pub mod watchers;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono_tz::Tz;
use tokio::sync::Mutex;

use crate::domain::benchmark::{
    self, Benchmark, Comparison, Headline, Measure, Standing, Status, Trend, headline, standings,
};
use crate::domain::follow_up::{PlacedFollowUp, add_loop_figures};
use crate::domain::invitation::ResponseFigures;
use crate::domain::metrics::{Change, Metrics, Scale};
use crate::domain::report::{
    Aggregation, GroupBy, GroupLimit, MAX_BENCHMARK_COMPARISONS, MAX_REPORT_BUCKETS, Report,
    ReportQuery, SCORE_SLOTS, SurveyFacts, TooLarge, assemble, with_separators,
};
use crate::domain::time_buckets::{
    BucketPlan, Granularity, MAX_BUCKETS, first_instant_in, first_instant_of_date, local_date,
};
use crate::domain::{Channel, FieldReason, FieldViolation, Metric, Micros, RatingFilter, Survey};
use crate::error::{Error, Result};
use crate::store::invitation_rollups::{InvitationDistinctions, InvitationScope};
use crate::store::report_scan::{GroupCap, ReportScan, ScanCount};
use crate::store::rollups::{ANY_CHANNEL, REASON_DIMENSION, date_of_day, day_number};
use crate::store::{CounterVersions, LazySnapshot, LoopRow, Store};
use mirror::{MirrorState, RollupMirror};

const QUARTER_HOUR: Micros = 15 * 60 * 1_000_000;
const SECOND: Micros = 1_000_000;
/// A scan over less than this share of the stored time span reads the ratings through the
/// occur_time index; over more, it reads the table straight through.
const NARROW_RANGE_SHARE: f64 = 0.6;

/// What the engine knows of a survey.
#[derive(Debug, Clone)]
struct SurveyInfo {
    facts: SurveyFacts,
    dimensions: Vec<String>,
    /// Whether it has a follow-up rule, or follow-ups from one it had: where reports give the
    /// loop's figures.
    follow_ups_apply: bool,
}

/// Surveys as of one catalog version.
#[derive(Debug, Default)]
struct Catalog {
    version: Option<i64>,
    surveys: Arc<HashMap<String, SurveyInfo>>,
}

/// Computes reports; cheap to clone.
#[derive(Debug, Clone)]
pub struct Reports {
    store: Store,
    mirror: RollupMirror,
    catalog: Arc<Mutex<Catalog>>,
}

/// One segment of a benchmark report.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Group key, empty for the single segment of a query without group_by.
    pub key: Vec<(String, String)>,
    /// Metrics.
    pub metrics: Metrics,
    /// Against the previous period, when asked: the group's change, as GetReport gives it.
    pub change: Option<Change>,
    /// The headline metric and its estimate.
    pub headline: Option<Headline>,
    /// The target the segment's surveys share, when it is in the headline's unit.
    pub target: Option<f64>,
    /// Against the target.
    pub target_status: Option<Status>,
    /// One per benchmark.
    pub comparisons: Vec<(Benchmark, Comparison)>,
    /// Among the segments.
    pub standing: Option<Standing>,
    /// Over the buckets.
    pub trend: Trend,
}

/// A computed benchmark report.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkReport {
    /// One per group.
    pub segments: Vec<Segment>,
    /// Every rating up to this sequence is counted.
    pub as_of_sequence: i64,
}

/// How the mirror answers a query: its days and the previous period's.
struct MirrorPlan {
    zone_name: String,
    /// The query's range, when it bounds one.
    span: Option<DaySpan>,
    /// The previous period's, when the query compares with it.
    previous: Option<DaySpan>,
    /// The dimension whose cells the query reads, if any: the attribute it groups or filters by,
    /// or [`REASON_DIMENSION`].
    dimension: Option<String>,
    /// The one value of `dimension` the filter selects, if it selects one.
    wanted_value: Option<String>,
    /// Whether the groups overlap (grouped by reason): the overall numbers are then read from
    /// the base cells, which count each rating once.
    overall_from_base: bool,
}

/// Which ratings a report counted, so that it counts their follow-ups and no others.
enum CountedRatings<'a> {
    /// Those the snapshot the follow-ups are read in does not exclude (scanned in it).
    InSnapshot,
    /// Counted from the rollups in memory, which left out the `excluded` as the mirror had them
    /// (an exclusion committed since does not move the counts), except at the `edges`, scanned
    /// in the snapshot.
    Mirrored {
        excluded: Arc<HashSet<i64>>,
        edges: &'a [(Micros, Micros)],
    },
}

impl CountedRatings<'_> {
    /// Returns whether the rating of a follow-up read in the snapshot was counted.
    fn counted(&self, row: &LoopRow) -> bool {
        match self {
            CountedRatings::InSnapshot => !row.excluded,
            CountedRatings::Mirrored { excluded, edges } => {
                if edges
                    .iter()
                    .any(|(start, end)| (*start..*end).contains(&row.occur_time))
                {
                    !row.excluded
                } else {
                    !excluded.contains(&row.sequence)
                }
            }
        }
    }
}

/// Where a report reads what it does not take from memory: one snapshot, up to one sequence.
#[derive(Clone, Copy)]
struct ReadPoint<'a> {
    snapshot: &'a LazySnapshot<'a>,
    through_sequence: i64,
}

/// Returns whether any survey `filter` selects has had a follow-up rule, so that a report of it
/// reads the follow-ups.
fn follow_ups_in_scope(filter: &RatingFilter, surveys: &HashMap<String, SurveyInfo>) -> bool {
    surveys
        .values()
        .any(|info| info.follow_ups_apply && in_scope(filter, info))
}

/// The facts of each survey, by id.
fn facts_of(surveys: &HashMap<String, SurveyInfo>) -> HashMap<String, SurveyFacts> {
    surveys
        .iter()
        .map(|(survey_id, info)| (survey_id.clone(), info.facts.clone()))
        .collect()
}

impl Reports {
    /// Returns an engine over `store` and its rollups in memory.
    pub fn new(store: Store, mirror: RollupMirror) -> Reports {
        Reports {
            store,
            mirror,
            catalog: Arc::default(),
        }
    }

    /// Returns the report of `query`, or INVALID_ARGUMENT when it would pass a limit of its size.
    pub async fn report(&self, query: &ReportQuery) -> Result<Report> {
        self.report_within(query, GroupLimit::REPORT).await
    }

    async fn report_within(&self, query: &ReportQuery, limit: GroupLimit) -> Result<Report> {
        let target = self.store.last_committed_sequence().await?;
        let versions = self.store.counter_versions().await?;
        let surveys = self.surveys(versions.catalog_version).await?;
        if let Some(report) = self
            .report_from_mirror(query, limit, target, versions, &surveys)
            .await?
        {
            return Ok(report);
        }
        let facts = facts_of(&surveys);
        // Begun after `target` was read: its snapshot holds every rating up to it.
        let snapshot = self.store.lazy_snapshot();
        let (current, previous) = self
            .aggregate_scan(
                ReadPoint {
                    snapshot: &snapshot,
                    through_sequence: target,
                },
                query,
                &surveys,
                limit,
            )
            .await?;
        let report = assemble(query, &facts, &current, previous.as_ref(), target, false);
        self.completed(
            snapshot,
            CountedRatings::InSnapshot,
            query,
            &surveys,
            &current,
            report,
        )
        .await
    }

    /// The report of `query` from the rollups in memory and, for what they do not hold (the
    /// partial days at the range's edges, the follow-ups of the ratings counted), one snapshot;
    /// `None` when the rollups do not cover the query.
    async fn report_from_mirror(
        &self,
        query: &ReportQuery,
        limit: GroupLimit,
        target: i64,
        CounterVersions {
            rollup_version,
            exclusion_version,
            ..
        }: CounterVersions,
        surveys: &HashMap<String, SurveyInfo>,
    ) -> Result<Option<Report>> {
        let Some(plan) = mirror_plan(query, surveys) else {
            return Ok(None);
        };
        let Some(guard) = self
            .mirror
            .current(target, rollup_version, exclusion_version)
            .await?
        else {
            return Ok(None);
        };
        let Some(state) = guard
            .as_ref()
            .filter(|state| state.zones_kept().any(|zone| *zone == plan.zone_name))
        else {
            return Ok(None);
        };
        let (mut current, previous_days) = aggregate_mirror(query, surveys, state, &plan, limit)?;
        let as_of_sequence = state.as_of_sequence;
        // Taken only when read: a set still held when an exclusion is applied is copied.
        let excluded = if follow_ups_in_scope(&query.filter, surveys) {
            state.excluded()
        } else {
            Arc::default()
        };
        // The mirror's lock is not held while the database is asked.
        drop(guard);
        // Begun (if the report reads anything from the database) after the mirror counted up to
        // `as_of_sequence`: its snapshot holds those ratings.
        let snapshot = self.store.lazy_snapshot();
        let previous = self
            .add_edges(
                ReadPoint {
                    snapshot: &snapshot,
                    through_sequence: as_of_sequence,
                },
                query,
                surveys,
                &plan,
                (&mut current, previous_days),
                limit,
            )
            .await?;
        let facts = facts_of(surveys);
        let report = assemble(
            query,
            &facts,
            &current,
            previous.as_ref(),
            as_of_sequence,
            true,
        );
        let edges = plan.span.as_ref().map_or(&[][..], |span| &span.edges[..]);
        self.completed(
            snapshot,
            CountedRatings::Mirrored { excluded, edges },
            query,
            surveys,
            &current,
            report,
        )
        .await
        .map(Some)
    }

    /// Returns `report` with the loop's figures of the `counted` ratings, read in `snapshot`
    /// (ended then), and the invitations' response figures.
    async fn completed(
        &self,
        snapshot: LazySnapshot<'_>,
        counted: CountedRatings<'_>,
        query: &ReportQuery,
        surveys: &HashMap<String, SurveyInfo>,
        current: &Aggregation,
        mut report: Report,
    ) -> Result<Report> {
        self.add_loop_figures(&snapshot, counted, query, surveys, current, &mut report)
            .await?;
        snapshot.end().await?;
        self.add_response_figures(query, surveys, current, &mut report)
            .await?;
        Ok(report)
    }

    /// Sets the loop's figures of `report` from the follow-ups of the ratings it counts, read
    /// from their own table (far fewer rows than the ratings), where follow-ups apply; a report
    /// of surveys without any costs nothing more.
    async fn add_loop_figures(
        &self,
        snapshot: &LazySnapshot<'_>,
        counted: CountedRatings<'_>,
        query: &ReportQuery,
        surveys: &HashMap<String, SurveyInfo>,
        current: &Aggregation,
        report: &mut Report,
    ) -> Result<()> {
        let filter = &query.filter;
        if !follow_ups_in_scope(filter, surveys) {
            return Ok(());
        }
        let attribute_keys: Vec<&str> = query
            .group_by
            .iter()
            .filter_map(|entry| match entry {
                GroupBy::Attribute(key) => Some(key.as_str()),
                _ => None,
            })
            .collect();
        // Beside the rollups, every follow-up of the range, excluded or not: the mirror's set, not
        // the snapshot's mark, says which of their ratings were counted.
        let every = RatingFilter {
            include_excluded: matches!(counted, CountedRatings::Mirrored { .. }),
            ..filter.clone()
        };
        let rows = self
            .store
            .loop_rows(snapshot.get().await?, &every, report.as_of_sequence)
            .await?;
        // Grouped by reason, a follow-up counts in the group of each of its rating's codes, as
        // the rating does.
        let placed: Vec<PlacedFollowUp> = rows
            .into_iter()
            .filter(|row| counted.counted(row))
            .filter_map(|row| {
                let info = surveys.get(&row.survey_id)?;
                let values = attribute_values(&row.attributes, &attribute_keys);
                let keys = group_keys(
                    &query.group_by,
                    info,
                    Channel::from_number(row.channel),
                    &values,
                    &row.reason_codes,
                );
                Some(PlacedFollowUp {
                    keys,
                    bucket: current.plan.bucket_of(row.occur_time),
                    facts: row.facts,
                })
            })
            .collect();
        let applies = |survey_id: &str| {
            surveys
                .get(survey_id)
                .is_some_and(|info| info.follow_ups_apply)
        };
        add_loop_figures(report, current, applies, &placed);
        Ok(())
    }

    /// Sets the invitations, responses and response rate of `report` where they apply: grouped
    /// by nothing, survey, touchpoint or channel, filtered by nothing an invitation does not
    /// carry (a customer, scores, attributes, reason codes), with an invitation in scope; placed
    /// in buckets by their send_time. Read from the invitation rollups for whole local days in
    /// a rollup zone (not for hours), and from the invitations at the range's partial days.
    async fn add_response_figures(
        &self,
        query: &ReportQuery,
        surveys: &HashMap<String, SurveyInfo>,
        current: &Aggregation,
        report: &mut Report,
    ) -> Result<()> {
        let filter = &query.filter;
        let groups_apply = query.group_by.iter().all(|entry| {
            matches!(
                entry,
                GroupBy::Survey | GroupBy::Touchpoint | GroupBy::Channel
            )
        });
        let filter_applies = filter.customer_id.is_none()
            && filter.min_score.is_none()
            && filter.max_score.is_none()
            && filter.attributes.is_empty()
            && filter.reason_codes.is_empty();
        let mut survey_ids: Vec<String> = surveys
            .values()
            .filter(|info| in_scope(filter, info))
            .map(|info| info.facts.survey_id.clone())
            .collect();
        if !groups_apply || !filter_applies || survey_ids.is_empty() {
            return Ok(());
        }
        survey_ids.sort();
        let zone_name = query.time_zone.name();
        let rollup_zone = if query.granularity == Granularity::Hour {
            None
        } else {
            self.store
                .rollup_zones()
                .await?
                .iter()
                .any(|zone| &*zone.name == zone_name)
                .then_some((zone_name, query.time_zone))
        };
        let channels: Vec<i32> = filter
            .channels
            .iter()
            .map(|channel| channel.number())
            .collect();
        let rows = self
            .store
            .invitation_counts(&InvitationScope {
                survey_ids: &survey_ids,
                channels: &channels,
                start: filter.start_time,
                end: filter.end_time,
                rollup_zone,
                distinct: InvitationDistinctions {
                    survey: query
                        .group_by
                        .iter()
                        .any(|entry| matches!(entry, GroupBy::Survey | GroupBy::Touchpoint)),
                    channel: query.group_by.contains(&GroupBy::Channel),
                    day: !current.plan.is_empty(),
                },
            })
            .await?;
        let buckets = current.plan.len();
        // (invitations, responses)
        let zero = (0_i64, 0_i64);
        let add = |figures: &mut (i64, i64), invitations: i64, responses: i64| {
            figures.0 += invitations;
            figures.1 += responses;
        };
        let mut overall = (zero, vec![zero; buckets]);
        let mut by_key: HashMap<Vec<String>, InvitationTally> = HashMap::new();
        for row in rows {
            let Some(info) = surveys.get(&row.survey_id) else {
                continue;
            };
            let bucket = current.plan.bucket_of(row.at);
            let keys = group_keys(
                &query.group_by,
                info,
                Channel::from_number(row.channel),
                &[],
                &[],
            );
            let group = by_key
                .entry(keys.into_iter().next().unwrap_or_default())
                .or_insert_with(|| (zero, vec![zero; buckets]));
            for (total, series) in [&mut overall, group] {
                add(total, row.invitation_count, row.response_count);
                if let Some(bucket) = bucket {
                    add(
                        &mut series[bucket],
                        row.invitation_count,
                        row.response_count,
                    );
                }
            }
        }
        if overall.0.0 == 0 {
            return Ok(());
        }
        let figures = |(invitations, responses): (i64, i64)| {
            Some(ResponseFigures::new(
                invitations,
                responses,
                query.confidence,
            ))
        };
        let set = |group: &mut crate::domain::report::GroupReport,
                   (total, series): &InvitationTally| {
            group.invitations = figures(*total);
            for (bucket, counts) in group.series.iter_mut().zip(series) {
                bucket.invitations = figures(*counts);
            }
        };
        set(&mut report.overall, &overall);
        let empty = (zero, vec![zero; buckets]);
        for group in &mut report.groups {
            let key: Vec<String> = group.key.iter().map(|(_, value)| value.clone()).collect();
            set(group, by_key.get(&key).unwrap_or(&empty));
        }
        Ok(())
    }

    /// Returns each group of `query` against its target, `benchmark_ids` (every benchmark when
    /// empty), the other groups and its own trend.
    pub async fn benchmark_report(
        &self,
        query: &ReportQuery,
        benchmark_ids: &[String],
    ) -> Result<BenchmarkReport> {
        let benchmarks = self.store.benchmarks_by_id(benchmark_ids).await?;
        if benchmarks.len() > MAX_BENCHMARK_COMPARISONS {
            return Err(Error::from(FieldViolation::new(
                "benchmark_ids",
                FieldReason::TooMany,
                format!(
                    "more than {} benchmarks (an empty list means every one): name the ones to \
                     compare with",
                    with_separators(MAX_BENCHMARK_COMPARISONS)
                ),
            )));
        }
        let mut query = query.clone();
        if query.granularity == Granularity::None {
            // The trend needs a series.
            query.granularity = Granularity::Week;
        }
        let limit = GroupLimit::benchmark_report(benchmarks.len());
        let report = self.report_within(&query, limit).await?;
        let groups = if query.group_by.is_empty() {
            vec![report.overall]
        } else {
            report.groups
        };
        let headlines: Vec<Option<Headline>> = groups
            .iter()
            .map(|group| headline(&group.metrics, query.confidence))
            .collect();
        let values: Vec<Option<((Metric, Measure), f64)>> = headlines
            .iter()
            .map(|headline| {
                headline.map(|(metric, measure, estimate)| ((metric, measure), estimate.value))
            })
            .collect();
        let standings = standings(&values);
        let segments = groups
            .into_iter()
            .zip(headlines)
            .zip(standings)
            .map(|((group, headline), standing)| {
                // The line stays in the segment's measure: a bucket without it (a week with NPS
                // ratings only, in a segment headed by CSAT) is no point of it, and a bucket whose
                // own headline differs (one CES scale, in a segment headed by the easy share of
                // two) gives the segment's measure, not its own.
                let points: Vec<(Micros, f64)> = match headline {
                    Some((metric, measure, _)) => group
                        .series
                        .iter()
                        .filter_map(|bucket| {
                            benchmark::estimate(&bucket.metrics, metric, measure, query.confidence)
                                .map(|estimate| (bucket.start_time, estimate.value))
                        })
                        .collect(),
                    None => Vec::new(),
                };
                let comparisons = benchmarks
                    .iter()
                    .map(|benchmark| {
                        let comparison = benchmark::compare(
                            benchmark,
                            &group.metrics,
                            &group.touchpoints,
                            query.confidence,
                        );
                        (benchmark.clone(), comparison)
                    })
                    .collect();
                let target = benchmark::target_of(headline, group.target);
                Segment {
                    target_status: headline.zip(target).map(|((_, _, estimate), target)| {
                        estimate.status(target, group.metrics.low_sample)
                    }),
                    key: group.key,
                    headline,
                    target,
                    comparisons,
                    standing,
                    trend: benchmark::trend(&points, query.confidence),
                    metrics: group.metrics,
                    change: group.change,
                }
            })
            .collect();
        Ok(BenchmarkReport {
            segments,
            as_of_sequence: report.as_of_sequence,
        })
    }

    async fn surveys(&self, catalog_version: i64) -> Result<Arc<HashMap<String, SurveyInfo>>> {
        let mut catalog = self.catalog.lock().await;
        if catalog.version != Some(catalog_version) {
            let surveys = self.store.all_surveys().await?;
            // Follow-ups are opened only under a rule, and a rule is removed only by a survey
            // change, which moves the catalog version: what is read here stays true until then.
            let with_follow_ups = self.store.surveys_with_follow_ups().await?;
            catalog.surveys = Arc::new(
                surveys
                    .into_iter()
                    .map(|survey| {
                        let had_follow_ups = with_follow_ups.contains(&survey.survey_id);
                        (
                            survey.survey_id.clone(),
                            survey_info(survey, had_follow_ups),
                        )
                    })
                    .collect(),
            );
            catalog.version = Some(catalog_version);
        }
        Ok(catalog.surveys.clone())
    }

    /// Adds to `current` the ratings of the parts of days at the edges of its range, which the
    /// rollups do not split, scanned up to `through_sequence` (as of the mirror that counted the
    /// whole days), and returns the previous period: its whole days as the mirror counted them
    /// (`previous_days`), keyed as the groups of the complete `current`, and its edges scanned.
    async fn add_edges(
        &self,
        read: ReadPoint<'_>,
        query: &ReportQuery,
        surveys: &HashMap<String, SurveyInfo>,
        plan: &MirrorPlan,
        (current, previous_days): (&mut Aggregation, Option<Aggregation>),
        limit: GroupLimit,
    ) -> Result<Option<Aggregation>> {
        let edges = |span: &Option<DaySpan>| span.as_ref().map_or(0, |span| span.edges.len());
        if edges(&plan.span) + edges(&plan.previous) == 0 {
            return Ok(previous_days.map(|days| Aggregation::previous_from(current, days)));
        }
        let settings = self.scan_settings(read, query).await?;
        // One slice for every edge, as a scan of the whole range would take it: a bucket boundary
        // at an edge's end splits no slice of the range.
        let slice = (query.granularity != Granularity::None).then(|| {
            slice_for(
                &current.plan,
                query.filter.start_time,
                query.filter.end_time,
            )
        });
        let in_range = |start: Micros, end: Micros| RatingFilter {
            start_time: Some(start),
            end_time: Some(end),
            ..query.filter.clone()
        };
        let cap = (!settings.by_reasons).then_some(GroupCap {
            group_by: &query.group_by,
            most: most_groups(&current.plan, limit),
        });
        for (start, end) in plan.span.iter().flat_map(|span| span.edges.iter().copied()) {
            let filter = in_range(start, end);
            let rows = self
                .store
                .scan_report(
                    read.snapshot.get().await?,
                    &settings.scan(&filter, slice, cap),
                )
                .await?;
            refuse_groups_past(&rows, limit)?;
            fold_scan(current, None, &rows, query, surveys)?;
        }
        let mut previous = previous_days.map(|days| Aggregation::previous_from(current, days));
        if let Some(previous) = &mut previous {
            for (start, end) in plan
                .previous
                .iter()
                .flat_map(|span| span.edges.iter().copied())
            {
                let filter = in_range(start, end);
                // Every group of the previous period is read, as a scan of all of it does.
                let rows = self
                    .store
                    .scan_report(
                        read.snapshot.get().await?,
                        &settings.scan(&filter, None, None),
                    )
                    .await?;
                fold_scan(previous, Some(current), &rows, query, surveys)?;
            }
        }
        Ok(previous)
    }

    /// Returns what every scan of `query` shares, reading ratings up to `through_sequence`.
    async fn scan_settings(
        &self,
        read: ReadPoint<'_>,
        query: &ReportQuery,
    ) -> Result<ScanSettings> {
        let attributes: Vec<String> = query
            .group_by
            .iter()
            .filter_map(|entry| match entry {
                GroupBy::Attribute(key) => Some(key.clone()),
                _ => None,
            })
            .collect();
        Ok(ScanSettings {
            by_channel: query.group_by.contains(&GroupBy::Channel),
            attributes,
            by_reasons: query.groups_overlap(),
            extent: self
                .store
                .occur_time_extent(read.snapshot.get().await?)
                .await?,
            through_sequence: read.through_sequence,
        })
    }

    async fn aggregate_scan(
        &self,
        read: ReadPoint<'_>,
        query: &ReportQuery,
        surveys: &HashMap<String, SurveyInfo>,
        limit: GroupLimit,
    ) -> Result<(Aggregation, Option<Aggregation>)> {
        let settings = self.scan_settings(read, query).await?;
        let by_reasons = settings.by_reasons;
        let filter = &query.filter;
        let mut plan = match (filter.start_time, filter.end_time) {
            (Some(start), Some(end)) => Some(plan_buckets(query, start, end)?),
            _ => None,
        };
        let mut slice = plan
            .as_ref()
            .map(|plan| slice_for(plan, filter.start_time, filter.end_time));
        if query.granularity == Granularity::None {
            slice = None;
        } else if slice.is_none() {
            slice = Some(QUARTER_HOUR);
        }
        let most = plan
            .as_ref()
            .map_or(limit.most, |plan| most_groups(plan, limit));
        // The database ranks groups by the columns it groups by, and grouped by reason those hold
        // sets of codes, not the codes that make the groups: such a scan returns every row, and
        // the aggregation refuses a group past the limit as it creates it.
        let group_cap = (!by_reasons).then_some(GroupCap {
            group_by: &query.group_by,
            most,
        });
        let mut rows = self
            .store
            .scan_report(
                read.snapshot.get().await?,
                &settings.scan(filter, slice, group_cap),
            )
            .await?;
        refuse_groups_past(&rows, limit)?;
        if query.granularity != Granularity::None && plan.is_none() {
            // A bound the filter leaves open is the data's: plan the buckets from the bound given
            // (if any) to the matching ratings' other end, and count again more finely if a
            // boundary falls inside a quarter hour (a zone's odd historical offset). Without
            // matching ratings an open range has no end, and no buckets.
            let first = rows.iter().filter_map(|row| row.slice_start).min();
            let last = rows.iter().filter_map(|row| row.slice_start).max();
            let (start, end) = match (first, last) {
                (Some(first), Some(last)) => (
                    filter.start_time.unwrap_or(first),
                    filter.end_time.unwrap_or(last + QUARTER_HOUR),
                ),
                _ => (0, 0),
            };
            let found = plan_buckets(query, start, end)?;
            let groups = distinct_groups(&rows);
            if !query.group_by.is_empty() {
                // Before the counts of the groups' series are allocated.
                limit.check(groups, found.len()).map_err(too_large)?;
            }
            let finer = slice_for(&found, Some(start), Some(end));
            if finer != QUARTER_HOUR {
                let cap = group_cap.map(|cap| GroupCap {
                    most: groups,
                    ..cap
                });
                rows = self
                    .store
                    .scan_report(
                        read.snapshot.get().await?,
                        &settings.scan(filter, Some(finer), cap),
                    )
                    .await?;
            }
            plan = Some(found);
        }
        let mut current = Aggregation::new(plan.unwrap_or_default(), limit, by_reasons);
        fold_scan(&mut current, None, &rows, query, surveys)?;
        drop(rows);
        let previous = match previous_range(query) {
            Some((start, end)) => {
                let previous_filter = RatingFilter {
                    start_time: Some(start),
                    end_time: Some(end),
                    ..filter.clone()
                };
                // Every group of the previous period is read: the groups of the current one
                // need not come first among them.
                let rows = self
                    .store
                    .scan_report(
                        read.snapshot.get().await?,
                        &settings.scan(&previous_filter, None, None),
                    )
                    .await?;
                let mut previous = Aggregation::previous_of(&current);
                fold_scan(&mut previous, Some(&current), &rows, query, surveys)?;
                Some(previous)
            }
            None => None,
        };
        Ok((current, previous))
    }
}

/// (invitations, responses) of a group, over the range and per bucket.
type InvitationTally = ((i64, i64), Vec<(i64, i64)>);

/// Returns the INVALID_ARGUMENT a caller receives for a report that would be too large.
fn too_large(reason: TooLarge) -> Error {
    Error::from(reason.violation())
}

/// Returns how many groups a scan's rows may hold, at most, with buckets as `plan` has them: the
/// database returns the rows of one group more than fit, as many as the series of the plan leave
/// room for, else as many as the limit allows.
fn most_groups(plan: &BucketPlan, limit: GroupLimit) -> usize {
    if plan.is_empty() {
        limit.most
    } else {
        limit
            .most
            .min((MAX_REPORT_BUCKETS / plan.len()).saturating_sub(1))
    }
}

/// Refuses a scan whose rows hold a group ranked past `limit` (rows of a [`GroupCap`] scan).
fn refuse_groups_past(rows: &[ScanCount], limit: GroupLimit) -> Result<()> {
    if rows
        .iter()
        .any(|row| row.group_rank.is_some_and(|rank| rank > limit.most as i64))
    {
        return Err(too_large(TooLarge::Groups(limit)));
    }
    Ok(())
}

/// Returns how many groups the rows of a scan with a [`GroupCap`] hold (the highest rank); 1
/// without one.
fn distinct_groups(rows: &[ScanCount]) -> usize {
    rows.iter()
        .filter_map(|row| row.group_rank)
        .max()
        .map_or(1, |rank| usize::try_from(rank).unwrap_or(usize::MAX))
}

/// A range as the rollups answer it: the whole local days it holds, and the parts of days at its
/// edges, which the rollups (counts per local day) cannot split and a scan reads: a range ending
/// now, as a dashboard asks during the day, scans two partial days instead of all of them.
#[derive(Debug, Clone, PartialEq)]
struct DaySpan {
    /// `[first, end)` whole days.
    first: i32,
    end: i32,
    /// `[start, end)` instants outside the whole days: at most one part at each edge.
    edges: Vec<(Micros, Micros)>,
}

impl DaySpan {
    /// Returns the whole local days of `[start, end)` in `zone` and the parts of days at its
    /// edges; `None` when it is not from midnight to midnight and holds no whole day (a scan of
    /// it reads no more than the edges would).
    fn of(zone: Tz, start: Micros, end: Micros) -> Option<DaySpan> {
        let starts_at_midnight = is_local_midnight(zone, start);
        let first = day_number(local_date(zone, start)) + i32::from(!starts_at_midnight);
        let end_day = day_number(local_date(zone, end));
        if starts_at_midnight && is_local_midnight(zone, end) {
            return Some(DaySpan {
                first,
                end: end_day,
                edges: Vec::new(),
            });
        }
        if first >= end_day {
            return None;
        }
        let midnight = |day: i32| first_instant_in(zone, date_of_day(day), date_of_day(day + 1));
        let edges = [(start, midnight(first)?), (midnight(end_day)?, end)]
            .into_iter()
            .filter(|(from, to)| from < to)
            .collect();
        Some(DaySpan {
            first,
            end: end_day,
            edges,
        })
    }

    /// Returns the span of a range with no whole day: all of it an edge.
    fn all_edge(start: Micros, end: Micros) -> DaySpan {
        DaySpan {
            first: 0,
            end: 0,
            edges: vec![(start, end)],
        }
    }
}

/// What every scan of one report shares.
struct ScanSettings {
    by_channel: bool,
    attributes: Vec<String>,
    by_reasons: bool,
    /// First and last occur_time stored.
    extent: Option<(Micros, Micros)>,
    through_sequence: i64,
}

impl ScanSettings {
    fn scan<'a>(
        &'a self,
        filter: &'a RatingFilter,
        time_slice: Option<Micros>,
        group_cap: Option<GroupCap<'a>>,
    ) -> ReportScan<'a> {
        let use_time_index = match (self.extent, filter.start_time, filter.end_time) {
            (Some((first, last)), Some(start), Some(end)) if last > first => {
                ((end.min(last + 1) - start.max(first)) as f64 / (last - first) as f64)
                    < NARROW_RANGE_SHARE
            }
            _ => false,
        };
        ReportScan {
            filter,
            by_channel: self.by_channel,
            attributes: &self.attributes,
            by_reasons: self.by_reasons,
            time_slice,
            use_time_index,
            through_sequence: self.through_sequence,
            group_cap,
        }
    }
}

/// Adds a scan's counts to `aggregation`, in its buckets when it has any; to a previous period's
/// when `current` is given.
fn fold_scan(
    aggregation: &mut Aggregation,
    current: Option<&Aggregation>,
    rows: &[ScanCount],
    query: &ReportQuery,
    surveys: &HashMap<String, SurveyInfo>,
) -> Result<()> {
    for row in rows {
        let Some(info) = surveys.get(&row.survey_id) else {
            continue;
        };
        let keys = group_keys(
            &query.group_by,
            info,
            Channel::from_number(row.channel),
            &row.attributes,
            &row.reason_codes,
        );
        let bucket = row
            .slice_start
            .and_then(|start| aggregation.plan.bucket_of(start));
        let score = usize::try_from(row.score).unwrap_or(SCORE_SLOTS);
        for mut key in keys {
            if let Some(current) = current {
                key = current.previous_key(key);
            }
            aggregation
                .counts(&key, &row.survey_id)
                .map_err(too_large)?
                .add(bucket, score, row.count);
        }
        if let Some(overall) = aggregation.overall_counts(&row.survey_id) {
            overall.add(bucket, score, row.count);
        }
    }
    Ok(())
}

fn survey_info(survey: Survey, had_follow_ups: bool) -> SurveyInfo {
    SurveyInfo {
        follow_ups_apply: had_follow_ups || survey.follow_up.is_some(),
        facts: SurveyFacts {
            scale: Scale {
                metric: survey.metric,
                scale_min: survey.scale_min,
                scale_max: survey.scale_max,
                threshold: survey.satisfied_threshold,
            },
            touchpoint: survey.touchpoint,
            target: survey.target,
            survey_id: survey.survey_id,
        },
        dimensions: survey.dimensions,
    }
}

/// Returns the key of each group that ratings of `info`'s survey with these values fall in: the
/// value of each group_by entry; grouped by reason, one key per code of `reason_codes`, or the
/// one of the empty code when there is none.
fn group_keys(
    group_by: &[GroupBy],
    info: &SurveyInfo,
    channel: Option<Channel>,
    attributes: &[String],
    reason_codes: &[String],
) -> Vec<Vec<String>> {
    let mut attribute_values = attributes.iter();
    let key: Vec<String> = group_by
        .iter()
        .map(|entry| match entry {
            GroupBy::Survey => info.facts.survey_id.clone(),
            GroupBy::Touchpoint => info.facts.touchpoint.clone(),
            GroupBy::Channel => channel.map_or("", Channel::name).to_string(),
            GroupBy::Reason => String::new(),
            GroupBy::Attribute(_) => attribute_values.next().cloned().unwrap_or_default(),
        })
        .collect();
    let reason_at = group_by.iter().position(|entry| *entry == GroupBy::Reason);
    match reason_at {
        Some(reason_at) if !reason_codes.is_empty() => reason_codes
            .iter()
            .map(|code| {
                let mut with_code = key.clone();
                with_code[reason_at].clone_from(code);
                with_code
            })
            .collect(),
        _ => vec![key],
    }
}

/// Returns the values of `keys` among stored attributes (a JSON object of strings), the empty
/// string for a key the rating lacks, as filters and rollups read them.
fn attribute_values(stored: &str, keys: &[&str]) -> Vec<String> {
    if keys.is_empty() {
        return Vec::new();
    }
    let attributes: std::collections::BTreeMap<String, String> =
        serde_json::from_str(stored).unwrap_or_default();
    keys.iter()
        .map(|key| attributes.get(*key).cloned().unwrap_or_default())
        .collect()
}

/// Returns whether `filter` selects ratings of `info`'s survey, as far as the survey decides it.
fn in_scope(filter: &RatingFilter, info: &SurveyInfo) -> bool {
    (filter.survey_ids.is_empty() || filter.survey_ids.contains(&info.facts.survey_id))
        && (filter.touchpoints.is_empty() || filter.touchpoints.contains(&info.facts.touchpoint))
}

/// Returns the buckets of `query` over `[start, end)`, or INVALID_ARGUMENT when too many.
fn plan_buckets(query: &ReportQuery, start: Micros, end: Micros) -> Result<BucketPlan> {
    BucketPlan::new(query.time_zone, query.granularity, start, end).map_err(|_| {
        Error::from(FieldViolation::new(
            "query.granularity",
            FieldReason::TooMany,
            format!(
                "more than {MAX_BUCKETS} buckets: narrow the range (where filter.start_time or \
                 filter.end_time is unset, it runs from the earliest or to the latest occur_time \
                 of the matching ratings) or choose a coarser granularity"
            ),
        ))
    })
}

/// Returns the longest time slice (a quarter hour, a second, a microsecond) that no bucket
/// boundary inside the range splits.
fn slice_for(plan: &BucketPlan, start: Option<Micros>, end: Option<Micros>) -> Micros {
    let (start, end) = (start.unwrap_or(Micros::MIN), end.unwrap_or(Micros::MAX));
    [QUARTER_HOUR, SECOND]
        .into_iter()
        .find(|unit| plan.aligned_to(*unit, start, end))
        .unwrap_or(1)
}

/// Returns whether `instant` is the first instant of its local date in `zone`.
fn is_local_midnight(zone: Tz, instant: Micros) -> bool {
    first_instant_of_date(zone, local_date(zone, instant)) == Some(instant)
}

/// Returns the previous period of a query comparing with it: as many local days before the start
/// when the range runs from one local midnight to another, else the same length of time.
fn previous_range(query: &ReportQuery) -> Option<(Micros, Micros)> {
    if !query.compare_previous {
        return None;
    }
    let (start, end) = (query.filter.start_time?, query.filter.end_time?);
    let zone = query.time_zone;
    if is_local_midnight(zone, start) && is_local_midnight(zone, end) {
        let start_date = local_date(zone, start);
        let days = local_date(zone, end).signed_duration_since(start_date);
        let previous_date = start_date - days;
        let previous_start = first_instant_in(zone, previous_date, start_date)?;
        return Some((previous_start, start));
    }
    Some((start - (end - start), start))
}

/// Returns how the rollups in memory answer `query`, or `None` when they do not cover it.
fn mirror_plan(query: &ReportQuery, surveys: &HashMap<String, SurveyInfo>) -> Option<MirrorPlan> {
    let filter = &query.filter;
    let calendar = query.granularity == Granularity::None || query.granularity.is_calendar();
    if filter.customer_id.is_some() || !calendar {
        return None;
    }
    let mut keys: Vec<&String> = filter.attributes.keys().collect();
    for entry in &query.group_by {
        if let GroupBy::Attribute(key) = entry
            && !keys.contains(&key)
        {
            keys.push(key);
        }
    }
    let by_channel = !filter.channels.is_empty() || query.group_by.contains(&GroupBy::Channel);
    let by_reason = query.groups_overlap();
    let reason_filtered = !filter.reason_codes.is_empty();
    let (dimension, wanted_value) = match keys[..] {
        // Reason cells are a dimension every survey has. A sum of the cells of two codes counts
        // a rating holding both twice, and a code's cell cannot tell which of its ratings also
        // hold a code the filter names: a filter of several codes, or of codes in a report
        // grouped by reason, is left to the scan.
        [] if by_reason || reason_filtered => {
            if by_channel || (reason_filtered && (by_reason || filter.reason_codes.len() > 1)) {
                return None;
            }
            (
                Some(REASON_DIMENSION.to_string()),
                filter.reason_codes.first().cloned(),
            )
        }
        [] => (None, None),
        [key] => {
            let declared = surveys
                .values()
                .filter(|info| in_scope(filter, info))
                .all(|info| info.dimensions.contains(key));
            if by_channel || by_reason || reason_filtered || !declared {
                return None;
            }
            (Some(key.clone()), filter.attributes.get(key).cloned())
        }
        _ => return None,
    };
    let zone = query.time_zone;
    let span = match (filter.start_time, filter.end_time) {
        (None, None) => None,
        (Some(start), Some(end)) => Some(DaySpan::of(zone, start, end)?),
        // A half-open range starts or ends with the data, which need not be a local midnight.
        _ => return None,
    };
    let previous = previous_range(query).map(|(start, end)| {
        DaySpan::of(zone, start, end).unwrap_or_else(|| DaySpan::all_edge(start, end))
    });
    Some(MirrorPlan {
        zone_name: zone.name().to_string(),
        span,
        previous,
        dimension,
        wanted_value,
        overall_from_base: by_reason,
    })
}

/// Counts the query's ratings from the rollups in memory: its own period, and the whole days of
/// the previous one counted apart (see [`Aggregation::previous_from`]).
fn aggregate_mirror(
    query: &ReportQuery,
    surveys: &HashMap<String, SurveyInfo>,
    state: &MirrorState,
    plan: &MirrorPlan,
    limit: GroupLimit,
) -> Result<(Aggregation, Option<Aggregation>)> {
    // Before the first rating a zone has no rollups yet: it answers as an empty one does, with
    // empty buckets and an empty previous period.
    let no_rollups = mirror::ZoneRollups::default();
    let rollups = state
        .zones
        .get(plan.zone_name.as_str())
        .unwrap_or(&no_rollups);
    let series = selected_series(
        rollups,
        surveys,
        &query.filter,
        plan.dimension.as_deref(),
        plan.wanted_value.as_deref(),
    );
    let overall_series = if plan.overall_from_base {
        selected_series(rollups, surveys, &query.filter, None, None)
    } else {
        Vec::new()
    };
    let scores = score_range(&query.filter);
    let (first_day, end_day) = match &plan.span {
        Some(span) => (span.first, span.end),
        None => days_with_ratings(series.iter().map(|selected| selected.days), &scores),
    };
    let bucket_plan = match (&plan.span, query.filter.start_time, query.filter.end_time) {
        // Buckets as a scan of the range plans them: the first and last start and end with it.
        (Some(span), Some(start), Some(end))
            if !span.edges.is_empty() && query.granularity != Granularity::None =>
        {
            plan_buckets(query, start, end)?
        }
        _ => day_bucket_plan(query, first_day, end_day)?,
    };
    let fold = SeriesFold {
        group_by: &query.group_by,
        series,
        overall_series,
        scores,
        first_day,
        day_buckets: day_buckets(query.time_zone, &bucket_plan, first_day, end_day),
    };
    let mut current = Aggregation::new(bucket_plan, limit, plan.overall_from_base);
    fold.add_to(&mut current, true, first_day, end_day)
        .map_err(too_large)?;
    let previous = match &plan.previous {
        Some(span) => {
            // Keyed as `current`'s groups once its edges are in (Reports::add_edges).
            let mut previous = Aggregation::previous_counted_apart(&current);
            fold.add_to(&mut previous, false, span.first, span.end)
                .map_err(too_large)?;
            Some(previous)
        }
        None => None,
    };
    Ok((current, previous))
}

/// One series of the rollups that a query selects, with its survey.
struct SelectedSeries<'a> {
    key: &'a mirror::SeriesKey,
    days: &'a mirror::DaySeries,
    info: &'a SurveyInfo,
}

/// Returns the series of `rollups` that count the ratings `filter` selects: the base series (by
/// channel) of the surveys in scope without `dimension`, else their series of that dimension, of
/// `wanted_value` only when given.
fn selected_series<'a>(
    rollups: &'a mirror::ZoneRollups,
    surveys: &'a HashMap<String, SurveyInfo>,
    filter: &RatingFilter,
    dimension: Option<&str>,
    wanted_value: Option<&str>,
) -> Vec<SelectedSeries<'a>> {
    rollups
        .series
        .iter()
        .filter_map(|(key, days)| {
            let info = surveys.get(&*key.survey_id)?;
            if !in_scope(filter, info) {
                return None;
            }
            let selected = match dimension {
                None => {
                    key.dimension.is_empty()
                        && (filter.channels.is_empty()
                            || filter
                                .channels
                                .iter()
                                .any(|channel| channel.number() == key.channel))
                }
                Some(dimension) => {
                    *key.dimension == *dimension
                        && wanted_value.is_none_or(|wanted| *key.value == *wanted)
                }
            };
            selected.then_some(SelectedSeries { key, days, info })
        })
        .collect()
}

/// Returns the scores `filter` selects.
fn score_range(filter: &RatingFilter) -> std::ops::RangeInclusive<i32> {
    filter.min_score.unwrap_or(0)..=filter.max_score.unwrap_or(10)
}

/// Returns `[first, end)`: the days from the first to the last with a rating of `scores` in any of
/// `series`, `(0, 0)` when there is none. A query that names no range covers them.
fn days_with_ratings<'a>(
    series: impl IntoIterator<Item = &'a mirror::DaySeries>,
    scores: &std::ops::RangeInclusive<i32>,
) -> (i32, i32) {
    let extents = series.into_iter().filter_map(|days| {
        days.extent_where(|counts| {
            counts
                .iter()
                .enumerate()
                .any(|(score, count)| *count > 0 && scores.contains(&(score as i32)))
        })
    });
    let (mut first, mut last) = (i32::MAX, i32::MIN);
    for (series_first, series_last) in extents {
        first = first.min(series_first);
        last = last.max(series_last);
    }
    if first > last {
        (0, 0)
    } else {
        (first, last + 1)
    }
}

/// Returns the query's buckets over the days `[first_day, end_day)`; none without a granularity
/// or without days.
fn day_bucket_plan(query: &ReportQuery, first_day: i32, end_day: i32) -> Result<BucketPlan> {
    if query.granularity == Granularity::None || first_day >= end_day {
        return Ok(BucketPlan::default());
    }
    let zone = query.time_zone;
    let start = first_instant_in(zone, date_of_day(first_day), date_of_day(first_day + 1))
        .unwrap_or_default();
    let end = first_instant_in(zone, date_of_day(end_day), date_of_day(end_day + 7))
        .unwrap_or(Micros::MAX);
    plan_buckets(query, start, end)
}

/// Returns the bucket of each day of `[first_day, end_day)`, in order.
fn day_buckets(zone: Tz, plan: &BucketPlan, first_day: i32, end_day: i32) -> Vec<Option<usize>> {
    (first_day..end_day)
        .map(|day| {
            first_instant_in(zone, date_of_day(day), date_of_day(day + 1))
                .and_then(|instant| plan.bucket_of(instant))
        })
        .collect()
}

/// Adds the counts of selected series to an aggregation, day by day.
struct SeriesFold<'a> {
    group_by: &'a [GroupBy],
    series: Vec<SelectedSeries<'a>>,
    /// Where groups overlap, the base series that give the overall numbers.
    overall_series: Vec<SelectedSeries<'a>>,
    scores: std::ops::RangeInclusive<i32>,
    /// The day `day_buckets` starts at.
    first_day: i32,
    day_buckets: Vec<Option<usize>>,
}

impl SeriesFold<'_> {
    /// Adds the counts of the days `[first, end)` to `aggregation`, each group under its own key:
    /// the report's own period into its buckets when `in_buckets`, a previous period into none.
    fn add_to(
        &self,
        aggregation: &mut Aggregation,
        in_buckets: bool,
        first: i32,
        end: i32,
    ) -> std::result::Result<(), TooLarge> {
        // A group is created at its first rating in the range, so that one whose ratings all lie
        // elsewhere neither counts against the limit nor holds series.
        let mut cells: Vec<(Option<usize>, usize, i64)> = Vec::new();
        for SelectedSeries { key, days, info } in &self.series {
            let value = [key.value.to_string()];
            let (attributes, reason_codes): (&[String], &[String]) =
                if *key.dimension == *REASON_DIMENSION {
                    (&[], &value)
                } else {
                    (&value, &[])
                };
            let groups = group_keys(
                self.group_by,
                info,
                Channel::from_number(key.channel).filter(|_| key.channel != ANY_CHANNEL),
                attributes,
                reason_codes,
            );
            self.cells_of(days, in_buckets, first, end, &mut cells);
            if cells.is_empty() {
                continue;
            }
            for group in groups {
                let counts = aggregation.counts(&group, &key.survey_id)?;
                for (bucket, score, count) in &cells {
                    counts.add(*bucket, *score, *count);
                }
            }
        }
        for SelectedSeries { key, days, .. } in &self.overall_series {
            self.cells_of(days, in_buckets, first, end, &mut cells);
            if let Some(counts) = aggregation.overall_counts(&key.survey_id) {
                for (bucket, score, count) in &cells {
                    counts.add(*bucket, *score, *count);
                }
            }
        }
        Ok(())
    }

    /// Sets `cells` to the counts of `days` in `[first, end)` of the selected scores, each with
    /// its bucket when `in_buckets`.
    fn cells_of(
        &self,
        days: &mirror::DaySeries,
        in_buckets: bool,
        first: i32,
        end: i32,
        cells: &mut Vec<(Option<usize>, usize, i64)>,
    ) {
        cells.clear();
        days.for_each_day(first, end, |day, day_counts| {
            let bucket = self
                .day_buckets
                .get(usize::try_from(day - self.first_day).unwrap_or(usize::MAX))
                .copied()
                .flatten()
                .filter(|_| in_buckets);
            for (score, count) in day_counts.iter().enumerate() {
                if *count > 0 && self.scores.contains(&(score as i32)) {
                    cells.push((bucket, score, i64::from(*count)));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series_with(ratings: &[(i32, i32)]) -> mirror::DaySeries {
        let mut series = mirror::DaySeries::default();
        for (day, score) in ratings {
            series.add(*day, *score, 1);
        }
        series
    }

    #[test]
    fn a_range_not_named_covers_the_days_with_ratings_of_the_scores_selected() {
        let detractors_late = series_with(&[(10, 3), (40, 2), (50, 9)]);
        let promoters_early = series_with(&[(-5, 10), (20, 4)]);
        let scores = score_range(&RatingFilter {
            max_score: Some(4),
            ..RatingFilter::default()
        });

        let days = days_with_ratings([&detractors_late, &promoters_early], &scores);

        assert_eq!(days, (10, 41));
    }

    #[test]
    fn grouped_by_reason_a_count_falls_in_the_group_of_each_code_or_of_the_empty_one() {
        let info = survey_info(
            crate::domain::SurveyDraft {
                survey_id: "chat".into(),
                touchpoint: "support_chat".into(),
                metric: Some(Metric::Csat),
                ..crate::domain::SurveyDraft::default()
            }
            .into_survey("", 0)
            .unwrap(),
            false,
        );
        let group_by = [GroupBy::Survey, GroupBy::Reason];
        let codes = ["long_wait".to_string(), "rude".to_string()];

        let with_codes = group_keys(&group_by, &info, None, &[], &codes);
        let without = group_keys(&group_by, &info, None, &[], &[]);
        let not_by_reason = group_keys(&[GroupBy::Survey], &info, None, &[], &codes);

        assert_eq!(
            with_codes,
            [["chat", "long_wait"], ["chat", "rude"]].map(|key| key.map(String::from).to_vec())
        );
        assert_eq!(without, [vec!["chat".to_string(), String::new()]]);
        assert_eq!(not_by_reason, [vec!["chat".to_string()]]);
    }

    #[test]
    fn no_rating_of_the_scores_selected_covers_no_day() {
        let promoters = series_with(&[(10, 9), (11, 10)]);
        let scores = score_range(&RatingFilter {
            min_score: Some(0),
            max_score: Some(6),
            ..RatingFilter::default()
        });

        assert_eq!(days_with_ratings([&promoters], &scores), (0, 0));
        assert_eq!(days_with_ratings([], &scores), (0, 0));
    }

    fn new_york(day: u32, hour: u32) -> Micros {
        use chrono::TimeZone as _;
        chrono_tz::America::New_York
            .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .unwrap()
            .timestamp_micros()
    }

    fn day_of(day: u32) -> i32 {
        day_number(chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap())
    }

    #[test]
    fn a_range_from_midnight_to_midnight_is_whole_days_without_edges() {
        let zone = chrono_tz::America::New_York;
        let span = DaySpan::of(zone, new_york(7, 0), new_york(10, 0)).unwrap();

        assert_eq!((span.first, span.end), (day_of(7), day_of(10)));
        assert!(span.edges.is_empty());
    }

    #[test]
    fn a_range_from_mid_day_has_its_partial_days_as_edges() {
        let zone = chrono_tz::America::New_York;
        // Across the 8th, of 23 hours in New York.
        let span = DaySpan::of(zone, new_york(7, 12), new_york(10, 9)).unwrap();

        assert_eq!((span.first, span.end), (day_of(8), day_of(10)));
        assert_eq!(
            span.edges,
            [
                (new_york(7, 12), new_york(8, 0)),
                (new_york(10, 0), new_york(10, 9))
            ]
        );
        let from_midnight = DaySpan::of(zone, new_york(7, 0), new_york(10, 9)).unwrap();
        assert_eq!(
            (from_midnight.first, from_midnight.end),
            (day_of(7), day_of(10))
        );
        assert_eq!(from_midnight.edges, [(new_york(10, 0), new_york(10, 9))]);
    }

    #[test]
    fn a_range_without_a_whole_day_has_no_span() {
        let zone = chrono_tz::America::New_York;

        assert_eq!(DaySpan::of(zone, new_york(7, 12), new_york(8, 23)), None);
        assert_eq!(DaySpan::of(zone, new_york(7, 1), new_york(7, 2)), None);
        assert!(DaySpan::of(zone, new_york(7, 12), new_york(9, 0)).is_some());
    }
}
