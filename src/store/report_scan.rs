//! Reports that no rollup covers: the ratings themselves, counted by the database with every
//! condition and grouping pushed into one SQL aggregate.

use sea_orm::sea_query::{
    Asterisk, Expr, ExprTrait, Func, Order as SqlOrder, Query, SelectStatement, WindowStatement,
};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement};

use super::Store;
use super::entity::rating;
use super::rating_sql::{attribute_value, filter_condition, reason_codes_from_json};
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
    /// Group by the set of reason codes a rating holds, as stored: the engine adds each row to
    /// the group of each code of its set. A set is one value of one column, so the database
    /// groups by it as by an attribute, with no join on the codes; the sets that occur are few
    /// next to the ratings, each listing at most 10 codes.
    pub by_reasons: bool,
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
    /// The reason codes the counted ratings hold, when grouped by them (else empty).
    pub reason_codes: Vec<String>,
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
    /// Counts the ratings of `scan`, by survey, score and the scan's groupings, read through
    /// `snapshot` (a report's reads share one: see [`Store::read_snapshot`]).
    pub async fn scan_report<C: ConnectionTrait>(
        &self,
        snapshot: &C,
        scan: &ReportScan<'_>,
    ) -> Result<Vec<ScanCount>> {
        let statement = scan_statement(self.backend, scan);
        let rows = snapshot.query_all_raw(statement).await?;
        rows.iter().map(|row| scan_count(row, scan)).collect()
    }

    /// Returns the earliest and the latest occur_time of all ratings, if any, read through
    /// `snapshot`.
    pub async fn occur_time_extent<C: ConnectionTrait>(
        &self,
        snapshot: &C,
    ) -> Result<Option<(i64, i64)>> {
        let row = snapshot
            .query_one_raw(Statement::from_string(self.backend, OCCUR_TIME_EXTENT))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let first: Option<i64> = row.try_get_by_index(0)?;
        let last: Option<i64> = row.try_get_by_index(1)?;
        Ok(first.zip(last))
    }
}

/// Two subqueries, each of which the occur_time index answers at one of its ends: SQLite reads
/// MIN and MAX in one SELECT by scanning the whole index (55 ms at a million ratings, for every
/// scanned report and every report whose range starts or ends within a day).
pub(super) const OCCUR_TIME_EXTENT: &str =
    "SELECT (SELECT MIN(occur_time) FROM ratings), (SELECT MAX(occur_time) FROM ratings)";

// Names of the columns a scan selects, so that the ranking of groups around the counts can refer
// to them.
const SURVEY_ID: &str = "survey_id";
const CHANNEL: &str = "channel";
const SLICE_START: &str = "slice_start";
const REASON_CODES: &str = "reason_codes";
const SCORE: &str = "score";
const TOUCHPOINT: &str = "touchpoint";
const RATING_COUNT: &str = "rating_count";
const GROUP_RANK: &str = "group_rank";

fn attribute_column(index: usize) -> String {
    format!("attribute_{index}")
}

/// Returns the statement that counts the ratings of `scan`: one aggregate over the ratings,
/// wrapped in a ranking of its groups when the scan has a [`GroupCap`].
fn scan_statement(backend: DbBackend, scan: &ReportScan<'_>) -> Statement {
    let ranking = ranking_columns(scan);
    let counted = counted_select(backend, scan, ranking.iter().any(|name| name == TOUCHPOINT));
    let select = match scan.group_cap {
        Some(cap) if is_ranked(scan) => first_groups(counted, scan, &ranking, cap.most),
        _ => counted,
    };
    let mut statement = backend.build(&select);
    if scan.use_time_index && backend == DbBackend::Sqlite {
        statement.sql = read_through_occur_time_index(&statement.sql);
    }
    statement
}

/// Whether the rows of `scan` are ranked: it has a [`GroupCap`] and the report groups.
fn is_ranked(scan: &ReportScan<'_>) -> bool {
    scan.group_cap.is_some_and(|cap| !cap.group_by.is_empty())
}

/// Returns the columns of the counted rows that order a [`GroupCap`]'s groups, in the order of
/// the report's group_by; none without a cap.
fn ranking_columns(scan: &ReportScan<'_>) -> Vec<String> {
    let Some(cap) = scan.group_cap else {
        return Vec::new();
    };
    let mut attribute_columns = (0..).map(attribute_column);
    cap.group_by
        .iter()
        .map(|entry| match entry {
            GroupBy::Survey => SURVEY_ID.to_string(),
            GroupBy::Touchpoint => TOUCHPOINT.to_string(),
            GroupBy::Channel => CHANNEL.to_string(),
            // Ranks sets of codes, not codes: the engine caps no scan grouped by reason.
            GroupBy::Reason => REASON_CODES.to_string(),
            GroupBy::Attribute(_) => attribute_columns.next().unwrap_or_default(),
        })
        .collect()
}

