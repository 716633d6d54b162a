//! The rollups, kept in the transaction of the ratings they count.

use std::collections::HashMap;

use futures_util::FutureExt as _;
use futures_util::future::LocalBoxFuture;
use sea_orm::{DatabaseTransaction, DbBackend};

use super::super::rollups::{self, CellCounts, RollupZone};
use super::KeptWithRatings;
use crate::domain::{Rating, Survey};
use crate::error::Result;

/// The rollup cells a commit adds to, in every zone whose rollups are kept.
pub(super) struct RollupCells {
    /// The zones whose rollups are kept, read at the writer's catalog version.
    zones: Vec<RollupZone>,
    /// What the commit in hand adds.
    staged: CellCounts,
    /// The single-row upsert of the fast path, built once: its text is also the key of the
    /// prepared statement cache.
    upsert_cell_sql: String,
}

impl RollupCells {
    pub(super) fn new() -> RollupCells {
        RollupCells {
            zones: Vec::new(),
            staged: CellCounts::new(),
            upsert_cell_sql: rollups::upsert_sql(DbBackend::Sqlite, 1),
        }
    }
}

impl KeptWithRatings for RollupCells {
    fn reload<'a>(
        &'a mut self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        async move {
            self.zones = rollups::stored_zones(transaction, backend).await?;
            Ok(())
        }
        .boxed_local()
    }

    fn stage(&mut self, stored: &[Rating], surveys: &HashMap<String, Survey>) {
        self.staged.clear();
        for rating in stored {
            let dimensions = surveys
                .get(&rating.survey_id)
                .map_or(&[][..], |survey| &survey.dimensions[..]);
            rollups::add_cells(rating, dimensions, &self.zones, &mut self.staged);
        }
    }

    fn write<'a>(
        &'a self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        rollups::upsert(transaction, backend, &self.staged).boxed_local()
    }

    fn write_fast(&self, transaction: &rusqlite::Transaction) -> rusqlite::Result<()> {
        let mut upsert = transaction.prepare_cached(&self.upsert_cell_sql)?;
        for (cell, count) in &self.staged {
            upsert.execute((
                &*cell.zone,
                cell.day,
                &*cell.survey_id,
                &*cell.dimension,
                &*cell.value,
                cell.channel,
                cell.score,
                count,
            ))?;
        }
        Ok(())
    }
}
