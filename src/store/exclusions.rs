//! Excluding and restoring ratings: one transaction that marks the rating and moves everything
//! kept beside the ratings with it (the stored rollups, the rating's follow-up, its customer's
//! summary), and the reads by which every process brings its rollups in memory along.
//!
//! An exclusion travels to the other replicas as a rating does: its transaction locks the counter
//! row (ordering it with every writer of every replica, and on PostgreSQL announcing the commit),
//! and bumps the counter's `exclusion_version`, which it also stores on the rating. Every report
//! reads the counter first; a process whose rollups in memory are at an older exclusion version
//! reads the ratings changed since (an index range) before it answers, as it reads the ratings
//! committed since its feed last delivered.

use std::collections::HashSet;

use sea_orm::sea_query::{Expr, ExprTrait as _, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use super::Store;
use super::entity::{follow_up, rating, survey};
use super::rating_sql::RATING_READ_COLUMNS;
use super::ratings::{RatingSchema, rating_from_columns, rating_from_row};
use super::rollups::{CellCounts, add_cells, stored_zones, upsert};
use crate::domain::{Exclusion, Rating, now_micros};
use crate::error::{Error, Result};

/// Ratings read per query while following exclusions.
const CHANGES_PAGE: u64 = 1_000;

/// A rating as an exclusion or restore since some version left it.
#[derive(Debug)]
pub struct ExclusionChange {
    /// The counter's exclusion version of the rating's last change.
    pub version: i64,
    /// The rating, with its exclusion as it is now.
    pub rating: Rating,
}

impl Store {
    /// Excludes the rating `rating_id` of `survey_id` from every number, with `exclusion`, or
    /// restores it with `None`, and returns it as stored, with the exclusion version of the
    /// change. A rating already in that state is returned as it is, without a version: excluded
    /// again, it keeps its first exclusion. NOT_FOUND for an unknown rating.
    pub async fn set_exclusion(
        &self,
        survey_id: &str,
        rating_id: &str,
        exclusion: Option<Exclusion>,
    ) -> Result<(Rating, Option<i64>)> {
        let stored = self.get_rating(survey_id, rating_id).await?;
        if stored.exclusion.is_some() == exclusion.is_some() {
            return Ok((stored, None));
        }
        // A rollup build reads the ratings before it takes the counter lock: an exclusion in
        // between would be missed by the cells it builds.
        let build_lock = self.lock_rollup_builds().await?;
        let changed = self.change_exclusion(survey_id, rating_id, exclusion).await;
        build_lock.release().await?;
        let changed = changed?;
        self.make_durable().await?;
        Ok(changed)
    }

    async fn change_exclusion(
        &self,
        survey_id: &str,
        rating_id: &str,
        exclusion: Option<Exclusion>,
    ) -> Result<(Rating, Option<i64>)> {
        // On a reader connection, as other changes under the counter lock do, so that the
        // writers' small pool is never held waiting for it.
        let isolation =
            (self.backend == DbBackend::Postgres).then_some(sea_orm::IsolationLevel::ReadCommitted);
        let transaction =
            sea_orm::TransactionTrait::begin_with_config(&self.reader, isolation, None).await?;
        let version = lock_counter(&transaction, self.backend).await?;
        // Read again under the lock: a concurrent call may have changed it.
        let mut rating = rating::Entity::find()
            .filter(rating::Column::SurveyId.eq(survey_id))
            .filter(rating::Column::RatingId.eq(rating_id))
            .one(&transaction)
            .await?
            .ok_or_else(|| Error::internal("a rating read a moment ago is gone"))
            .and_then(rating_from_row)?;
        if rating.exclusion.is_some() == exclusion.is_some() {
            transaction.rollback().await?;
            return Ok((rating, None));
        }
        let excluding = exclusion.is_some();
        rating.exclusion = exclusion;
        mark(&transaction, self.backend, &rating, version).await?;
        let survey = survey::Entity::find_by_id(survey_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| Error::internal(format!("rating of an unknown survey {survey_id:?}")))
            .and_then(super::surveys::survey_from_row)?;
        let zones = stored_zones(&transaction, self.backend).await?;
        let mut cells = CellCounts::new();
        add_cells(&rating, &survey.dimensions, &zones, &mut cells);
        if excluding {
            cells.values_mut().for_each(|count| *count = -*count);
        }
        upsert(&transaction, self.backend, &cells).await?;
        if !rating.content.invitation_id.is_empty() {
            // Its invitation's response leaves (or rejoins) the response rate with it.
            super::invitation_rollups::add_response(
                &transaction,
                self.backend,
                &rating.content.invitation_id,
                if excluding { -1 } else { 1 },
            )
            .await?;
        }
        let customer_id = rating.content.customer_id.as_str();
        if !customer_id.is_empty() {
            let policy = super::customers::stored_policy(&transaction, self.backend).await?;
            super::customers::count_again(
                &transaction,
                self.backend,
                &[customer_id],
                &policy,
                now_micros(),
                RatingSchema::Current,
            )
            .await?;
            let (open_count, earliest_due) =
                super::follow_ups::open_follow_ups_of(&transaction, self.backend, customer_id)
                    .await?;
            super::customers::set_open_follow_ups(
                &transaction,
                self.backend,
                customer_id,
                open_count,
                earliest_due,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok((rating, Some(version)))
    }

    /// Returns the ratings excluded or restored at an exclusion version after `after`, with
    /// their state now, oldest change first.
    pub async fn exclusion_changes(&self, after: i64) -> Result<Vec<ExclusionChange>> {
        let mut changes = Vec::new();
        let mut cursor = after;
        loop {
            let select = Query::select()
                .columns(RATING_READ_COLUMNS)
                .column(rating::Column::ExclusionVersion)
                .from(rating::Entity)
                .and_where(changed_ever())
                .and_where(Expr::col(rating::Column::ExclusionVersion).gt(cursor))
                .order_by(rating::Column::ExclusionVersion, Order::Asc)
                .limit(CHANGES_PAGE)
                .to_owned();
            let rows = self
                .reader
                .query_all_raw(self.backend.build(&select))
                .await?;
            let full = rows.len() as u64 == CHANGES_PAGE;
            for row in &rows {
                let version: i64 = row.try_get_by_index(RATING_READ_COLUMNS.len())?;
                cursor = version;
                changes.push(ExclusionChange {
                    version,
                    rating: rating_from_columns(row)?,
                });
            }
            if !full {
                return Ok(changes);
            }
        }
    }
}

/// Locks the counter row as a writer does, bumps its exclusion version and returns it. On
/// PostgreSQL the same statement announces the commit to every replica's feed.
pub(super) async fn lock_counter<C: ConnectionTrait>(
    transaction: &C,
    backend: DbBackend,
) -> Result<i64> {
    let notify = match backend {
        DbBackend::Postgres => format!(", pg_notify('{}', '')", super::COMMIT_CHANNEL),
        _ => String::new(),
    };
    let row = transaction
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "UPDATE rating_sequence SET exclusion_version = exclusion_version + 1 \
                 WHERE id = 1 RETURNING exclusion_version{notify}"
            ),
        ))
        .await?
        .ok_or_else(|| Error::internal("the rating_sequence row is missing"))?;
    Ok(row.try_get::<i64>("", "exclusion_version")?)
}

