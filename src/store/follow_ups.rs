//! Follow-up rows: the insert the writer makes beside the ratings that open them, the reads of
//! GetFollowUp and ListFollowUps, changes guarded by the row's version (the etag), and what
//! reports count of them.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, InsertStatement, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, TransactionTrait, Value};

use super::Store;
use super::entity::follow_up;
use super::rating_sql::{filter_condition, reason_codes_from_json};
use crate::domain::follow_up::{FollowUp, FollowUpNote, FollowUpState, LoopFacts};
use crate::domain::{Micros, RatingFilter};
use crate::error::{Error, Result};

/// Columns of the follow_ups table.
const COLUMN_COUNT: usize = 20;

/// The follow_ups table's columns, in the order [`row_values`] gives a row's values.
const COLUMNS: [follow_up::Column; COLUMN_COUNT] = [
    follow_up::Column::FollowUpId,
    follow_up::Column::SurveyId,
    follow_up::Column::Touchpoint,
    follow_up::Column::RatingId,
    follow_up::Column::Score,
    follow_up::Column::Comment,
    follow_up::Column::CustomerId,
    follow_up::Column::Channel,
    follow_up::Column::Attributes,
    follow_up::Column::OccurTime,
    follow_up::Column::State,
    follow_up::Column::Assignee,
    follow_up::Column::ResolutionCode,
    follow_up::Column::Notes,
    follow_up::Column::CreateTime,
    follow_up::Column::DueTime,
    follow_up::Column::UpdateTime,
    follow_up::Column::CloseTime,
    follow_up::Column::Version,
    follow_up::Column::ReasonCodes,
];

/// Rows per INSERT statement: well under both databases' bound-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;
/// How often a change without an etag is tried again when another change came first.
const CHANGE_ATTEMPTS: usize = 8;

/// A follow-up a commit opens, with its rating's attributes and reason codes as stored (filters
/// and report groups read them).
#[derive(Debug, Clone)]
pub(crate) struct OpenedFollowUp {
    /// The follow-up.
    pub follow_up: FollowUp,
    /// The rating's attributes, as JSON.
    pub attributes: String,
    /// The rating's reason codes, as JSON.
    pub reason_codes: String,
}

/// Returns a new row's values, in [`COLUMNS`] order.
pub(crate) fn row_values(opened: &OpenedFollowUp) -> [Value; COLUMN_COUNT] {
    let follow_up = &opened.follow_up;
    [
        follow_up.follow_up_id.into(),
        follow_up.survey_id.as_str().into(),
        follow_up.touchpoint.as_str().into(),
        follow_up.rating_id.as_str().into(),
        follow_up.score.into(),
        follow_up.comment.as_str().into(),
        follow_up.customer_id.as_str().into(),
        follow_up.channel.into(),
        opened.attributes.as_str().into(),
        follow_up.occur_time.into(),
        follow_up.state.number().into(),
        follow_up.assignee.as_str().into(),
        follow_up.resolution_code.as_str().into(),
        notes_json(&follow_up.notes).into(),
        follow_up.create_time.into(),
        follow_up.due_time.into(),
        follow_up.update_time.into(),
        follow_up.close_time.into(),
        follow_up.version.into(),
        opened.reason_codes.as_str().into(),
    ]
}

fn insert_rows(rows: impl IntoIterator<Item = [Value; COLUMN_COUNT]>) -> InsertStatement {
    let mut insert = Query::insert();
    insert.into_table(follow_up::Entity).columns(COLUMNS);
    for values in rows {
        // Cannot panic: a row holds one value per column, by its type.
        insert.values_panic(values.map(Expr::from));
    }
    insert
}

/// Inserts the follow-ups a commit opens, in the writer's transaction.
pub(crate) async fn insert_opened(
    transaction: &impl ConnectionTrait,
    backend: DbBackend,
    opened: &[OpenedFollowUp],
) -> Result<()> {
    for rows in opened.chunks(ROWS_PER_INSERT) {
        let insert = insert_rows(rows.iter().map(row_values));
        transaction.execute_raw(backend.build(&insert)).await?;
    }
    Ok(())
}

/// Returns the text of an INSERT of one follow-up whose values are bound in [`COLUMNS`] order,
/// for a statement prepared once.
pub(crate) fn insert_one_sql(backend: DbBackend) -> String {
    let placeholders = COLUMNS.map(|_| Value::BigInt(None));
    backend.build(&insert_rows([placeholders])).sql
}