/// Returns the aggregate: the ratings of the scan counted by survey, channel (0 when not grouped
/// by it), the attributes, the reason codes (when grouped by them), the time slice and score, in
/// that column order, then `touchpoint`
/// when `with_touchpoint`, then `rating_count`.
fn counted_select(
    backend: DbBackend,
    scan: &ReportScan<'_>,
    with_touchpoint: bool,
) -> SelectStatement {
    let channel = if scan.by_channel {
        Expr::col(rating::Column::Channel)
    } else {
        Expr::Constant(0.into())
    };
    let mut grouped = vec![
        (Expr::col(rating::Column::SurveyId), SURVEY_ID.to_string()),
        (channel, CHANNEL.to_string()),
    ];
    for (index, key) in scan.attributes.iter().enumerate() {
        grouped.push((attribute_value(backend, key), attribute_column(index)));
    }
    if scan.by_reasons {
        grouped.push((
            Expr::col(rating::Column::ReasonCodes),
            REASON_CODES.to_string(),
        ));
    }
    if let Some(slice) = scan.time_slice {
        grouped.push((slice_start(slice), SLICE_START.to_string()));
    }
    grouped.push((Expr::col(rating::Column::Score), SCORE.to_string()));
    if with_touchpoint {
        // A survey's touchpoint never changes: grouping by it too adds no row.
        grouped.push((
            Expr::col(rating::Column::Touchpoint),
            TOUCHPOINT.to_string(),
        ));
    }
    let ordinals = (1..=grouped.len() as i64).map(|ordinal| Expr::Constant(ordinal.into()));
    let condition = filter_condition(backend, scan.filter)
        .add(Expr::col(rating::Column::Sequence).lte(scan.through_sequence));
    let mut select = Query::select();
    for (expression, name) in grouped {
        select.expr_as(expression, name);
    }
    select
        .expr_as(Func::count(Expr::col(Asterisk)), RATING_COUNT)
        .from(rating::Entity)
        .cond_where(condition)
        .add_group_by(ordinals);
    select
}

/// Returns the start of the time slice of `slice` microseconds that holds a rating's
/// occur_time, rounding down before 1970 too.
fn slice_start(slice: i64) -> Expr {
    let occur_time = || Expr::col(rating::Column::OccurTime);
    let slice = || Expr::Constant(slice.into());
    occur_time().sub(occur_time().modulo(slice()).add(slice()).modulo(slice()))
}

/// Returns the rows of `counted` that belong to its first `most + 1` groups in the order of
/// `ranking`, each with its group's rank: the counted columns except `touchpoint`, then
/// `group_rank`.
fn first_groups(
    counted: SelectStatement,
    scan: &ReportScan<'_>,
    ranking: &[String],
    most: usize,
) -> SelectStatement {
    let mut window = WindowStatement::new();
    for column in ranking {
        window.order_by(column.clone(), SqlOrder::Asc);
    }
    let ranked = Query::select()
        .column(("counted", Asterisk))
        .expr_window_as(Func::cust("DENSE_RANK"), window, GROUP_RANK)
        .from_subquery(counted, "counted")
        .to_owned();
    let mut read = vec![SURVEY_ID.to_string(), CHANNEL.to_string()];
    read.extend((0..scan.attributes.len()).map(attribute_column));
    if scan.by_reasons {
        read.push(REASON_CODES.to_string());
    }
    if scan.time_slice.is_some() {
        read.push(SLICE_START.to_string());
    }
    read.extend([SCORE, RATING_COUNT, GROUP_RANK].map(String::from));
    let groups_wanted = i64::try_from(most.saturating_add(1)).unwrap_or(i64::MAX);
    Query::select()
        .columns(read)
        .from_subquery(ranked, "ranked")
        .and_where(Expr::col(GROUP_RANK).lte(Expr::Constant(groups_wanted.into())))
        .to_owned()
}

/// Returns `sql` with its ratings read through the occur_time index (see
/// [`ReportScan::use_time_index`]). SQLite alone has INDEXED BY, and sea-query writes no index
/// hint for it, so the hint goes into the text sea-query wrote.
fn read_through_occur_time_index(sql: &str) -> String {
    sql.replacen(
        r#"FROM "ratings""#,
        r#"FROM "ratings" INDEXED BY "ratings_occur_time""#,
        1,
    )
}

