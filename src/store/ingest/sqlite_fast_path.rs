//! SQLite's fast path of a commit: rusqlite on the writer's thread, statements prepared once.

use tracing::warn;

use sea_orm::DbBackend;

use super::super::Store;
use super::super::rating_sql::insert_one_rating_sql;
use super::super::rating_sql::{attributes_json, reason_codes_json};
use super::KeptWithRatings;
use super::statements::CounterSnapshot;
use crate::domain::Rating;

/// SQLite: a commit on the writer's own connection, on the writer's thread, with statements
/// prepared once. The writer remembers the counter row as it left it: if the row is still so, no
/// other connection committed ratings or changed a survey since, and the surveys the writer holds
/// (and what each [`KeptWithRatings`] read with them, the rollups' zones) are current, so nothing needs reading before the insert. A stored key fails the
/// insert; any failure rolls back, and the transaction path takes over.
pub(super) struct SqliteFastPath {
    pub(super) connection: rusqlite::Connection,
    /// The counter row as this writer's last commit left it; `None` when not known (at start,
    /// after a failure).
    pub(super) counter: Option<CounterSnapshot>,
    /// The single-row insert, built once: its text is also the key of the prepared statement
    /// cache.
    insert_rating_sql: String,
}

/// Why a fast commit did not happen; it changed nothing either way.
pub(super) enum FastCommitFailure {
    /// The counter row is not as this writer left it.
    CounterMoved,
    /// A rating's key is stored already.
    KeyTaken,
    /// Anything else.
    Database(rusqlite::Error),
}

impl From<rusqlite::Error> for FastCommitFailure {
    fn from(cause: rusqlite::Error) -> Self {
        let key_taken = matches!(
            &cause,
            rusqlite::Error::SqliteFailure(error, Some(message))
                if error.code == rusqlite::ErrorCode::ConstraintViolation
                    && message.contains("ratings.rating_id")
        );
        if key_taken {
            FastCommitFailure::KeyTaken
        } else {
            FastCommitFailure::Database(cause)
        }
    }
}

impl SqliteFastPath {
    /// Stores `stored` and writes what each of `kept` staged for it in one transaction, guarded
    /// by the counter row being still `left`, and remembers the counter as the commit leaves it.
    pub(super) fn commit(
        &mut self,
        left: CounterSnapshot,
        stored: &[Rating],
        kept: &[Box<dyn KeptWithRatings>],
    ) -> std::result::Result<(), FastCommitFailure> {
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let next_sequence = left.next_sequence + stored.len() as i64;
        let guarded = transaction
            .prepare_cached(
                "UPDATE rating_sequence SET next_sequence = ?1 \
                 WHERE id = 1 AND next_sequence = ?2 AND catalog_version = ?3",
            )?
            .execute((next_sequence, left.next_sequence, left.catalog_version))?;
        if guarded != 1 {
            return Err(FastCommitFailure::CounterMoved);
        }
        {
            let mut insert = transaction.prepare_cached(&self.insert_rating_sql)?;
            for rating in stored {
                // Bound by reference: the row model would copy every text.
                let content = &rating.content;
                insert.execute((
                    rating.sequence,
                    &rating.survey_id,
                    &rating.touchpoint,
                    &rating.rating_id,
                    content.score,
                    &content.comment,
                    &content.customer_id,
                    content.channel.number(),
                    attributes_json(&content.attributes),
                    rating.occur_time,
                    rating.create_time,
                    reason_codes_json(&content.reason_codes),
                    &content.invitation_id,
                ))?;
            }
        }
        for state in kept {
            state.write_fast(&transaction)?;
        }
        transaction.commit()?;
        self.counter = Some(CounterSnapshot {
            next_sequence,
            catalog_version: left.catalog_version,
        });
        Ok(())
    }
}

/// Opens the writer's own SQLite connection; `None` on PostgreSQL, or when it cannot be opened
/// (every commit then takes the transaction path).
pub(super) fn open_fast_path(store: &Store) -> Option<SqliteFastPath> {
    match store.open_sqlite_writer() {
        Ok(connection) => connection.map(|connection| SqliteFastPath {
            connection,
            counter: None,
            insert_rating_sql: insert_one_rating_sql(DbBackend::Sqlite),
        }),
        Err(cause) => {
            warn!(error = %cause, "no connection of the writer's own: every commit takes the transaction path");
            None
        }
    }
}