fn notes_json(notes: &[FollowUpNote]) -> String {
    // A list of strings and numbers always serializes.
    serde_json::to_string(notes).unwrap_or_else(|_| "[]".into())
}

fn follow_up_from_row(row: follow_up::Model) -> Result<FollowUp> {
    let state = FollowUpState::from_number(row.state)
        .ok_or_else(|| Error::internal(format!("follow-up row with state {}", row.state)))?;
    Ok(FollowUp {
        follow_up_id: row.follow_up_id,
        notes: serde_json::from_str(&row.notes).map_err(Error::internal)?,
        survey_id: row.survey_id,
        rating_id: row.rating_id,
        customer_id: row.customer_id,
        score: row.score,
        comment: row.comment,
        touchpoint: row.touchpoint,
        channel: row.channel,
        occur_time: row.occur_time,
        state,
        assignee: row.assignee,
        resolution_code: row.resolution_code,
        create_time: row.create_time,
        due_time: row.due_time,
        update_time: row.update_time,
        close_time: row.close_time,
        version: row.version,
    })
}

/// Returns the error of a follow-up that does not exist.
fn not_found(follow_up_id: i64) -> Error {
    Error::NotFound {
        reason: "FOLLOW_UP_NOT_FOUND",
        message: format!("follow-up {follow_up_id} not found"),
    }
}

/// What ListFollowUps selects, and where a page starts.
#[derive(Debug, Clone, Default)]
pub struct FollowUpListQuery {
    /// Only these states, when not empty.
    pub states: Vec<FollowUpState>,
    /// Only this assignee, when set.
    pub assignee: Option<String>,
    /// Only these surveys, when not empty.
    pub survey_ids: Vec<String>,
    /// Only follow-ups open and due before this instant, when set.
    pub overdue_at: Option<Micros>,
    /// Only this customer, when set.
    pub customer_id: Option<String>,
    /// Start after this `(due_time, follow_up_id)` (the page token's position).
    pub after: Option<(Micros, i64)>,
    /// Page size.
    pub limit: u64,
}

/// What a report reads of one follow-up: where it counts, and its [`LoopFacts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopRow {
    /// The rating's sequence (the follow-up's id).
    pub sequence: i64,
    /// Whether the rating is excluded, as the read's snapshot has it.
    pub excluded: bool,
    /// The rating's survey.
    pub survey_id: String,
    /// The rating's channel number.
    pub channel: i32,
    /// The rating's attributes, as JSON.
    pub attributes: String,
    /// The rating's reason codes, which place it in a group of each when grouped by reason.
    pub reason_codes: Vec<String>,
    /// The rating's occur_time, which places it in a bucket.
    pub occur_time: Micros,
    /// What the figures count.
    pub facts: LoopFacts,
}

#[derive(Debug, FromQueryResult)]
struct LoopSelect {
    follow_up_id: i64,
    exclusion_reason: i32,
    survey_id: String,
    channel: i32,
    attributes: String,
    reason_codes: String,
    occur_time: i64,
    create_time: i64,
    due_time: i64,
    close_time: Option<i64>,
}

impl Store {
    /// Returns one follow-up, or NOT_FOUND.
    pub async fn get_follow_up(&self, follow_up_id: i64) -> Result<FollowUp> {
        follow_up::Entity::find_by_id(follow_up_id)
            .one(&self.reader)
            .await?
            .ok_or_else(|| not_found(follow_up_id))
            .and_then(follow_up_from_row)
    }

