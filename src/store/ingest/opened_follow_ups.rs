//! Follow-ups, opened in the transaction of the ratings that open them.

use std::collections::HashMap;

use futures_util::FutureExt as _;
use futures_util::future::LocalBoxFuture;
use sea_orm::{DatabaseTransaction, DbBackend};

use super::super::follow_ups::{self, OpenedFollowUp};
use super::super::rating_sql::{attributes_json, reason_codes_json};
use super::KeptWithRatings;
use crate::domain::follow_up::{FollowUp, opened_follow_up};
use crate::domain::{Rating, Survey};
use crate::error::Result;

/// The follow-ups a commit opens: one per newly stored rating that its survey's rule selects, as
/// the survey was when the writer read it under the counter lock. A retried rating is not
/// stored again, so it opens nothing more; a rule set after a rating was stored never reaches it.
pub(super) struct OpenedFollowUps {
    staged: Vec<OpenedFollowUp>,
    /// The fast path's single-row insert, built once: its text is also the key of the prepared
    /// statement cache.
    insert_one_sql: String,
}

impl OpenedFollowUps {
    pub(super) fn new() -> OpenedFollowUps {
        OpenedFollowUps {
            staged: Vec::new(),
            insert_one_sql: follow_ups::insert_one_sql(DbBackend::Sqlite),
        }
    }
}

impl KeptWithRatings for OpenedFollowUps {
    fn reload<'a>(
        &'a mut self,
        _transaction: &'a DatabaseTransaction,
        _backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        // The rules are the surveys' own, which the writer re-reads itself.
        async { Ok(()) }.boxed_local()
    }

    fn stage(&mut self, stored: &[Rating], surveys: &HashMap<String, Survey>) {
        self.staged.clear();
        for rating in stored {
            let Some(survey) = surveys.get(&rating.survey_id) else {
                continue;
            };
            if let Some(due_time) = opened_follow_up(rating, survey) {
                self.staged.push(OpenedFollowUp {
                    follow_up: FollowUp::opened_by(rating, due_time),
                    attributes: attributes_json(&rating.content.attributes),
                    reason_codes: reason_codes_json(&rating.content.reason_codes),
                });
            }
        }
    }

    fn write<'a>(
        &'a self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>> {
        follow_ups::insert_opened(transaction, backend, &self.staged).boxed_local()
    }

    fn write_fast(&self, transaction: &rusqlite::Transaction) -> rusqlite::Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        let mut insert = transaction.prepare_cached(&self.insert_one_sql)?;
        for opened in &self.staged {
            let follow_up = &opened.follow_up;
            insert.execute(rusqlite::params![
                follow_up.follow_up_id,
                follow_up.survey_id,
                follow_up.touchpoint,
                follow_up.rating_id,
                follow_up.score,
                follow_up.comment,
                follow_up.customer_id,
                follow_up.channel,
                opened.attributes,
                follow_up.occur_time,
                follow_up.state.number(),
                follow_up.assignee,
                follow_up.resolution_code,
                "[]",
                follow_up.create_time,
                follow_up.due_time,
                follow_up.update_time,
                follow_up.close_time,
                follow_up.version,
                opened.reason_codes,
            ])?;
        }
        Ok(())
    }
}
