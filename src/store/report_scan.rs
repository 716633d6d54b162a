//! Reports that no rollup covers: the ratings themselves, counted by the database with every
//! condition and grouping pushed into one SQL aggregate.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::Store;
use crate::domain::RatingFilter;
use crate::domain::report::GroupBy;
use crate::error::Result;

/// What a report scan counts.
#[derive(Debug, Clone)]
pub struct ReportScan<'a> {
    /// Which ratings, occur_time range included.
    pub filter: &'a RatingFilter,
    /// Group by channel too.
    pub by_channel: bool,
    /// Attributes to group by, in order.
    pub attributes: &'a [String],
    /// Group by occur_time in slices this long (microseconds), when given.
    pub time_slice: Option<i64>,
    /// Whether the occur_time index should serve the range. Ratings arrive roughly in time
    /// order, so the index walks the table nearly in order too: for a range of a fraction of the
    /// data, SQLite runs it several times faster than a scan of the table or of the survey index
    /// its planner picks on its own (measured: 270 ms against 690 and 1,010 ms).
    pub use_time_index: bool,
    /// Only ratings with a sequence up to this one: the report is exact as of it.
    pub through_sequence: i64,
    /// When given, only the rows of the first groups of the report (in the order of their keys)
    /// are returned.
    pub group_cap: Option<GroupCap<'a>>,
}

/// Which rows of a scan are returned: those of the first `most + 1` groups of the report, so
/// that a report of too many groups is known as such without its rows (50,000 groups of hours
/// are millions) ever leaving the database. The groups are those of the report: ratings of two
/// surveys at one touchpoint are one group by touchpoint.
#[derive(Debug, Clone, Copy)]
pub struct GroupCap<'a> {
    /// The report's group_by; [`ReportScan::attributes`] holds its attributes, in order.
    pub group_by: &'a [GroupBy],
    /// Groups wanted: rows of one more group are returned, to show that there are more.
    pub most: usize,
}

/// Ratings counted for one combination of the scan's groupings and one score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCount {
    /// Survey.
    pub survey_id: String,
    /// Channel number, when grouped by channel (else 0).
    pub channel: i32,
    /// Values of the grouped attributes, in order; empty where a rating lacks one.
    pub attributes: Vec<String>,
    /// Start of the time slice, when sliced.
    pub slice_start: Option<i64>,
    /// Score.
    pub score: i32,
    /// Ratings.
    pub count: i64,
    /// With a [`GroupCap`], the rank of the row's group among the report's groups, from 1.
    pub group_rank: Option<i64>,
}