    /// Returns one page of follow-ups, oldest due first, and whether more follow.
    pub async fn list_follow_ups(
        &self,
        query: &FollowUpListQuery,
    ) -> Result<(Vec<FollowUp>, bool)> {
        use follow_up::Column;
        let mut condition = Condition::all();
        if !query.states.is_empty() {
            condition = condition.add(
                Expr::col(Column::State).is_in(query.states.iter().map(|state| state.number())),
            );
        }
        if let Some(assignee) = &query.assignee {
            condition = condition.add(Expr::col(Column::Assignee).eq(assignee.as_str()));
        }
        if !query.survey_ids.is_empty() {
            condition = condition.add(
                Expr::col(Column::SurveyId).is_in(query.survey_ids.iter().map(String::as_str)),
            );
        }
        if let Some(now) = query.overdue_at {
            let open = FollowUpState::OPEN_STATES.map(FollowUpState::number);
            condition = condition
                .add(Expr::col(Column::State).is_in(open))
                .add(Expr::col(Column::DueTime).lt(now));
        }
        if let Some(customer_id) = &query.customer_id {
            condition = condition.add(Expr::col(Column::CustomerId).eq(customer_id.as_str()));
        }
        if let Some((due_time, follow_up_id)) = query.after {
            condition = condition.add(
                Condition::any()
                    .add(Expr::col(Column::DueTime).gt(due_time))
                    .add(
                        Expr::col(Column::DueTime)
                            .eq(due_time)
                            .and(Expr::col(Column::FollowUpId).gt(follow_up_id)),
                    ),
            );
        }
        let mut select = Query::select();
        select
            .columns(COLUMNS)
            // Not among the inserted columns: a new follow-up's rating is never excluded.
            .column(Column::ExclusionReason)
            .from(follow_up::Entity)
            .cond_where(condition)
            .order_by(Column::DueTime, Order::Asc)
            .order_by(Column::FollowUpId, Order::Asc)
            .limit(query.limit + 1);
        let rows = follow_up::Model::find_by_statement(self.backend.build(&select))
            .all(&self.reader)
            .await?;
        let more = rows.len() as u64 > query.limit;
        let follow_ups = rows
            .into_iter()
            .take(query.limit as usize)
            .map(follow_up_from_row)
            .collect::<Result<_>>()?;
        Ok((follow_ups, more))
    }

    /// Changes a follow-up as `change` makes of the stored one, only if its version is still
    /// `expected_version` when given (else ABORTED), and returns it as stored.
    ///
    /// The version is checked in the UPDATE's own WHERE clause, which every database evaluates
    /// atomically with the write: two replicas changing one follow-up at once cannot both
    /// succeed on the same version, and the writer (which only inserts follow-ups) never
    /// conflicts with it. The read before it needs no lock; on SQLite a transaction spanning
    /// read and write would fail outright when the writer commits in between. A change without
    /// an expected version is applied again to what a concurrent change left.
    pub async fn change_follow_up(
        &self,
        follow_up_id: i64,
        expected_version: Option<i64>,
        change: impl Fn(&FollowUp) -> Result<FollowUp>,
    ) -> Result<FollowUp> {
        for _ in 0..CHANGE_ATTEMPTS {
            let stored = follow_up::Entity::find_by_id(follow_up_id)
                .one(&self.reader)
                .await?
                .ok_or_else(|| not_found(follow_up_id))
                .and_then(follow_up_from_row)?;
            if let Some(expected) = expected_version
                && expected != stored.version
            {
                return Err(etag_mismatch(follow_up_id));
            }
            let changed = change(&stored)?;
            if changed == stored {
                return Ok(stored);
            }
            let opens_or_closes = changed.state.is_closed() != stored.state.is_closed();
            if self
                .update_if_version(&changed, stored.version, opens_or_closes)
                .await?
            {
                self.make_durable().await?;
                return Ok(changed);
            }
            if expected_version.is_some() {
                return Err(etag_mismatch(follow_up_id));
            }
        }
        Err(Error::Aborted {
            reason: "FOLLOW_UP_CONTENDED",
            message: format!("follow-up {follow_up_id} is being changed by others: retry"),
        })
    }

    /// Writes `changed` if the stored row still has `version`; returns whether it did. When the
    /// change `opens_or_closes` the follow-up, its customer's open follow-ups and health move
    /// with it, in the same transaction.
    async fn update_if_version(
        &self,
        changed: &FollowUp,
        version: i64,
        opens_or_closes: bool,
    ) -> Result<bool> {
        use follow_up::Column;
        let mut update = Query::update();
        update
            .table(follow_up::Entity)
            .values([
                (Column::State, changed.state.number().into()),
                (Column::Assignee, changed.assignee.as_str().into()),
                (
                    Column::ResolutionCode,
                    changed.resolution_code.as_str().into(),
                ),
                (Column::Notes, notes_json(&changed.notes).into()),
                (Column::UpdateTime, changed.update_time.into()),
                (Column::CloseTime, changed.close_time.into()),
                (Column::Version, changed.version.into()),
            ])
            .and_where(Expr::col(Column::FollowUpId).eq(changed.follow_up_id))
            .and_where(Expr::col(Column::Version).eq(version));
        let update = self.backend.build(&update);
        if !opens_or_closes || changed.customer_id.is_empty() {
            let updated = self.writer.execute_raw(update).await?.rows_affected();
            return Ok(updated == 1);
        }
        // The writer moves the same summary when it opens a follow-up: under the counter lock
        // (which the writer takes first), neither overwrites the other's count. On a reader
        // connection, as customer reads count summaries again, so that the writers' small pool
        // is never held waiting for the lock.
        let isolation =
            (self.backend == DbBackend::Postgres).then_some(sea_orm::IsolationLevel::ReadCommitted);
        let transaction = self.reader.begin_with_config(isolation, None).await?;
        super::customers::lock_writers(&transaction, self.backend).await?;
        if transaction.execute_raw(update).await?.rows_affected() != 1 {
            transaction.rollback().await?;
            return Ok(false);
        }
        let (open_count, earliest_due) =
            open_follow_ups_of(&transaction, self.backend, &changed.customer_id).await?;
        super::customers::set_open_follow_ups(
            &transaction,
            self.backend,
            &changed.customer_id,
            open_count,
            earliest_due,
        )
        .await?;
        transaction.commit().await?;
        Ok(true)
    }

