//! The SQL of ingestion: the commit of a batch of submissions in one transaction, and its SQLite
//! fast path. Inside the transaction it locks the sequence counter row first, which orders writers
//! of every replica; then it reads the surveys and the keys already stored, has the domain decide
//! every rating ([`crate::domain::ingest`]), inserts the new ones with consecutive sequences and
//! commits. The writer task that feeds it and answers callers is the top-level `ingest` module.

mod customer_summaries;
mod invitation_links;
mod opened_follow_ups;
mod rollup_cells;
mod sqlite_fast_path;
mod statements;

use std::collections::HashMap;

use futures_util::future::LocalBoxFuture;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use tracing::{debug, warn};

use super::Store;
use crate::domain::ingest::{
    CommitOutcome, InvitationLinks, StoredRatings, Submission, decide, names_an_invitation,
    names_only_known_surveys, unseen_survey_ids,
};
use crate::domain::{Rating, Survey, now_micros};
use crate::error::{Error, Result};
use customer_summaries::CustomerSummaries;
use opened_follow_ups::OpenedFollowUps;
use rollup_cells::RollupCells;
use sqlite_fast_path::{FastCommitFailure, SqliteFastPath, open_fast_path};
use statements::{CounterSnapshot, insert_ratings, stored_ratings_with_keys};
pub(super) use statements::{begin_read_committed, lock_sequence_counter};

/// State derived from the ratings a commit stores, written in the same transaction as they are,
/// on the transaction path and on the SQLite fast path alike, so that it never disagrees with
/// the ratings: the rollups ([`RollupCells`]), the follow-ups they open ([`OpenedFollowUps`]) and
/// the customer summaries ([`CustomerSummaries`]). Invitation links are not among them: they
/// depend on the invitations read in the transaction, so the transaction path alone writes
/// them ([`invitation_links`]), and a batch naming an invitation never takes the fast path.
trait KeptWithRatings {
    /// Re-reads, inside the commit's transaction, what it depends on besides the surveys, once a
    /// survey change moved the catalog version (the fast path relies on it being current while
    /// the version holds).
    fn reload<'a>(
        &'a mut self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>>;

    /// Computes what `stored` (ratings of `surveys`) adds, replacing what was staged before.
    fn stage(&mut self, stored: &[Rating], surveys: &HashMap<String, Survey>);

    /// Writes what was staged, in the transaction path's transaction.
    fn write<'a>(
        &'a self,
        transaction: &'a DatabaseTransaction,
        backend: DbBackend,
    ) -> LocalBoxFuture<'a, Result<()>>;

    /// Writes what was staged, in the SQLite fast path's transaction, with statements prepared
    /// once on its connection (`prepare_cached`).
    fn write_fast(&self, transaction: &rusqlite::Transaction) -> rusqlite::Result<()>;
}

/// Commits batches of submissions, one transaction each; holds what it read between commits.
pub(crate) struct Committer {
    store: Store,
    /// SQLite: see [`SqliteFastPath`].
    fast_path: Option<SqliteFastPath>,
    /// Surveys as read at one `catalog_version` of the counter row. Every survey change bumps that
    /// version under the counter lock, so while it holds, these rows are still current: a commit
    /// reads only the surveys it has not seen yet.
    surveys: HashMap<String, Survey>,
    /// What every commit writes beside the ratings.
    kept: Vec<Box<dyn KeptWithRatings>>,
    catalog_version: i64,
    /// Whether the last optimistic insert met a stored key: retries come in runs (a re-sent
    /// import), so the next commits look keys up first instead of failing and redoing.
    expect_known_keys: bool,
}

/// How a commit learns which keys are stored already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyCheck {
    /// Assume none is: the insert skips stored keys, and fewer rows inserted than staged proves
    /// the assumption wrong, which rolls the transaction back.
    Optimistic,
    /// Read the stored ratings with the batch's keys first.
    LookUpFirst,
}