/// Returns the count a row of [`scan_statement`] holds, read by position.
fn scan_count(row: &QueryResult, scan: &ReportScan<'_>) -> Result<ScanCount> {
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
    let reason_codes = if scan.by_reasons {
        reason_codes_from_json(&row.try_get_by_index::<String>(next())?)?
    } else {
        Vec::new()
    };
    let slice_start = match scan.time_slice {
        Some(_) => Some(row.try_get_by_index::<i64>(next())?),
        None => None,
    };
    let score: i32 = row.try_get_by_index(next())?;
    let count: i64 = row.try_get_by_index(next())?;
    let group_rank = if is_ranked(scan) {
        Some(row.try_get_by_index::<i64>(next())?)
    } else {
        None
    };
    Ok(ScanCount {
        survey_id,
        channel,
        attributes,
        reason_codes,
        slice_start,
        score,
        count,
        group_rank,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan<'a>(filter: &'a RatingFilter, attributes: &'a [String]) -> ReportScan<'a> {
        ReportScan {
            filter,
            by_channel: false,
            attributes,
            by_reasons: false,
            time_slice: None,
            use_time_index: false,
            through_sequence: 42,
            group_cap: None,
        }
    }

    #[test]
    fn only_sqlite_reads_a_narrow_range_through_the_occur_time_index() {
        let filter = RatingFilter {
            start_time: Some(1_000),
            ..RatingFilter::default()
        };
        let scan = ReportScan {
            use_time_index: true,
            ..scan(&filter, &[])
        };
        let cases = [
            (
                DbBackend::Sqlite,
                r#"SELECT "survey_id" AS "survey_id", 0 AS "channel", "score" AS "score", COUNT(*) AS "rating_count" FROM "ratings" INDEXED BY "ratings_occur_time" WHERE "exclusion_reason" = ? AND "occur_time" >= ? AND "sequence" <= ? GROUP BY 1, 2, 3"#,
            ),
            (
                DbBackend::Postgres,
                r#"SELECT "survey_id" AS "survey_id", 0 AS "channel", "score" AS "score", COUNT(*) AS "rating_count" FROM "ratings" WHERE "exclusion_reason" = $1 AND "occur_time" >= $2 AND "sequence" <= $3 GROUP BY 1, 2, 3"#,
            ),
        ];
        for (backend, sql) in cases {
            let statement = scan_statement(backend, &scan);

            assert_eq!(statement.sql, sql);
        }
    }

    #[test]
    fn a_capped_scan_returns_the_rows_of_the_first_groups_in_group_by_order() {
        let filter = RatingFilter {
            attributes: [("agent".to_string(), "ann".to_string())].into(),
            ..RatingFilter::default()
        };
        let attributes = ["region".to_string()];
        let group_by = [
            GroupBy::Touchpoint,
            GroupBy::Attribute("region".into()),
            GroupBy::Channel,
        ];
        let scan = ReportScan {
            by_channel: true,
            time_slice: Some(3_600),
            group_cap: Some(GroupCap {
                group_by: &group_by,
                most: 9,
            }),
            ..scan(&filter, &attributes)
        };

        let statement = scan_statement(DbBackend::Postgres, &scan);

        assert_eq!(
            statement.sql,
            concat!(
                r#"SELECT "survey_id", "channel", "attribute_0", "slice_start", "score", "rating_count", "group_rank" "#,
                r#"FROM (SELECT "counted".*, DENSE_RANK() OVER (  ORDER BY "touchpoint" ASC, "attribute_0" ASC, "channel" ASC ) AS "group_rank" "#,
                r#"FROM (SELECT "survey_id" AS "survey_id", "channel" AS "channel", COALESCE(CAST("attributes" AS jsonb) ->> $1, '') AS "attribute_0", "#,
                r#""occur_time" - ((("occur_time" % 3600) + 3600) % 3600) AS "slice_start", "score" AS "score", "touchpoint" AS "touchpoint", COUNT(*) AS "rating_count" "#,
                r#"FROM "ratings" WHERE "exclusion_reason" = $2 AND COALESCE(CAST("attributes" AS jsonb) ->> $3, '') = $4 AND "sequence" <= $5 GROUP BY 1, 2, 3, 4, 5, 6) AS "counted") AS "ranked" "#,
                r#"WHERE "group_rank" <= 10"#
            )
        );
        assert_eq!(
            statement.values.map(|values| values.0),
            Some(vec![
                "region".into(),
                0.into(),
                "agent".into(),
                "ann".into(),
                42i64.into()
            ])
        );
    }
}
