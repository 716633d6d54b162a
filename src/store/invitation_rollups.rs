//! Invitation rollups: per zone, local day of the send_time, survey and channel, the invitations
//! to be sent (not suppressed) and the responses to them (a rating not excluded answers it). Kept
//! in the transactions that change them: CreateInvitation (+1 invitation), the writer's commit
//! of a rating answering one (+1 response), ExcludeRating and RestoreRating (-1 / +1 response).
//! Reports read them for whole local days, and the invitations table at a range's partial days.

use std::collections::BTreeMap;
use std::sync::Arc;

use sea_orm::sea_query::{Expr, ExprTrait as _, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::entity::rating;
use super::rollups::{RollupZone, day_number, placeholders};
use crate::domain::time_buckets::local_date;
use crate::domain::{Channel, Micros};
use crate::error::Result;

/// Cells upserted per statement: 7 values each, well under every parameter limit.
const CELLS_PER_UPSERT: usize = 1_000;
/// Invitations read per query while building.
const BUILD_PAGE_INVITATIONS: u64 = 20_000;

/// The ratings answering invitations, joined to `invitations i` as `r`: only a rating not
/// excluded. It states the condition of the ratings index by invitation (`ratings_invitation`,
/// partial: `WHERE invitation_id <> ''`) because a query reaches a partial index only when it
/// states its condition (SQLite does not infer it from an equality); without it, every rating is
/// scanned for every invitation.
pub(crate) const RESPONSES_JOIN: &str = "LEFT JOIN ratings r ON r.invitation_id = i.invitation_id \
     AND r.invitation_id <> '' AND r.exclusion_reason = 0";

/// The ratings that answer any of `invitation_ids`, excluded or not: their invitation_id,
/// rating_id, occur_time and exclusion_reason, read through the ratings index by invitation
/// (see [`RESPONSES_JOIN`] for why the index's condition is stated).
pub fn answers_to<'a>(invitation_ids: impl IntoIterator<Item = &'a str>) -> SelectStatement {
    Query::select()
        .columns([
            rating::Column::InvitationId,
            rating::Column::RatingId,
            rating::Column::OccurTime,
            rating::Column::ExclusionReason,
        ])
        .from(rating::Entity)
        .and_where(Expr::col(rating::Column::InvitationId).is_in(invitation_ids))
        // A literal, not a bound value: a parameter does not match the index's condition.
        .and_where(Expr::col(rating::Column::InvitationId).ne(Expr::cust("''")))
        .to_owned()
}

/// One invitation rollup cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InvitationCell {
    /// Zone name.
    pub zone: Arc<str>,
    /// Local date of the send_time, as days since 1970-01-01.
    pub day: i32,
    /// Survey.
    pub survey_id: String,
    /// Channel number.
    pub channel: i32,
}

/// How many invitations and responses a cell gains, with the survey's touchpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationCounts {
    /// The survey's touchpoint (fixed with the survey).
    pub touchpoint: String,
    /// Invitations to be sent.
    pub invitation_count: i64,
    /// Responses to them.
    pub response_count: i64,
}

/// Cell deltas, in the table's key order.
pub type InvitationCellCounts = BTreeMap<InvitationCell, InvitationCounts>;

/// What one invitation is, for its cells.
#[derive(Debug, Clone, Copy)]
pub struct InvitationPlace<'a> {
    /// Survey.
    pub survey_id: &'a str,
    /// The survey's touchpoint.
    pub touchpoint: &'a str,
    /// Channel.
    pub channel: Channel,
    /// When it is sent.
    pub send_time: Micros,
}