    /// Returns what reports count of the follow-ups opened by ratings up to `through_sequence`
    /// that `filter` selects (the filter reads the rating's fields the rows copy), read through
    /// `snapshot`: the one the report's ratings were counted in, so that a rating excluded or
    /// restored meanwhile counts with its follow-up or not at all.
    pub async fn loop_rows<C: ConnectionTrait>(
        &self,
        snapshot: &C,
        filter: &RatingFilter,
        through_sequence: i64,
    ) -> Result<Vec<LoopRow>> {
        use follow_up::Column;
        let mut select = Query::select();
        select
            .columns([
                Column::FollowUpId,
                Column::ExclusionReason,
                Column::SurveyId,
                Column::Channel,
                Column::Attributes,
                Column::ReasonCodes,
                Column::OccurTime,
                Column::CreateTime,
                Column::DueTime,
                Column::CloseTime,
            ])
            .from(follow_up::Entity)
            .cond_where(
                filter_condition(self.backend, filter)
                    .add(Expr::col(Column::FollowUpId).lte(through_sequence)),
            );
        let rows = LoopSelect::find_by_statement(self.backend.build(&select))
            .all(snapshot)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(LoopRow {
                    sequence: row.follow_up_id,
                    excluded: row.exclusion_reason != 0,
                    survey_id: row.survey_id,
                    channel: row.channel,
                    attributes: row.attributes,
                    reason_codes: reason_codes_from_json(&row.reason_codes)?,
                    occur_time: row.occur_time,
                    facts: LoopFacts {
                        create_time: row.create_time,
                        due_time: row.due_time,
                        close_time: row.close_time,
                    },
                })
            })
            .collect()
    }

    /// Returns the surveys that have follow-ups.
    pub async fn surveys_with_follow_ups(&self) -> Result<Vec<String>> {
        let mut select = Query::select();
        select
            .distinct()
            .column(follow_up::Column::SurveyId)
            .from(follow_up::Entity);
        let rows = self
            .reader
            .query_all_raw(self.backend.build(&select))
            .await?;
        rows.iter()
            .map(|row| row.try_get::<String>("", "survey_id").map_err(Error::from))
            .collect()
    }
}

/// Returns how many follow-ups of `customer_id` are open or in progress, and the earliest due;
/// those of excluded ratings count for no one.
pub(super) async fn open_follow_ups_of<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    customer_id: &str,
) -> Result<(i64, Option<Micros>)> {
    use follow_up::Column;
    let mut select = Query::select();
    select
        .expr(Expr::col(Column::FollowUpId).count())
        .expr(Expr::col(Column::DueTime).min())
        .from(follow_up::Entity)
        .and_where(Expr::col(Column::CustomerId).eq(customer_id))
        .and_where(Expr::col(Column::ExclusionReason).eq(0))
        .and_where(
            Expr::col(Column::State).is_in(FollowUpState::OPEN_STATES.map(FollowUpState::number)),
        );
    let row = connection
        .query_one_raw(backend.build(&select))
        .await?
        .ok_or_else(|| Error::internal("a count returned no row"))?;
    let open_count: i64 = row.try_get_by_index(0)?;
    let earliest_due: Option<i64> = row.try_get_by_index(1)?;
    Ok((open_count, earliest_due))
}

/// Returns the ABORTED of an etag that is not the stored one.
fn etag_mismatch(follow_up_id: i64) -> Error {
    Error::Aborted {
        reason: "FOLLOW_UP_ETAG_MISMATCH",
        message: format!(
            "follow-up {follow_up_id} changed since the etag given was read: read it again"
        ),
    }
}