/// Writes `rating`'s exclusion (or its absence) at `version`, and copies it to its follow-up.
async fn mark<C: ConnectionTrait>(
    transaction: &C,
    backend: DbBackend,
    rating: &Rating,
    version: i64,
) -> Result<()> {
    let exclusion = rating.exclusion.as_ref();
    let reason = exclusion.map_or(0, |exclusion| exclusion.reason.number());
    let mut update = Query::update();
    update
        .table(rating::Entity)
        .values([
            (rating::Column::ExclusionReason, reason.into()),
            (
                rating::Column::ExclusionNote,
                exclusion.map_or("", |exclusion| &exclusion.note).into(),
            ),
            (
                rating::Column::ExclusionPrincipal,
                exclusion
                    .map_or("", |exclusion| &exclusion.principal)
                    .into(),
            ),
            (
                rating::Column::ExcludeTime,
                exclusion.map(|exclusion| exclusion.exclude_time).into(),
            ),
            (rating::Column::ExclusionVersion, version.into()),
        ])
        .and_where(Expr::col(rating::Column::Sequence).eq(rating.sequence));
    transaction.execute_raw(backend.build(&update)).await?;
    let mut follow_up_update = Query::update();
    follow_up_update
        .table(follow_up::Entity)
        .values([(follow_up::Column::ExclusionReason, reason.into())])
        .and_where(Expr::col(follow_up::Column::FollowUpId).eq(rating.sequence));
    transaction
        .execute_raw(backend.build(&follow_up_update))
        .await?;
    Ok(())
}

/// Returns the sequences of the ratings excluded now, read through `connection` (in the snapshot
/// of the rollups it loads).
pub(super) async fn excluded_sequences<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
) -> Result<HashSet<i64>> {
    let select = Query::select()
        .column(rating::Column::Sequence)
        .from(rating::Entity)
        .and_where(changed_ever())
        .and_where(Expr::col(rating::Column::ExclusionReason).ne(0))
        .to_owned();
    let rows = connection.query_all_raw(backend.build(&select)).await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<i64>(0).map_err(Error::from))
        .collect()
}

/// The condition of the partial index of the ratings ever excluded, as its definition spells it:
/// a query states it in these words, not with a bound parameter, for SQLite's planner and
/// PostgreSQL's to see that the index holds every row it wants.
fn changed_ever() -> Expr {
    Expr::cust("exclusion_version > 0")
}