/// Adds `invitations` invitations and `responses` responses at `place` in every zone.
pub fn add(
    cells: &mut InvitationCellCounts,
    zones: &[RollupZone],
    place: InvitationPlace<'_>,
    invitations: i64,
    responses: i64,
) {
    for zone in zones {
        let cell = InvitationCell {
            zone: zone.name.clone(),
            day: day_number(local_date(zone.zone, place.send_time)),
            survey_id: place.survey_id.to_string(),
            channel: place.channel.number(),
        };
        let counts = cells.entry(cell).or_default();
        counts.touchpoint = place.touchpoint.to_string();
        counts.invitation_count += invitations;
        counts.response_count += responses;
    }
}

/// Writes `cells` through `connection` (a transaction, normally).
pub async fn upsert<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    cells: &InvitationCellCounts,
) -> Result<()> {
    for statement in upsert_statements(backend, cells) {
        connection.execute_raw(statement).await?;
    }
    Ok(())
}

/// The statements that write `cells`, adding to the cells stored.
pub fn upsert_statements(backend: DbBackend, cells: &InvitationCellCounts) -> Vec<Statement> {
    let cells: Vec<_> = cells.iter().collect();
    let mut statements = Vec::new();
    for chunk in cells.chunks(CELLS_PER_UPSERT) {
        let mut sql = String::from(
            "INSERT INTO invitation_rollups \
             (zone, day, survey_id, channel, touchpoint, invitation_count, response_count) VALUES ",
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 7);
        for (row, (cell, counts)) in chunk.iter().enumerate() {
            let first = row * 7;
            let row_placeholders: Vec<String> = (1..=7)
                .map(|column| format!("?{}", first + column))
                .collect();
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("({})", row_placeholders.join(", ")));
            values.extend([
                cell.zone.to_string().into(),
                cell.day.into(),
                cell.survey_id.clone().into(),
                cell.channel.into(),
                counts.touchpoint.clone().into(),
                counts.invitation_count.into(),
                counts.response_count.into(),
            ]);
        }
        sql.push_str(
            " ON CONFLICT (zone, day, survey_id, channel) DO UPDATE SET \
             invitation_count = invitation_rollups.invitation_count + excluded.invitation_count, \
             response_count = invitation_rollups.response_count + excluded.response_count",
        );
        statements.push(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            values,
        ));
    }
    statements
}

/// Adds to the invitation rollups of `zones` every invitation stored (not suppressed) and its
/// response (by a rating not excluded), read through `connection`.
pub async fn build<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    zones: &[RollupZone],
) -> Result<()> {
    if zones.is_empty() {
        return Ok(());
    }
    let mut after = String::new();
    loop {
        let rows = connection
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    &format!(
                        "SELECT i.invitation_id, i.survey_id, i.touchpoint, i.channel, \
                         i.send_time, CASE WHEN r.sequence IS NULL THEN 0 ELSE 1 END AS responded \
                         FROM invitations i {RESPONSES_JOIN} \
                         WHERE i.suppression_reason = 0 AND i.invitation_id > ?1 \
                         ORDER BY i.invitation_id LIMIT {BUILD_PAGE_INVITATIONS}"
                    ),
                ),
                [after.clone().into()],
            ))
            .await?;
        let mut cells = InvitationCellCounts::new();
        for row in &rows {
            let channel_number: i32 = row.try_get("", "channel")?;
            let survey_id: String = row.try_get("", "survey_id")?;
            let touchpoint: String = row.try_get("", "touchpoint")?;
            let responded: i32 = row.try_get("", "responded")?;
            let place = InvitationPlace {
                survey_id: &survey_id,
                touchpoint: &touchpoint,
                channel: Channel::from_number(channel_number).unwrap_or(Channel::Unspecified),
                send_time: row.try_get("", "send_time")?,
            };
            add(&mut cells, zones, place, 1, i64::from(responded));
            after = row.try_get("", "invitation_id")?;
        }
        upsert(connection, backend, &cells).await?;
        if (rows.len() as u64) < BUILD_PAGE_INVITATIONS {
            return Ok(());
        }
    }
}