impl Store {
    /// Counts the ratings of `scan`, by survey, score and the scan's groupings.
    pub async fn scan_report(&self, scan: &ReportScan<'_>) -> Result<Vec<ScanCount>> {
        let backend = self.backend;
        let mut values: Vec<Value> = Vec::new();
        let mut parameter = |values: &mut Vec<Value>, value: Value| {
            values.push(value);
            match backend {
                DbBackend::Postgres => format!("${}", values.len()),
                _ => "?".to_string(),
            }
        };
        let attribute =
            |values: &mut Vec<Value>,
             key: &str,
             parameter: &mut dyn FnMut(&mut Vec<Value>, Value) -> String| {
                let mark = parameter(values, attribute_locator(backend, key));
                attribute_value_sql(backend, &mark)
            };
        // Named, so that the ranking of groups around the counts can refer to them.
        let mut columns: Vec<(String, String)> = vec![("survey_id".into(), "survey_id".into())];
        let channel = if scan.by_channel { "channel" } else { "0" };
        columns.push((channel.into(), "channel".into()));
        for (index, key) in scan.attributes.iter().enumerate() {
            let expression = attribute(&mut values, key, &mut parameter);
            columns.push((expression, format!("attribute_{index}")));
        }
        if let Some(slice) = scan.time_slice {
            let expression = format!("occur_time - ((occur_time % {slice}) + {slice}) % {slice}");
            columns.push((expression, "slice_start".into()));
        }
        columns.push(("score".into(), "score".into()));
        let mut read: Vec<String> = columns.iter().map(|(_, name)| name.clone()).collect();
        read.push("rating_count".into());
        let group_keys: Vec<String> = match scan.group_cap {
            Some(cap) => {
                let mut attribute_names = (0..).map(|index| format!("attribute_{index}"));
                cap.group_by
                    .iter()
                    .map(|entry| match entry {
                        GroupBy::Survey => "survey_id".to_string(),
                        GroupBy::Touchpoint => "touchpoint".to_string(),
                        GroupBy::Channel => "channel".to_string(),
                        GroupBy::Attribute(_) => attribute_names.next().unwrap_or_default(),
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        if group_keys.iter().any(|key| key == "touchpoint") {
            // A survey's touchpoint never changes: grouping by it too adds no row.
            columns.push(("touchpoint".into(), "touchpoint".into()));
        }
        let ranked = !group_keys.is_empty();
        let grouped = columns.len();
        let columns: Vec<String> = columns
            .into_iter()
            .map(|(expression, name)| format!("{expression} AS {name}"))
            .collect();

        let filter = scan.filter;
        let mut conditions: Vec<String> = Vec::new();
        let mark = parameter(&mut values, scan.through_sequence.into());
        conditions.push(format!("sequence <= {mark}"));
        let list =
            |values: &mut Vec<Value>,
             column: &str,
             items: Vec<Value>,
             parameter: &mut dyn FnMut(&mut Vec<Value>, Value) -> String| {
                let marks: Vec<String> = items
                    .into_iter()
                    .map(|item| parameter(values, item))
                    .collect();
                format!("{column} IN ({})", marks.join(", "))
            };
        if !filter.survey_ids.is_empty() {
            let items = filter
                .survey_ids
                .iter()
                .map(|id| id.clone().into())
                .collect();
            conditions.push(list(&mut values, "survey_id", items, &mut parameter));
        }
        if !filter.touchpoints.is_empty() {
            let items = filter
                .touchpoints
                .iter()
                .map(|id| id.clone().into())
                .collect();
            conditions.push(list(&mut values, "touchpoint", items, &mut parameter));
        }
        if !filter.channels.is_empty() {
            let items = filter
                .channels
                .iter()
                .map(|channel| channel.number().into())
                .collect();
            conditions.push(list(&mut values, "channel", items, &mut parameter));
        }
        if let Some(customer_id) = &filter.customer_id {
            let mark = parameter(&mut values, customer_id.clone().into());
            conditions.push(format!("customer_id = {mark}"));
        }
        if let Some(min_score) = filter.min_score {
            let mark = parameter(&mut values, min_score.into());
            conditions.push(format!("score >= {mark}"));
        }
        if let Some(max_score) = filter.max_score {
            let mark = parameter(&mut values, max_score.into());
            conditions.push(format!("score <= {mark}"));
        }
        if let Some(start_time) = filter.start_time {
            let mark = parameter(&mut values, start_time.into());
            conditions.push(format!("occur_time >= {mark}"));
        }
        if let Some(end_time) = filter.end_time {
            let mark = parameter(&mut values, end_time.into());
            conditions.push(format!("occur_time < {mark}"));
        }
        for (key, value) in &filter.attributes {
            let expression = attribute(&mut values, key, &mut parameter);
            let mark = parameter(&mut values, value.clone().into());
            conditions.push(format!("{expression} = {mark}"));
        }

        let source = if scan.use_time_index && backend == DbBackend::Sqlite {
            "ratings INDEXED BY ratings_occur_time"
        } else {
            "ratings"
        };
        let ordinals: Vec<String> = (1..=grouped).map(|ordinal| ordinal.to_string()).collect();
        let counted = format!(
            "SELECT {}, COUNT(*) AS rating_count FROM {source} WHERE {} GROUP BY {}",
            columns.join(", "),
            conditions.join(" AND "),
            ordinals.join(", ")
        );
        let sql = match scan.group_cap {
            Some(cap) if ranked => {
                read.push("group_rank".into());
                format!(
                    "SELECT {} FROM (SELECT counted.*, DENSE_RANK() OVER (ORDER BY {}) AS \
                     group_rank FROM ({counted}) AS counted) AS ranked WHERE group_rank <= {}",
                    read.join(", "),
                    group_keys.join(", "),
                    cap.most.saturating_add(1)
                )
            }
            _ => counted,
        };

        let rows = self
            .reader
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            let mut index = 0;
            let mut next = || {
                index += 1;
                index - 1
            };
            let survey_id: String = row.try_get_by_index(next())?;
            let channel: i32 = row.try_get_by_index(next())?;
            let mut attributes = Vec::with_capacity(scan.attributes.len());
            for _ in scan.attributes {
                attributes.push(row.try_get_by_index::<String>(next())?);
            }
            let slice_start = match scan.time_slice {
                Some(_) => Some(row.try_get_by_index::<i64>(next())?),
                None => None,
            };
            let score: i32 = row.try_get_by_index(next())?;
            let count: i64 = row.try_get_by_index(next())?;
            let group_rank = if ranked {
                Some(row.try_get_by_index::<i64>(next())?)
            } else {
                None
            };
            counts.push(ScanCount {
                survey_id,
                channel,
                attributes,
                slice_start,
                score,
                count,
                group_rank,
            });
        }
        Ok(counts)
    }

    /// Returns the earliest and the latest occur_time of all ratings, if any.
    pub async fn occur_time_extent(&self) -> Result<Option<(i64, i64)>> {
        let row = self
            .reader
            .query_one_raw(Statement::from_string(
                self.backend,
                "SELECT MIN(occur_time), MAX(occur_time) FROM ratings",
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let first: Option<i64> = row.try_get_by_index(0)?;
        let last: Option<i64> = row.try_get_by_index(1)?;
        Ok(first.zip(last))
    }
}

/// SQL for a rating's value of one attribute, the empty string when the rating lacks it, as
/// [`crate::domain::RatingFilter::matches`] and the rollups read it. `locator` is the placeholder
/// bound to [`attribute_locator`]'s value for the key.
pub(super) fn attribute_value_sql(backend: DbBackend, locator: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("COALESCE(attributes::jsonb ->> {locator}, '')"),
        _ => format!("COALESCE(json_extract(attributes, {locator}), '')"),
    }
}

/// The value [`attribute_value_sql`]'s placeholder is bound to for attribute `key`.
pub(super) fn attribute_locator(backend: DbBackend, key: &str) -> Value {
    match backend {
        DbBackend::Postgres => key.into(),
        // Quoted, so that a dot in a key is not read as a path step.
        _ => format!("$.\"{key}\"").into(),
    }
}
