//! The one-row counter, `rating_sequence`: the last sequence handed out, and the versions that
//! send every process back to read surveys, rollup zones and rollups when they change.

use sea_orm::ConnectionTrait;

use super::Store;
use crate::error::{Error, Result};

/// The counter row as last committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterVersions {
    /// The highest sequence handed out (0 before the first rating).
    pub last_sequence: i64,
    /// Bumped by every change of a survey or of the rollup zones.
    pub catalog_version: i64,
    /// Bumped when the stored rollups change other than by the writer (a zone or dimension built).
    pub rollup_version: i64,
    /// Bumped by every exclusion or restore of a rating, which stores the new value on the
    /// rating: a process whose rollups in memory are older reads the ratings changed since.
    pub exclusion_version: i64,
}

impl Store {
    /// Returns the counter row, read on the reader pool.
    pub async fn counter_versions(&self) -> Result<CounterVersions> {
        self.counter_versions_in(&self.reader).await
    }

    /// Returns the highest sequence the counter row has handed out, read through `connection`.
    pub(super) async fn counter_sequence_in<C: ConnectionTrait>(
        &self,
        connection: &C,
    ) -> Result<i64> {
        Ok(self.counter_versions_in(connection).await?.last_sequence)
    }

    async fn counter_versions_in<C: ConnectionTrait>(
        &self,
        connection: &C,
    ) -> Result<CounterVersions> {
        let statement = sea_orm::Statement::from_string(
            self.backend,
            "SELECT next_sequence - 1 AS last_sequence, catalog_version, rollup_version, \
             exclusion_version FROM rating_sequence WHERE id = 1",
        );
        let row = connection
            .query_one_raw(statement)
            .await?
            .ok_or_else(|| Error::internal("the rating_sequence row is missing"))?;
        Ok(CounterVersions {
            last_sequence: row.try_get::<i64>("", "last_sequence")?,
            catalog_version: row.try_get::<i64>("", "catalog_version")?,
            rollup_version: row.try_get::<i64>("", "rollup_version")?,
            exclusion_version: row.try_get::<i64>("", "exclusion_version")?,
        })
    }
}

/// Bumps the counter row's catalog version, which sends every writer back to read surveys and
/// rollup zones, and with `rollups_changed` its rollup version, which makes every process reload
/// the rollups it keeps in memory. Locks the counter row like a writer.
pub(super) async fn bump_versions<C: sea_orm::ConnectionTrait>(
    connection: &C,
    backend: sea_orm::DbBackend,
    rollups_changed: bool,
) -> Result<()> {
    let sql = if rollups_changed {
        "UPDATE rating_sequence SET catalog_version = catalog_version + 1, \
         rollup_version = rollup_version + 1 WHERE id = 1"
    } else {
        "UPDATE rating_sequence SET catalog_version = catalog_version + 1 WHERE id = 1"
    };
    connection
        .execute_raw(sea_orm::Statement::from_string(backend, sql))
        .await?;
    Ok(())
}
