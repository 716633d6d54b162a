//! Erasing a customer's personal data, and the retention sweep of old comments.
//!
//! An erasure changes ratings as an exclusion does, and travels the same way: its transaction
//! locks the counter row (ordering it with every writer of every replica: a rating of the
//! customer committed before it is erased, one committed after is kept), bumps the counter's
//! `exclusion_version` and stores it on each rating it erased. The rollups in memory of every
//! process follow exclusion changes before a report; an erased rating among them makes the
//! process load its rollups again, since the attribute values it counted are gone from storage.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::sea_query::{Expr, ExprTrait as _, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

use super::Store;
use super::entity::{follow_up, rating, survey};
use super::exclusions::lock_counter;
use super::rating_sql::{RATING_READ_COLUMNS, of_customer};
use super::ratings::rating_from_columns;
use super::rollups::{CellCounts, RollupCell, add_cells, stored_zones, upsert};
use crate::domain::{Micros, Rating};
use crate::error::{Error, Result};

/// What an erasure changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    /// Ratings erased.
    pub ratings: i64,
    /// Follow-ups erased.
    pub follow_ups: i64,
    /// Invitations erased (their customer_id, which is all they hold of the customer).
    pub invitations: i64,
    /// The counter's exclusion version of the change; `None` when nothing was left to erase.
    pub version: Option<i64>,
}

/// Ratings whose comments one retention statement clears, so that a sweep holds no lock long.
const RETENTION_BATCH: i64 = 1_000;

impl Store {
    /// Erases the comment, customer_id and attributes of every rating of `customer_id`, the
    /// comment, notes, customer_id and attributes of its follow-ups, the customer_id of its
    /// invitations, and its summary, in one
    /// transaction. Erasing a customer with nothing left is no change, with counts of 0.
    pub async fn erase_customer(&self, customer_id: &str) -> Result<Erased> {
        // As for an exclusion: a rollup build reads the ratings before it takes the counter
        // lock, and would miss the cells moved in between.
        let build_lock = self.lock_rollup_builds().await?;
        let erased = self.erase_in_one_transaction(customer_id).await;
        build_lock.release().await?;
        let erased = erased?;
        if erased.version.is_some() {
            self.make_durable().await?;
        }
        Ok(erased)
    }

    async fn erase_in_one_transaction(&self, customer_id: &str) -> Result<Erased> {
        let isolation =
            (self.backend == DbBackend::Postgres).then_some(sea_orm::IsolationLevel::ReadCommitted);
        let transaction =
            sea_orm::TransactionTrait::begin_with_config(&self.reader, isolation, None).await?;
        // Every read below is under the lock, so sees every rating committed before it.
        let version = lock_counter(&transaction, self.backend).await?;
        let select = Query::select()
            .columns(RATING_READ_COLUMNS)
            .from(rating::Entity)
            .cond_where(of_customer(customer_id))
            .to_owned();
        let ratings = transaction
            .query_all_raw(self.backend.build(&select))
            .await?
            .iter()
            .map(rating_from_columns)
            .collect::<Result<Vec<Rating>>>()?;
        let cells = self.moved_cells(&transaction, &ratings).await?;
        let mut update = Query::update();
        update
            .table(rating::Entity)
            .values([
                (rating::Column::Comment, "".into()),
                (rating::Column::CustomerId, "".into()),
                (rating::Column::Attributes, "{}".into()),
                (rating::Column::Erased, true.into()),
                (rating::Column::ExclusionVersion, version.into()),
            ])
            .cond_where(of_customer(customer_id));
        transaction.execute_raw(self.backend.build(&update)).await?;
        let mut follow_ups = Query::update();
        follow_ups
            .table(follow_up::Entity)
            .values([
                (follow_up::Column::Comment, "".into()),
                (follow_up::Column::CustomerId, "".into()),
                (follow_up::Column::Attributes, "{}".into()),
                (follow_up::Column::Notes, "[]".into()),
            ])
            .and_where(Expr::col(follow_up::Column::CustomerId).eq(customer_id));
        let follow_up_count = transaction
            .execute_raw(self.backend.build(&follow_ups))
            .await?
            .rows_affected();
        let summary_count = transaction
            .execute_raw(Statement::from_sql_and_values(
                self.backend,
                match self.backend {
                    DbBackend::Postgres => "DELETE FROM customers WHERE customer_id = $1",
                    _ => "DELETE FROM customers WHERE customer_id = ?",
                },
                [customer_id.into()],
            ))
            .await?
            .rows_affected();
        let invitation_count = transaction
            .execute_raw(Statement::from_sql_and_values(
                self.backend,
                match self.backend {
                    DbBackend::Postgres => {
                        "UPDATE invitations SET customer_id = '' WHERE customer_id = $1"
                    }
                    _ => "UPDATE invitations SET customer_id = '' WHERE customer_id = ?",
                },
                [customer_id.into()],
            ))
            .await?
            .rows_affected();
        if ratings.is_empty() && follow_up_count == 0 && summary_count == 0 && invitation_count == 0
        {
            // Nothing of the customer is stored: the counter's bump is not kept.
            transaction.rollback().await?;
            return Ok(Erased::default());
        }
        upsert(&transaction, self.backend, &cells).await?;
        forget_empty_cells(&transaction, self.backend, &cells).await?;
        transaction.commit().await?;
        Ok(Erased {
            ratings: ratings.len() as i64,
            follow_ups: follow_up_count as i64,
            invitations: invitation_count as i64,
            version: Some(version),
        })
    }