impl Committer {
    /// Returns a committer on `store`, with a SQLite connection of its own where it can open one.
    pub(crate) async fn open(store: Store) -> Committer {
        let fast_path = open_fast_path(&store);
        Committer {
            store,
            fast_path,
            surveys: HashMap::new(),
            kept: vec![
                Box::new(RollupCells::new()),
                Box::new(OpenedFollowUps::new()),
                Box::new(CustomerSummaries::new()),
            ],
            catalog_version: -1,
            expect_known_keys: false,
        }
    }

    /// Closes the committer's own connection.
    pub(crate) async fn close(self) {
        if let Some(fast_path) = self.fast_path {
            // Closing at exit changes nothing for anyone: the commits are all answered.
            let _ = fast_path.connection.close();
        }
    }

    /// Commits a batch in one transaction and returns what it decided.
    pub(crate) async fn commit(&mut self, batch: &[Submission]) -> Result<CommitOutcome> {
        let outcome = self.commit_by_the_cheapest_path(batch).await;
        self.store
            .health()
            .record_write(outcome.as_ref().map(|_| ()));
        let outcome = outcome?;
        // So that the feed tells this writer's commits, which its sync thread publishes, from
        // another process's on the same SQLite file.
        if let Some(last) = outcome.stored.last() {
            self.store.mark_committed(last.sequence);
        }
        Ok(outcome)
    }

    async fn commit_by_the_cheapest_path(&mut self, batch: &[Submission]) -> Result<CommitOutcome> {
        if let Some(outcome) = self.try_fast_commit(batch) {
            return Ok(outcome);
        }
        if !self.expect_known_keys {
            if let Some(outcome) = self.try_commit(batch, KeyCheck::Optimistic).await? {
                return Ok(outcome);
            }
            self.expect_known_keys = true;
        }
        let outcome = self
            .try_commit(batch, KeyCheck::LookUpFirst)
            .await?
            .ok_or_else(|| Error::internal("a stored key was missed under the counter lock"))?;
        Ok(outcome)
    }

    /// Returns `None` when an optimistic attempt met a stored key, or refused a rating whose key
    /// may be stored, and was rolled back.
    async fn try_commit(
        &mut self,
        batch: &[Submission],
        key_check: KeyCheck,
    ) -> Result<Option<CommitOutcome>> {
        let backend = self.store.backend;
        let submitted: i64 = batch
            .iter()
            .map(|submission| submission.ratings.len() as i64)
            .sum();
        let transaction = begin_read_committed(&self.store).await?;
        // Reserving a sequence for every submitted rating saves a statement in the common case
        // where all are stored; otherwise the counter is set back below, in the same transaction.
        let counter = lock_sequence_counter(&transaction, backend, submitted).await?;
        self.refresh_surveys(&transaction, batch, counter.catalog_version)
            .await?;
        let known = match key_check {
            KeyCheck::Optimistic => StoredRatings::default(),
            KeyCheck::LookUpFirst => stored_ratings_with_keys(&transaction, batch).await?,
        };
        if key_check == KeyCheck::LookUpFirst {
            self.expect_known_keys = !known.is_empty();
        }
        // Read under the lock, as the keys are: whether an invitation is answered is decided
        // in commit order across every replica's writers.
        let links = if names_an_invitation(batch) {
            invitation_links::read_links(&transaction, backend, batch).await?
        } else {
            InvitationLinks::new()
        };
        let outcome = decide(
            batch,
            &self.surveys,
            &known,
            &links,
            counter.first_sequence,
            now_micros(),
        );
        let stored = &outcome.stored;
        if key_check == KeyCheck::Optimistic && outcome.refuses_a_given_key(batch) {
            transaction.rollback().await?;
            return Ok(None);
        }
        let inserted = insert_ratings(&transaction, backend, stored).await?;
        if inserted != stored.len() as u64 {
            transaction.rollback().await?;
            return Ok(None);
        }
        for state in &mut self.kept {
            state.stage(stored, &self.surveys);
            state.write(&transaction, backend).await?;
        }
        if !links.is_empty() {
            invitation_links::write_responses(&transaction, backend, stored, &links).await?;
        }
        let next_sequence = counter.first_sequence + stored.len() as i64;
        if next_sequence != counter.first_sequence + submitted {
            let set_back =
                format!("UPDATE rating_sequence SET next_sequence = {next_sequence} WHERE id = 1");
            transaction
                .execute_raw(Statement::from_string(backend, set_back))
                .await?;
        }
        transaction.commit().await?;
        if let Some(fast_path) = &mut self.fast_path {
            fast_path.counter = Some(CounterSnapshot {
                next_sequence,
                catalog_version: counter.catalog_version,
            });
        }
        Ok(Some(outcome))
    }

