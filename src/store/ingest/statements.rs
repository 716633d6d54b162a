//! The statements of the transaction path: the counter lock, the lookup of stored keys, the
//! multi-row insert.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, IsolationLevel,
    QueryFilter, Statement, TransactionTrait,
};

use super::super::Store;
use super::super::entity::rating;
use super::super::rating_sql::insert_new_ratings;
use super::super::ratings::rating_from_row;
use crate::domain::Rating;
use crate::domain::ingest::{StoredRatings, Submission};
use crate::error::{Error, Result};

/// Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;
/// Keys per lookup of already stored ratings.
const KEYS_PER_LOOKUP: usize = 500;

/// Inserts `ratings`, skipping any whose key is stored already, and returns how many were
/// inserted.
pub(super) async fn insert_ratings(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    ratings: &[Rating],
) -> Result<u64> {
    let mut inserted = 0;
    for rows in ratings.chunks(ROWS_PER_INSERT) {
        inserted += transaction
            .execute_raw(insert_new_ratings(backend, rows))
            .await?
            .rows_affected();
    }
    Ok(inserted)
}

/// Begins a transaction that sees rows committed while it waited for the counter lock. READ
/// COMMITTED is PostgreSQL's default, but not every PostgreSQL-compatible database's; SQLite's
/// transactions are serializable and take no level.
pub(in crate::store) async fn begin_read_committed(store: &Store) -> Result<DatabaseTransaction> {
    let isolation = (store.backend == DbBackend::Postgres).then_some(IsolationLevel::ReadCommitted);
    Ok(store.writer.begin_with_config(isolation, None).await?)
}

/// The counter row as a locking statement found it.
pub(in crate::store) struct CounterRow {
    /// The first sequence reserved for this transaction.
    pub first_sequence: i64,
    /// Bumped by every survey change.
    pub catalog_version: i64,
}

/// The counter row as a commit of this writer left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CounterSnapshot {
    /// The next sequence to hand out.
    pub next_sequence: i64,
    /// Bumped by every survey change.
    pub catalog_version: i64,
}

/// Locks the counter row for the rest of the transaction and reserves `reserve` sequences. On
/// PostgreSQL the row lock makes every other writer wait until this one commits, so sequences are
/// visible in commit order; on SQLite the UPDATE takes the database's write lock.
pub(in crate::store) async fn lock_sequence_counter(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    reserve: i64,
) -> Result<CounterRow> {
    // On PostgreSQL the same statement tells every replica's feed that ratings are coming: the
    // notification is delivered when (and only if) this transaction commits.
    let notify = match backend {
        DbBackend::Postgres => format!(", pg_notify('{}', '')", super::super::COMMIT_CHANNEL),
        _ => String::new(),
    };
    let lock = Statement::from_string(
        backend,
        format!(
            "UPDATE rating_sequence SET next_sequence = next_sequence + {reserve} WHERE id = 1 \
             RETURNING next_sequence - {reserve} AS first_sequence, catalog_version{notify}"
        ),
    );
    let row = transaction
        .query_one_raw(lock)
        .await?
        .ok_or_else(|| Error::internal("the rating_sequence row is missing"))?;
    Ok(CounterRow {
        first_sequence: row.try_get::<i64>("", "first_sequence")?,
        catalog_version: row.try_get::<i64>("", "catalog_version")?,
    })
}

/// Returns the stored ratings whose keys the batch names (only caller-chosen keys can repeat).
pub(super) async fn stored_ratings_with_keys(
    transaction: &DatabaseTransaction,
    batch: &[Submission],
) -> Result<StoredRatings> {
    let mut rating_ids_by_survey: HashMap<&str, Vec<&str>> = HashMap::new();
    for rating in batch.iter().flat_map(|submission| &submission.ratings) {
        if rating.rating_id_given {
            rating_ids_by_survey
                .entry(&rating.survey_id)
                .or_default()
                .push(&rating.rating_id);
        }
    }
    let mut known = StoredRatings::default();
    for (survey_id, rating_ids) in rating_ids_by_survey {
        for chunk in rating_ids.chunks(KEYS_PER_LOOKUP) {
            let rows = rating::Entity::find()
                .filter(rating::Column::SurveyId.eq(survey_id))
                .filter(rating::Column::RatingId.is_in(chunk.iter().copied()))
                .all(transaction)
                .await?;
            for row in rows {
                known.insert(rating_from_row(row)?);
            }
        }
    }
    Ok(known)
}