    /// Returns the rollup cells that erasing `ratings` moves: each counted rating's attribute
    /// values go to the empty value.
    async fn moved_cells<C: ConnectionTrait>(
        &self,
        transaction: &C,
        ratings: &[Rating],
    ) -> Result<CellCounts> {
        let mut cells = CellCounts::new();
        let counted: Vec<&Rating> = ratings
            .iter()
            .filter(|rating| rating.exclusion.is_none() && !rating.content.attributes.is_empty())
            .collect();
        if counted.is_empty() {
            return Ok(cells);
        }
        let zones = stored_zones(transaction, self.backend).await?;
        let survey_ids: BTreeSet<&str> = counted.iter().map(|r| r.survey_id.as_str()).collect();
        let mut dimensions = BTreeMap::new();
        for survey_id in survey_ids {
            let survey = survey::Entity::find_by_id(survey_id)
                .one(transaction)
                .await?
                .ok_or_else(|| {
                    Error::internal(format!("rating of an unknown survey {survey_id:?}"))
                })
                .and_then(super::surveys::survey_from_row)?;
            dimensions.insert(survey_id, survey.dimensions);
        }
        for rating in counted {
            let dimensions = &dimensions[rating.survey_id.as_str()];
            let mut before = CellCounts::new();
            add_cells(rating, dimensions, &zones, &mut before);
            let mut after = CellCounts::new();
            let erased = Rating {
                content: rating.content.erased(),
                ..rating.clone()
            };
            add_cells(&erased, dimensions, &zones, &mut after);
            for (cell, count) in before {
                *cells.entry(cell).or_default() -= count;
            }
            for (cell, count) in after {
                *cells.entry(cell).or_default() += count;
            }
        }
        cells.retain(|_, count| *count != 0);
        Ok(cells)
    }

    /// Erases the comments of ratings that occurred before `before` (and their follow-ups'
    /// copies), a batch per transaction; returns how many ratings lost their comment. Erasing
    /// a comment moves no number, so it needs neither the counter lock nor the rollups.
    pub async fn erase_comments_before(&self, before: Micros) -> Result<u64> {
        let mut erased = 0;
        // In sequence order from where the last batch stopped: each batch reads on from there
        // rather than past every rating already swept.
        let mut cursor = 0;
        loop {
            let transaction = sea_orm::TransactionTrait::begin(&self.reader).await?;
            let select = Query::select()
                .column(rating::Column::Sequence)
                .from(rating::Entity)
                .and_where(Expr::col(rating::Column::OccurTime).lt(before))
                .and_where(Expr::col(rating::Column::Comment).ne(""))
                .and_where(Expr::col(rating::Column::Sequence).gt(cursor))
                .order_by(rating::Column::Sequence, Order::Asc)
                .limit(RETENTION_BATCH as u64)
                .to_owned();
            let sequences: Vec<i64> = transaction
                .query_all_raw(self.backend.build(&select))
                .await?
                .iter()
                .map(|row| row.try_get_by_index::<i64>(0).map_err(Error::from))
                .collect::<Result<_>>()?;
            if sequences.is_empty() {
                transaction.rollback().await?;
                break;
            }
            let mut update = Query::update();
            update
                .table(rating::Entity)
                .values([(rating::Column::Comment, "".into())])
                .and_where(Expr::col(rating::Column::Sequence).is_in(sequences.iter().copied()));
            transaction.execute_raw(self.backend.build(&update)).await?;
            let mut follow_ups = Query::update();
            follow_ups
                .table(follow_up::Entity)
                .values([(follow_up::Column::Comment, "".into())])
                .and_where(
                    Expr::col(follow_up::Column::FollowUpId).is_in(sequences.iter().copied()),
                );
            transaction
                .execute_raw(self.backend.build(&follow_ups))
                .await?;
            transaction.commit().await?;
            erased += sequences.len() as u64;
            cursor = sequences.last().copied().unwrap_or(cursor);
            if (sequences.len() as i64) < RETENTION_BATCH {
                break;
            }
        }
        if erased > 0 {
            self.make_durable().await?;
        }
        Ok(erased)
    }
}

/// Deletes the rollup rows among `cells` that count nothing now: a row keyed by an erased
/// attribute value would otherwise keep the value.
async fn forget_empty_cells<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    cells: &CellCounts,
) -> Result<()> {
    let sql = match backend {
        DbBackend::Postgres => {
            "DELETE FROM rollups WHERE zone = $1 AND day = $2 AND survey_id = $3 \
             AND dimension = $4 AND value = $5 AND channel = $6 AND score = $7 \
             AND rating_count = 0"
        }
        _ => {
            "DELETE FROM rollups WHERE zone = ? AND day = ? AND survey_id = ? \
             AND dimension = ? AND value = ? AND channel = ? AND score = ? \
             AND rating_count = 0"
        }
    };
    for (cell, _) in cells.iter().filter(|(_, count)| **count < 0) {
        let RollupCell {
            zone,
            day,
            survey_id,
            dimension,
            value,
            channel,
            score,
        } = cell;
        connection
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    zone.to_string().into(),
                    (*day).into(),
                    survey_id.to_string().into(),
                    dimension.to_string().into(),
                    value.to_string().into(),
                    (*channel).into(),
                    (*score).into(),
                ],
            ))
            .await?;
    }
    Ok(())
}