    /// Commits through the [`SqliteFastPath`] when it applies; `None` when it does not or failed,
    /// having changed nothing.
    fn try_fast_commit(&mut self, batch: &[Submission]) -> Option<CommitOutcome> {
        let counter = self.fast_path.as_ref()?.counter?;
        // A batch naming an invitation takes the transaction path: whether the invitation
        // exists and is answered must be read under the counter lock, which the fast path,
        // reading nothing, does not do (such batches are a small share: one rating per
        // invitation sent).
        if self.expect_known_keys
            || counter.catalog_version != self.catalog_version
            || !names_only_known_surveys(batch, &self.surveys)
            || names_an_invitation(batch)
        {
            return None;
        }
        let outcome = decide(
            batch,
            &self.surveys,
            &StoredRatings::default(),
            &InvitationLinks::new(),
            counter.next_sequence,
            now_micros(),
        );
        // Every decision here rests on the surveys as this writer last read them. What it stores
        // is checked by the counter row's guard at commit; a refusal would not be (a batch of
        // refusals alone stores nothing, and a survey made active again would go on refusing).
        // Refusals are rare: any batch with one takes the transaction path, which reads the
        // counter and the surveys first. So here something is always stored.
        if outcome.refuses_any() {
            return None;
        }
        for state in &mut self.kept {
            state.stage(&outcome.stored, &self.surveys);
        }
        let fast_path = self.fast_path.as_mut()?;
        match fast_path.commit(counter, &outcome.stored, &self.kept) {
            Ok(()) => Some(outcome),
            Err(failure) => {
                fast_path.counter = None;
                match failure {
                    FastCommitFailure::KeyTaken => self.expect_known_keys = true,
                    FastCommitFailure::CounterMoved => {}
                    FastCommitFailure::Database(cause) => {
                        debug!(error = %cause, "fast commit failed: taking the transaction path");
                        // A COMMIT that failed, and a ROLLBACK after it that failed too, leave the
                        // connection in its transaction, holding the write lock every other
                        // connection would wait for: a new connection starts clean.
                        if !fast_path.connection.is_autocommit() {
                            warn!(
                                "the fast path's connection was left in a transaction: reopening it"
                            );
                            self.fast_path = open_fast_path(&self.store);
                        }
                    }
                }
                None
            }
        }
    }

    /// Makes `self.surveys` hold every survey the batch names that exists, as of `catalog_version`.
    async fn refresh_surveys(
        &mut self,
        transaction: &DatabaseTransaction,
        batch: &[Submission],
        catalog_version: i64,
    ) -> Result<()> {
        if catalog_version != self.catalog_version {
            self.surveys.clear();
            for state in &mut self.kept {
                state.reload(transaction, self.store.backend).await?;
            }
            self.catalog_version = catalog_version;
        }
        // Unknown ids are read every time: the survey may have been created since.
        let unseen = unseen_survey_ids(batch, &self.surveys);
        if !unseen.is_empty() {
            let read =
                Store::surveys_by_id(transaction, unseen.into_iter().cloned().collect()).await?;
            self.surveys.extend(read);
        }
        Ok(())
    }
}