/// Deletes the invitation cells of `zone`.
pub async fn clear_zone<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    zone: &str,
) -> Result<()> {
    connection
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM invitation_rollups WHERE zone = ?1"),
            [zone.into()],
        ))
        .await?;
    Ok(())
}

/// Adds `responses` (+1 or -1) to the cells of the invitation `invitation_id` in every stored
/// zone, when it exists and is not suppressed, through `connection` (a transaction holding the
/// counter lock).
pub async fn add_response<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    invitation_id: &str,
    responses: i64,
) -> Result<()> {
    let Some(row) = connection
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "SELECT survey_id, touchpoint, channel, send_time FROM invitations \
                 WHERE invitation_id = ?1 AND suppression_reason = 0",
            ),
            [invitation_id.into()],
        ))
        .await?
    else {
        return Ok(());
    };
    let zones = super::rollups::stored_zones(connection, backend).await?;
    let survey_id: String = row.try_get("", "survey_id")?;
    let touchpoint: String = row.try_get("", "touchpoint")?;
    let channel_number: i32 = row.try_get("", "channel")?;
    let mut cells = InvitationCellCounts::new();
    add(
        &mut cells,
        &zones,
        InvitationPlace {
            survey_id: &survey_id,
            touchpoint: &touchpoint,
            channel: Channel::from_number(channel_number).unwrap_or(Channel::Unspecified),
            send_time: row.try_get("", "send_time")?,
        },
        0,
        responses,
    );
    upsert(connection, backend, &cells).await
}

/// Which invitations a report counts: of these surveys (never empty) and channels (empty: all),
/// sent in `[start, end)`, read from the rollups of `rollup_zone` for whole local days when
/// given (the zone of the report's buckets), else from the invitations table.
#[derive(Debug, Clone)]
pub struct InvitationScope<'a> {
    /// The surveys the report's filter selects.
    pub survey_ids: &'a [String],
    /// The channels it selects, by number; empty: every channel.
    pub channels: &'a [i32],
    /// First send_time counted.
    pub start: Option<Micros>,
    /// First send_time not counted.
    pub end: Option<Micros>,
    /// The rollup zone to read whole days from: its name and zone.
    pub rollup_zone: Option<(&'a str, chrono_tz::Tz)>,
    /// What the report tells apart, so that the rollups' cells are summed in the query.
    pub distinct: InvitationDistinctions,
}

/// What a report tells apart among the invitation cells it reads: the database sums the rest,
/// so that a report sends it one row per group and bucket day instead of one per cell (each row
/// costs a hop between sqlx's thread and the caller's task).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvitationDistinctions {
    /// Surveys (a report grouped by survey or touchpoint).
    pub survey: bool,
    /// Channels.
    pub channel: bool,
    /// Local days (a report with a time series).
    pub day: bool,
}

/// Invitations and responses of one survey and channel at one time: a send_time, or the first
/// instant of a local day of the rollups (whose buckets are whole local days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationCountRow {
    /// Survey.
    pub survey_id: String,
    /// Channel number.
    pub channel: i32,
    /// When (see above).
    pub at: Micros,
    /// Invitations not suppressed.
    pub invitation_count: i64,
    /// Responses by ratings not excluded.
    pub response_count: i64,
}

