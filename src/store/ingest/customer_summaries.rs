//! The customer summaries, kept in the transaction of the ratings they count: what a commit adds
//! is summed per customer first, then each customer's row is read once, merged and written.

use std::collections::{BTreeMap, HashMap};

use futures_util::FutureExt as _;
use futures_util::future::LocalBoxFuture;
use sea_orm::{DatabaseTransaction, DbBackend};

use super::super::customers::{
    self, SUMMARY_COLUMNS, rusqlite_value, summary_from_row, summary_values,
};
use super::KeptWithRatings;
use crate::domain::customer::{CustomerSummary, HealthPolicy, ScoredRating};
use crate::domain::follow_up::opened_follow_up;
use crate::domain::{Rating, Survey, now_micros};
use crate::error::Result;

/// What a commit adds to the customers it names.
pub(super) struct CustomerSummaries {
    /// The policy, read at the writer's catalog version (a policy change bumps it).
    policy: HealthPolicy,
    /// What the commit in hand adds, per customer: its ratings and the follow-ups they open.
    staged: BTreeMap<String, CustomerSummary>,
    /// The fast path's statements, built once: their text is also the prepared statement cache's
    /// key.
    select_sql: String,
    upsert_sql: String,
}

impl CustomerSummaries {
    pub(super) fn new() -> CustomerSummaries {
        CustomerSummaries {
            policy: HealthPolicy::default(),
            staged: BTreeMap::new(),
            select_sql: format!(
                "SELECT {} FROM customers WHERE customer_id = ?1",
                SUMMARY_COLUMNS.join(", ")
            ),
            upsert_sql: customers::upsert_sql(DbBackend::Sqlite, 1),
        }
    }

    /// Returns the staged additions merged into what is stored.
    fn merged<'a>(
        &'a self,
        stored: &'a mut HashMap<String, CustomerSummary>,
    ) -> Vec<CustomerSummary> {
        self.staged
            .iter()
            .map(|(customer_id, added)| added_to(stored.remove(customer_id), added))
            .collect()
    }
}

/// Returns what a commit `added` to a customer merged into its `stored` summary, if any.
fn added_to(stored: Option<CustomerSummary>, added: &CustomerSummary) -> CustomerSummary {
    match stored {
        Some(mut summary) => {
            summary.merge(added);
            summary
        }
        None => added.clone(),
    }
}

impl KeptWithRatings for CustomerSummaries {
    fn reload<'a>(
        &'a mut self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        async move {
            self.policy = customers::stored_policy(transaction, backend).await?;
            Ok(())
        }
        .boxed_local()
    }

    fn stage(&mut self, stored: &[Rating], surveys: &HashMap<String, Survey>) {
        self.staged.clear();
        // A rating older than this is outside the window now and at every later read, since the
        // window's edge only moves forwards: it counts only in the all-time numbers.
        let window_start = now_micros().saturating_sub(self.policy.window);
        for rating in stored {
            let customer_id = &rating.content.customer_id;
            if customer_id.is_empty() {
                continue;
            }
            let Some(survey) = surveys.get(&rating.survey_id) else {
                continue;
            };
            let scored = ScoredRating::of(rating, survey);
            let summary = self
                .staged
                .entry(customer_id.clone())
                .or_insert_with(|| CustomerSummary::first(customer_id, rating.occur_time));
            summary.add(
                &scored,
                &rating.touchpoint,
                rating.occur_time >= window_start,
            );
            // The same decision as the follow-up the commit opens (OpenedFollowUps), from the
            // same survey as read under the counter lock.
            if let Some(due_time) = opened_follow_up(rating, survey) {
                summary.open_follow_up(due_time);
            }
        }
    }

    fn write<'a>(
        &'a self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        async move {
            if self.staged.is_empty() {
                return Ok(());
            }
            let customer_ids: Vec<&str> = self.staged.keys().map(String::as_str).collect();
            let mut stored =
                customers::stored_summaries(transaction, backend, &customer_ids).await?;
            let merged = self.merged(&mut stored);
            let summaries: Vec<&CustomerSummary> = merged.iter().collect();
            customers::write_summaries(transaction, backend, &summaries, &self.policy).await
        }
        .boxed_local()
    }

    fn write_fast(&self, transaction: &rusqlite::Transaction) -> rusqlite::Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        let mut select = transaction.prepare_cached(&self.select_sql)?;
        let mut upsert = transaction.prepare_cached(&self.upsert_sql)?;
        for (customer_id, added) in &self.staged {
            let stored = select
                .query_row([customer_id], |row| {
                    Ok(summary_from_row(row).map_err(|cause| {
                        rusqlite::Error::ToSqlConversionFailure(cause.to_string().into())
                    }))
                })
                .map(Some)
                .or_else(|error| match error {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })?
                .transpose()?;
            let values = summary_values(&added_to(stored, added), &self.policy);
            upsert.execute(rusqlite::params_from_iter(
                values.iter().map(rusqlite_value),
            ))?;
        }
        Ok(())
    }
}
