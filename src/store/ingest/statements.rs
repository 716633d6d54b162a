//! The statements of the transaction path: the counter lock, the lookup of stored keys, the
//! multi-row insert.

use std::collections::HashMap;
use std::fmt::Write as _;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, IsolationLevel,
    QueryFilter, Statement, TransactionTrait,
};

use super::super::Store;
use super::super::entity::rating;
use super::super::ratings::{rating_from_row, rating_to_row};
use crate::domain::Rating;
use crate::domain::ingest::{StoredRatings, Submission};
use crate::error::{Error, Result};

/// Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;
/// Keys per lookup of already stored ratings.
const KEYS_PER_LOOKUP: usize = 500;

const RATING_COLUMNS: &str = "sequence, survey_id, touchpoint, rating_id, score, comment, \
    customer_id, channel, attributes, occur_time, create_time";
const VALUES_PER_RATING: usize = 11;

/// Returns `INSERT INTO ratings … VALUES …` for `rows` rows, with `suffix` appended; parameters
/// numbered for `backend`.
pub(super) fn insert_sql(backend: DbBackend, rows: usize, suffix: &str) -> String {
    let mut sql = format!("INSERT INTO ratings ({RATING_COLUMNS}) VALUES ");
    for row_index in 0..rows {
        sql.push_str(if row_index == 0 { "(" } else { ", (" });
        for column_index in 0..VALUES_PER_RATING {
            if column_index > 0 {
                sql.push_str(", ");
            }
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${}", row_index * VALUES_PER_RATING + column_index + 1);
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql.push_str(suffix);
    sql
}

/// Inserts `ratings`, skipping any whose key is stored already, and returns how many were
/// inserted. Written as SQL rather than built per row: this is the hot path of every submission.
pub(super) async fn insert_ratings(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    ratings: &[Rating],
) -> Result<u64> {
    let mut inserted = 0;
    for rows in ratings.chunks(ROWS_PER_INSERT) {
        let sql = insert_sql(
            backend,
            rows.len(),
            " ON CONFLICT (survey_id, rating_id) DO NOTHING",
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * VALUES_PER_RATING);
        for rating in rows {
            let row = rating_to_row(rating);
            values.extend([
                row.sequence.into(),
                row.survey_id.into(),
                row.touchpoint.into(),
                row.rating_id.into(),
                row.score.into(),
                row.comment.into(),
                row.customer_id.into(),
                row.channel.into(),
                row.attributes.into(),
                row.occur_time.into(),
                row.create_time.into(),
            ]);
        }
        inserted += transaction
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
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