impl super::Store {
    /// Returns the invitations and responses of `scope`: exact for any range, reading the
    /// rollups for the whole local days inside it and the invitations at its partial days.
    pub async fn invitation_counts(
        &self,
        scope: &InvitationScope<'_>,
    ) -> Result<Vec<InvitationCountRow>> {
        let Some((zone_name, zone)) = scope.rollup_zone else {
            return self
                .scan_invitations(scope, scope.start, scope.end, false)
                .await;
        };
        let midnight = |day: i32| {
            crate::domain::time_buckets::first_instant_of_date(
                zone,
                super::rollups::date_of_day(day),
            )
        };
        let day_of = |instant: Micros| day_number(local_date(zone, instant));
        // Whole days from `first_day` (inclusive) to `end_day` (exclusive), None: unbounded.
        let first_day = scope.start.map(|start| {
            let day = day_of(start);
            if midnight(day) == Some(start) {
                day
            } else {
                day + 1
            }
        });
        let end_day = scope.end.map(day_of);
        let lower_edge = match first_day {
            Some(day) if midnight(day) != scope.start => Some(midnight(day)),
            _ => None,
        };
        let upper_edge = match end_day {
            Some(day) if midnight(day) != scope.end => Some(midnight(day)),
            _ => None,
        };
        let no_whole_day = matches!((first_day, end_day), (Some(first), Some(end)) if first >= end);
        if no_whole_day || matches!(lower_edge, Some(None)) || matches!(upper_edge, Some(None)) {
            return self
                .scan_invitations(scope, scope.start, scope.end, false)
                .await;
        }
        let mut rows = self
            .rolled_up_days(scope, zone_name, zone, first_day, end_day)
            .await?;
        if let Some(Some(edge_end)) = lower_edge {
            rows.extend(
                self.scan_invitations(scope, scope.start, Some(edge_end), true)
                    .await?,
            );
        }
        if let Some(Some(edge_start)) = upper_edge {
            rows.extend(
                self.scan_invitations(scope, Some(edge_start), scope.end, true)
                    .await?,
            );
        }
        Ok(rows)
    }

    async fn rolled_up_days(
        &self,
        scope: &InvitationScope<'_>,
        zone_name: &str,
        zone: chrono_tz::Tz,
        first_day: Option<i32>,
        end_day: Option<i32>,
    ) -> Result<Vec<InvitationCountRow>> {
        let distinct = scope.distinct;
        let summed = Summed::new(
            "",
            &[
                ("survey_id", distinct.survey),
                ("channel", distinct.channel),
                ("day", distinct.day),
            ],
        );
        let mut sql = format!(
            "SELECT {}, CAST(SUM(invitation_count) AS BIGINT) AS invitation_count, \
             CAST(SUM(response_count) AS BIGINT) AS response_count \
             FROM invitation_rollups WHERE zone = ?1",
            summed.selected
        );
        let mut values: Vec<sea_orm::Value> = vec![zone_name.into()];
        push_range(&mut sql, &mut values, "day", first_day, end_day);
        push_scope_conditions(&mut sql, &mut values, scope, "");
        sql.push_str(&summed.grouping);
        let rows = self.rows(sql, values).await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            let day: i32 = row.try_get("", "day")?;
            let Some(at) = crate::domain::time_buckets::first_instant_of_date(
                zone,
                super::rollups::date_of_day(day),
            ) else {
                continue;
            };
            counts.push(InvitationCountRow {
                survey_id: row.try_get("", "survey_id")?,
                channel: row.try_get("", "channel")?,
                at,
                invitation_count: row.try_get("", "invitation_count")?,
                response_count: row.try_get("", "response_count")?,
            });
        }
        Ok(counts)
    }

    /// Runs `sql` with `values` on the reader.
    async fn rows(
        &self,
        sql: String,
        values: Vec<sea_orm::Value>,
    ) -> Result<Vec<sea_orm::QueryResult>> {
        Ok(self
            .reader
            .query_all_raw(Statement::from_sql_and_values(
                self.backend,
                placeholders(self.backend, &sql),
                values,
            ))
            .await?)
    }

    /// Returns the invitations of `scope` sent in `[start, end)`, from the table, summed to what
    /// the report tells apart and per send_time; or, when the range is `one_bucket` (a partial
    /// local day at the edge of a report the rollups serve, which lies inside one bucket of its
    /// series), not per send_time but placed at the earliest.
    async fn scan_invitations(
        &self,
        scope: &InvitationScope<'_>,
        start: Option<Micros>,
        end: Option<Micros>,
        one_bucket: bool,
    ) -> Result<Vec<InvitationCountRow>> {
        let summed = Summed::new(
            "i.",
            &[
                ("survey_id", scope.distinct.survey),
                ("channel", scope.distinct.channel),
                ("send_time", !one_bucket),
            ],
        );
        let mut sql = format!(
            "SELECT {}, COUNT(*) AS invitation_count, \
             CAST(SUM(CASE WHEN r.sequence IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS response_count \
             FROM invitations i {RESPONSES_JOIN} WHERE i.suppression_reason = 0",
            summed.selected
        );
        let mut values: Vec<sea_orm::Value> = Vec::new();
        push_range(&mut sql, &mut values, "i.send_time", start, end);
        push_scope_conditions(&mut sql, &mut values, scope, "i.");
        sql.push_str(&summed.grouping);
        let rows = self.rows(sql, values).await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            counts.push(InvitationCountRow {
                survey_id: row.try_get("", "survey_id")?,
                channel: row.try_get("", "channel")?,
                at: row.try_get("", "send_time")?,
                invitation_count: row.try_get("", "invitation_count")?,
                response_count: row.try_get("", "response_count")?,
            });
        }
        Ok(counts)
    }
}

/// The select list and GROUP BY of a query that sums invitation counts: a column the report
/// tells apart is grouped by; any other is summed over, its MIN standing for the group (the
/// report places a row by the columns it tells apart only).
struct Summed {
    /// The columns, as selected.
    selected: String,
    /// ` GROUP BY …` (none when nothing is told apart) and the HAVING that keeps an empty scope
    /// from making one row of NULLs.
    grouping: String,
}

impl Summed {
    /// Columns of `table` (a prefix such as `i.`, or empty), each with whether it is told apart.
    fn new(table: &str, columns: &[(&str, bool)]) -> Summed {
        let selected = columns
            .iter()
            .map(|(column, told_apart)| {
                if *told_apart {
                    format!("{table}{column}")
                } else {
                    format!("MIN({table}{column}) AS {column}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let grouped: Vec<String> = columns
            .iter()
            .filter(|(_, told_apart)| *told_apart)
            .map(|(column, _)| format!("{table}{column}"))
            .collect();
        let mut grouping = String::new();
        if !grouped.is_empty() {
            grouping = format!(" GROUP BY {}", grouped.join(", "));
        }
        grouping.push_str(" HAVING COUNT(*) > 0");
        Summed { selected, grouping }
    }
}

/// Adds `column` in `[start, end)` to `sql`'s WHERE, either bound absent: unbounded.
fn push_range<T: Into<sea_orm::Value>>(
    sql: &mut String,
    values: &mut Vec<sea_orm::Value>,
    column: &str,
    start: Option<T>,
    end: Option<T>,
) {
    for (bound, operator) in [(start, ">="), (end, "<")] {
        if let Some(bound) = bound {
            values.push(bound.into());
            sql.push_str(&format!(" AND {column} {operator} ?{}", values.len()));
        }
    }
}

/// Adds `scope`'s surveys and channels to `sql`'s WHERE, columns prefixed with `table`.
fn push_scope_conditions(
    sql: &mut String,
    values: &mut Vec<sea_orm::Value>,
    scope: &InvitationScope<'_>,
    table: &str,
) {
    let mut list = |column: &str, items: Vec<sea_orm::Value>| {
        let mut marks = Vec::with_capacity(items.len());
        for item in items {
            values.push(item);
            marks.push(format!("?{}", values.len()));
        }
        sql.push_str(&format!(" AND {table}{column} IN ({})", marks.join(", ")));
    };
    list(
        "survey_id",
        scope
            .survey_ids
            .iter()
            .map(|survey_id| survey_id.as_str().into())
            .collect(),
    );
    if !scope.channels.is_empty() {
        list(
            "channel",
            scope
                .channels
                .iter()
                .map(|channel| (*channel).into())
                .collect(),
        );
    }
}
