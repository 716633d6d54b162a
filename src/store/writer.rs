//! The one writer task of a process, with group commit: it drains whatever submissions wait (up to
//! a batch limit) and commits them in one transaction, so many ratings share one fsync. Inside the
//! transaction it locks the sequence counter row first, which orders writers of every replica; then
//! it reads the surveys and the keys already stored, decides every rating, inserts the new ones with
//! consecutive sequences and commits. A second thread makes the commits durable (one fsync for all
//! that are waiting, on SQLite), then answers each caller and publishes to the feed, in commit
//! order; the writer meanwhile commits the next batch.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, IsolationLevel,
    QueryFilter, Statement, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, warn};

use super::Store;
use super::entity::rating;
use super::ratings::{attributes_json, rating_from_row, rating_to_row};
use super::rollups::{self, RollupZone};
use crate::domain::{FieldViolation, NewRating, Rating, Survey, SurveyState, now_micros};
use crate::error::{Error, Result};
use crate::feed::Feed;

/// Most ratings committed in one transaction; also bounds what one feed batch holds.
const MAX_RATINGS_PER_COMMIT: usize = 4_096;
/// Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;
/// Keys per lookup of already stored ratings.
const KEYS_PER_LOOKUP: usize = 500;
/// Submissions waiting for the writer; callers wait for room beyond that.
const QUEUE_CAPACITY: usize = 4_096;
/// Commits waiting for their fsync; the writer waits for room beyond that.
const SYNC_QUEUE_CAPACITY: usize = 64;

/// A rating the writer accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    /// Newly stored.
    Stored(Rating),
    /// Stored before with the same content; returned as stored then.
    Duplicate(Rating),
}

impl Accepted {
    /// Returns the stored rating, consuming the answer.
    pub fn into_rating(self) -> Rating {
        match self {
            Accepted::Stored(rating) | Accepted::Duplicate(rating) => rating,
        }
    }
}

/// Why the writer refused a rating.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The survey does not exist.
    UnknownSurvey,
    /// The survey is archived.
    ArchivedSurvey,
    /// The score is off the survey's scale.
    /// Its violation names the field `score`, relative to the rating.
    ScoreOffScale(FieldViolation),
    /// The key is stored with other content.
    Conflict,
    /// The rating was fine, but another rating of its all-or-nothing batch was refused.
    RolledBack,
}

/// The writer's answer for one rating.
pub type RatingResult = std::result::Result<Accepted, Rejection>;

struct WriteRequest {
    ratings: Vec<NewRating>,
    all_or_nothing: bool,
    reply: oneshot::Sender<Result<Vec<RatingResult>>>,
}

/// Sends submissions to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct WriterHandle {
    sender: mpsc::Sender<WriteRequest>,
}

/// Stops a writer task: it refuses new submissions, commits those queued, and ends.
#[derive(Debug)]
pub struct WriterStop {
    stop: oneshot::Sender<()>,
    stopped: oneshot::Receiver<()>,
}

impl WriterStop {
    /// Stops the writer and waits until what it had queued is committed.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if self.stopped.await.is_err() {
            error!("the writer thread ended abnormally");
        }
    }
}

/// A submission in the writer's queue; its answer comes once it is committed.
pub type PendingWrite = oneshot::Receiver<Result<Vec<RatingResult>>>;

fn stopped() -> Error {
    Error::Unavailable("the server is shutting down; retry elsewhere".into())
}

impl WriterHandle {
    /// Starts the writer on a thread of its own. Its commit is a chain of database round trips;
    /// on the server's busy runtime each wake-up would wait behind every call in flight, and that
    /// wait, not the database, would set the pace of every submission.
    pub fn spawn(
        store: Store,
        feed: Feed,
        maintain_rollups: bool,
    ) -> Result<(WriterHandle, WriterStop)> {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let (stop, stop_requested) = oneshot::channel();
        let (stopped_sender, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::internal)?;
        let (committed_sender, committed) = std::sync::mpsc::sync_channel(SYNC_QUEUE_CAPACITY);
        let sync_store = store.clone();
        let syncer = std::thread::Builder::new()
            .name("csat-sync".into())
            .spawn(move || run_syncer(&sync_store, &feed, &committed))
            .map_err(Error::internal)?;
        std::thread::Builder::new()
            .name("csat-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    run_writer(
                        Writer::new(store, maintain_rollups).await,
                        committed_sender,
                        receiver,
                        stop_requested,
                    )
                    .await;
                    // Connections go back to their pool in tasks spawned on this runtime.
                    for _ in 0..16 {
                        tokio::task::yield_now().await;
                    }
                });
                // The writer dropped its end of the sync queue: the syncer answers what is left.
                if syncer.join().is_err() {
                    error!("the sync thread panicked");
                }
                let _ = stopped_sender.send(());
            })
            .map_err(Error::internal)?;
        Ok((WriterHandle { sender }, WriterStop { stop, stopped }))
    }

    /// Queues `ratings` and returns where their answer will come. Queued submissions are
    /// committed in the order they were queued.
    pub async fn enqueue(
        &self,
        ratings: Vec<NewRating>,
        all_or_nothing: bool,
    ) -> Result<PendingWrite> {
        let (reply, answer) = oneshot::channel();
        let request = WriteRequest {
            ratings,
            all_or_nothing,
            reply,
        };
        self.sender.send(request).await.map_err(|_| stopped())?;
        Ok(answer)
    }

    /// Commits `ratings` and returns one result per rating, in order, once they are durable.
    /// With `all_or_nothing`, one refusal stores none of them.
    pub async fn submit(
        &self,
        ratings: Vec<NewRating>,
        all_or_nothing: bool,
    ) -> Result<Vec<RatingResult>> {
        wait_for(self.enqueue(ratings, all_or_nothing).await?).await
    }
}

/// Waits for the answer of a queued submission.
pub async fn wait_for(pending: PendingWrite) -> Result<Vec<RatingResult>> {
    pending.await.map_err(|_| stopped())?
}

/// A transaction the writer committed, waiting to be made durable before anyone hears of it.
struct Committed {
    requests: Vec<WriteRequest>,
    results: Vec<Vec<RatingResult>>,
    stored: Vec<Rating>,
}

async fn run_writer(
    mut writer: Writer,
    committed: std::sync::mpsc::SyncSender<Committed>,
    mut receiver: mpsc::Receiver<WriteRequest>,
    mut stop_requested: oneshot::Receiver<()>,
) {
    let mut batch = Vec::new();
    loop {
        let first = tokio::select! {
            first = receiver.recv() => first,
            _ = &mut stop_requested, if !stop_requested.is_terminated() => {
                // New submissions are refused from now on; the queue still drains below.
                receiver.close();
                continue;
            }
        };
        let Some(first) = first else { break };
        let mut rating_count = first.ratings.len();
        batch.push(first);
        while rating_count < MAX_RATINGS_PER_COMMIT {
            let Ok(next) = receiver.try_recv() else { break };
            rating_count += next.ratings.len();
            batch.push(next);
        }
        match writer.commit(&batch).await {
            Ok((results, stored)) => {
                debug!(
                    requests = batch.len(),
                    stored = stored.len(),
                    "ratings committed"
                );
                hand_over(&committed, std::mem::take(&mut batch), results, stored);
            }
            Err(cause) if batch.len() > 1 && !cause.is_database_fault() => {
                // One bad request must not fail the others that shared its transaction.
                warn!(error = %cause, requests = batch.len(), "group commit failed: committing requests one by one");
                for request in batch.drain(..) {
                    match writer.commit(std::slice::from_ref(&request)).await {
                        Ok((results, stored)) => {
                            hand_over(&committed, vec![request], results, stored);
                        }
                        Err(cause) => refuse(request, &cause),
                    }
                }
            }
            Err(cause) => {
                for request in batch.drain(..) {
                    refuse(request, &cause);
                }
            }
        }
    }
    writer.close().await;
}

/// Passes a commit to the syncer. Blocking is right here: the writer's thread has nothing else to
/// do while the syncer is full.
fn hand_over(
    committed: &std::sync::mpsc::SyncSender<Committed>,
    requests: Vec<WriteRequest>,
    results: Vec<Vec<RatingResult>>,
    stored: Vec<Rating>,
) {
    let commit = Committed {
        requests,
        results,
        stored,
    };
    if let Err(std::sync::mpsc::SendError(commit)) = committed.send(commit) {
        // Only if the syncer thread died: its callers cannot be told the commit is durable.
        let cause = Error::internal("the sync thread is gone");
        for request in commit.requests {
            refuse_committed(request, &cause);
        }
    }
}

/// Makes commits durable, then answers their callers and publishes them, in commit order. One
/// fsync serves every commit waiting when it starts.
fn run_syncer(store: &Store, feed: &Feed, committed: &std::sync::mpsc::Receiver<Committed>) {
    while let Ok(first) = committed.recv() {
        let mut ready = vec![first];
        ready.extend(committed.try_iter());
        let synced = store.sync_committed();
        for commit in ready {
            match &synced {
                Ok(()) => answer(store, feed, commit),
                Err(cause) => {
                    for request in commit.requests {
                        refuse_committed(request, cause);
                    }
                }
            }
        }
    }
}

fn answer(store: &Store, feed: &Feed, commit: Committed) {
    if let Some(last) = commit.stored.last() {
        store.mark_durable(last.sequence);
    }
    for (request, result) in commit.requests.into_iter().zip(commit.results) {
        // A caller that went away still had its ratings committed; nothing to do.
        let _ = request.reply.send(Ok(result));
    }
    // Callers first: handing the batch to the feed wakes the feed's task, and the runtime would
    // run it ahead of every caller woken after it.
    if !commit.stored.is_empty() {
        feed.publish(commit.stored);
    }
}

fn refuse(request: WriteRequest, cause: &Error) {
    error!(error = %cause, source = ?std::error::Error::source(cause), ratings = request.ratings.len(), "commit failed");
    let _ = request.reply.send(Err(refusal(cause)));
}

/// Answers the callers of a commit that happened but could not be made durable (the WAL could not
/// be opened to sync): a retry with the same rating_id is answered once a later sync covers it.
fn refuse_committed(request: WriteRequest, cause: &Error) {
    error!(error = %cause, ratings = request.ratings.len(), "a commit could not be made durable");
    let _ = request.reply.send(Err(Error::Unavailable(
        "the ratings could not be made durable; retry with the same rating_id".into(),
    )));
}

/// What the callers of a failed commit are told: retry only where a retry can succeed, since
/// clients retry UNAVAILABLE for as long as it lasts.
fn refusal(cause: &Error) -> Error {
    match cause {
        Error::ResourceExhausted { reason, message } => Error::ResourceExhausted {
            reason,
            message: message.clone(),
        },
        // The commit may or may not have happened (a connection lost during COMMIT): a retry with
        // the same rating_id is answered as a duplicate if it did.
        Error::Unavailable(_) => Error::Unavailable(
            "the ratings could not be committed; retry with the same rating_id".into(),
        ),
        other => Error::internal(format!("the ratings could not be committed: {other}")),
    }
}

type RatingKey = (String, String);

/// The writer's state between commits.
struct Writer {
    store: Store,
    /// SQLite: see [`SqliteFastPath`].
    fast_path: Option<SqliteFastPath>,
    /// Surveys as read at one `catalog_version` of the counter row. Every survey change bumps that
    /// version under the counter lock, so while it holds, these rows are still current: a commit
    /// reads only the surveys it has not seen yet.
    surveys: HashMap<String, Survey>,
    /// The zones whose rollups are kept, read at the same catalog version.
    zones: Vec<RollupZone>,
    /// False only for the ingest benchmark's measure of what rollups cost.
    maintain_rollups: bool,
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

/// SQLite: a commit on the writer's own connection, on the writer's thread, with statements
/// prepared once. The writer remembers the counter row as it left it: if the row is still so, no
/// other connection committed ratings or changed a survey since, and the surveys and zones the
/// writer holds are current, so nothing needs reading before the insert. A stored key fails the
/// insert; any failure rolls back, and the transaction path takes over.
struct SqliteFastPath {
    connection: rusqlite::Connection,
    /// `(next_sequence, catalog_version)` as this writer's last commit left them; `None` when
    /// not known (at start, after a failure).
    counter: Option<(i64, i64)>,
    /// The single-row statements, built once: their text is also the key of the prepared
    /// statement cache.
    insert_rating_sql: String,
    upsert_cell_sql: String,
}

/// Why a fast commit did not happen; it changed nothing either way.
enum FastCommitFailure {
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
    /// Stores `stored` and adds `cells` to the rollups in one transaction, guarded by the
    /// counter row being `(first_sequence, catalog_version)`, and remembers the counter as the
    /// commit leaves it.
    fn commit(
        &mut self,
        first_sequence: i64,
        catalog_version: i64,
        stored: &[Rating],
        cells: &rollups::CellCounts,
    ) -> std::result::Result<(), FastCommitFailure> {
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let next_sequence = first_sequence + stored.len() as i64;
        let guarded = transaction
            .prepare_cached(
                "UPDATE rating_sequence SET next_sequence = ?1 \
                 WHERE id = 1 AND next_sequence = ?2 AND catalog_version = ?3",
            )?
            .execute((next_sequence, first_sequence, catalog_version))?;
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
                ))?;
            }
            let mut upsert = transaction.prepare_cached(&self.upsert_cell_sql)?;
            for (cell, count) in cells {
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
        }
        transaction.commit()?;
        self.counter = Some((next_sequence, catalog_version));
        Ok(())
    }
}

/// Opens the writer's own SQLite connection; `None` on PostgreSQL, or when it cannot be opened
/// (every commit then takes the transaction path).
fn open_fast_path(store: &Store) -> Option<SqliteFastPath> {
    match store.open_sqlite_writer() {
        Ok(connection) => connection.map(|connection| SqliteFastPath {
            connection,
            counter: None,
            insert_rating_sql: insert_sql(DbBackend::Sqlite, 1, ""),
            upsert_cell_sql: rollups::upsert_sql(DbBackend::Sqlite, 1),
        }),
        Err(cause) => {
            warn!(error = %cause, "no connection of the writer's own: every commit takes the transaction path");
            None
        }
    }
}

impl Writer {
    async fn new(store: Store, maintain_rollups: bool) -> Writer {
        let fast_path = open_fast_path(&store);
        Writer {
            store,
            fast_path,
            surveys: HashMap::new(),
            zones: Vec::new(),
            maintain_rollups,
            catalog_version: -1,
            expect_known_keys: false,
        }
    }

    async fn close(self) {
        if let Some(fast_path) = self.fast_path {
            // Closing at exit changes nothing for anyone: the commits are all answered.
            let _ = fast_path.connection.close();
        }
    }

    /// Commits a batch in one transaction and returns each request's results and the ratings
    /// stored, in sequence order.
    async fn commit(
        &mut self,
        batch: &[WriteRequest],
    ) -> Result<(Vec<Vec<RatingResult>>, Vec<Rating>)> {
        let outcome = self.commit_by_the_cheapest_path(batch).await;
        self.store
            .health()
            .record_write(outcome.as_ref().map(|_| ()));
        let outcome = outcome?;
        // So that the feed tells this writer's commits, which its sync thread publishes, from
        // another process's on the same SQLite file.
        if let Some(last) = outcome.1.last() {
            self.store.mark_committed(last.sequence);
        }
        Ok(outcome)
    }

    async fn commit_by_the_cheapest_path(
        &mut self,
        batch: &[WriteRequest],
    ) -> Result<(Vec<Vec<RatingResult>>, Vec<Rating>)> {
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
        batch: &[WriteRequest],
        key_check: KeyCheck,
    ) -> Result<Option<(Vec<Vec<RatingResult>>, Vec<Rating>)>> {
        let backend = self.store.backend;
        let submitted: i64 = batch
            .iter()
            .map(|request| request.ratings.len() as i64)
            .sum();
        let transaction = begin_read_committed(&self.store).await?;
        // Reserving a sequence for every submitted rating saves a statement in the common case
        // where all are stored; otherwise the counter is set back below, in the same transaction.
        let counter = lock_sequence_counter(&transaction, backend, submitted).await?;
        self.refresh_surveys(&transaction, batch, counter.catalog_version)
            .await?;
        let known = match key_check {
            KeyCheck::Optimistic => HashMap::new(),
            KeyCheck::LookUpFirst => stored_ratings_with_keys(&transaction, batch).await?,
        };
        if key_check == KeyCheck::LookUpFirst {
            self.expect_known_keys = !known.is_empty();
        }
        let (results, stored) = decide(batch, &self.surveys, &known, counter.first_sequence);
        if key_check == KeyCheck::Optimistic && refuses_a_given_key(batch, &results) {
            transaction.rollback().await?;
            return Ok(None);
        }
        let inserted = insert_ratings(&transaction, backend, &stored).await?;
        if inserted != stored.len() as u64 {
            transaction.rollback().await?;
            return Ok(None);
        }
        rollups::upsert(&transaction, backend, &self.rollup_cells(&stored)).await?;
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
            fast_path.counter = Some((next_sequence, counter.catalog_version));
        }
        Ok(Some((results, stored)))
    }

    /// Commits through the [`SqliteFastPath`] when it applies; `None` when it does not or failed,
    /// having changed nothing.
    fn try_fast_commit(
        &mut self,
        batch: &[WriteRequest],
    ) -> Option<(Vec<Vec<RatingResult>>, Vec<Rating>)> {
        let (first_sequence, catalog_version) = self.fast_path.as_ref()?.counter?;
        let every_survey_known = batch
            .iter()
            .flat_map(|request| &request.ratings)
            .all(|rating| self.surveys.contains_key(&rating.survey_id));
        if self.expect_known_keys || catalog_version != self.catalog_version || !every_survey_known
        {
            return None;
        }
        let (results, stored) = decide(batch, &self.surveys, &HashMap::new(), first_sequence);
        // Every decision here rests on the surveys as this writer last read them. What it stores
        // is checked by the counter row's guard at commit; a refusal would not be (a batch of
        // refusals alone stores nothing, and a survey made active again would go on refusing).
        // Refusals are rare: any batch with one takes the transaction path, which reads the
        // counter and the surveys first. So here something is always stored.
        if refuses_any(&results) {
            return None;
        }
        let cells = self.rollup_cells(&stored);
        let fast_path = self.fast_path.as_mut()?;
        match fast_path.commit(first_sequence, catalog_version, &stored, &cells) {
            Ok(()) => Some((results, stored)),
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

    /// Returns the rollup cells `stored` adds to, with each survey's dimensions.
    fn rollup_cells(&self, stored: &[Rating]) -> rollups::CellCounts {
        let mut cells = rollups::CellCounts::new();
        for rating in stored {
            let dimensions = self
                .surveys
                .get(&rating.survey_id)
                .map_or(&[][..], |survey| &survey.dimensions[..]);
            rollups::add_cells(rating, dimensions, &self.zones, &mut cells);
        }
        cells
    }

    /// Makes `self.surveys` hold every survey the batch names that exists, as of `catalog_version`.
    async fn refresh_surveys(
        &mut self,
        transaction: &DatabaseTransaction,
        batch: &[WriteRequest],
        catalog_version: i64,
    ) -> Result<()> {
        if catalog_version != self.catalog_version {
            self.surveys.clear();
            if self.maintain_rollups {
                self.zones = rollups::stored_zones(transaction, self.store.backend).await?;
            }
            self.catalog_version = catalog_version;
        }
        // Unknown ids are read every time: the survey may have been created since.
        let unseen: HashSet<&String> = batch
            .iter()
            .flat_map(|request| &request.ratings)
            .map(|rating| &rating.survey_id)
            .filter(|survey_id| !self.surveys.contains_key(*survey_id))
            .collect();
        if !unseen.is_empty() {
            let read =
                Store::surveys_by_id(transaction, unseen.into_iter().cloned().collect()).await?;
            self.surveys.extend(read);
        }
        Ok(())
    }
}

/// Returns whether any rating of the batch was refused.
fn refuses_any(results: &[Vec<RatingResult>]) -> bool {
    results.iter().flatten().any(Result::is_err)
}

/// Returns whether a decision made without looking keys up refused a rating whose key the caller
/// chose: if that key is stored, the rating is a duplicate (or a conflict) instead, even in a
/// survey archived since.
fn refuses_a_given_key(batch: &[WriteRequest], results: &[Vec<RatingResult>]) -> bool {
    batch.iter().zip(results).any(|(request, request_results)| {
        request
            .ratings
            .iter()
            .zip(request_results)
            .any(|(rating, result)| rating.rating_id_given && result.is_err())
    })
}

/// Decides every rating of the batch against the surveys, the keys stored (`known`) and the keys
/// the batch stores before it, and numbers the new ones from `first_sequence`. Returns each
/// request's results and the ratings to store, in sequence order.
fn decide(
    batch: &[WriteRequest],
    surveys: &HashMap<String, Survey>,
    known: &HashMap<RatingKey, Rating>,
    first_sequence: i64,
) -> (Vec<Vec<RatingResult>>, Vec<Rating>) {
    let create_time = now_micros();
    let mut stored: Vec<Rating> = Vec::new();
    // Where in `stored` each key of the batch went; borrowed from the requests, not copied.
    let mut stored_keys: HashMap<(&str, &str), usize> = HashMap::new();
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        let stored_before_request = stored.len();
        let mut request_results = Vec::with_capacity(request.ratings.len());
        for new_rating in &request.ratings {
            let key = (new_rating.survey_id.as_str(), new_rating.rating_id.as_str());
            let earlier = stored_keys
                .get(&key)
                .map(|index| &stored[*index])
                .or_else(|| {
                    // The lookup key is owned: skip making it when nothing was looked up.
                    (!known.is_empty())
                        .then(|| {
                            known.get(&(new_rating.survey_id.clone(), new_rating.rating_id.clone()))
                        })
                        .flatten()
                });
            let result = if let Some(earlier) = earlier {
                if new_rating.is_retry_of(earlier) {
                    Ok(Accepted::Duplicate(earlier.clone()))
                } else {
                    Err(Rejection::Conflict)
                }
            } else {
                match surveys.get(&new_rating.survey_id) {
                    None => Err(Rejection::UnknownSurvey),
                    Some(survey) if survey.state == SurveyState::Archived => {
                        Err(Rejection::ArchivedSurvey)
                    }
                    Some(survey) => {
                        match survey.score_violation(new_rating.content.score, "score".into()) {
                            Some(violation) => Err(Rejection::ScoreOffScale(violation)),
                            None => {
                                let rating = Rating {
                                    sequence: first_sequence + stored.len() as i64,
                                    survey_id: new_rating.survey_id.clone(),
                                    touchpoint: survey.touchpoint.clone(),
                                    rating_id: new_rating.rating_id.clone(),
                                    content: new_rating.content.clone(),
                                    occur_time: new_rating.occur_time,
                                    create_time,
                                };
                                stored_keys.insert(key, stored.len());
                                stored.push(rating.clone());
                                Ok(Accepted::Stored(rating))
                            }
                        }
                    }
                }
            };
            request_results.push(result);
        }
        let refused = request_results.iter().any(Result::is_err);
        if request.all_or_nothing && refused {
            stored_keys.retain(|_, index| *index < stored_before_request);
            stored.truncate(stored_before_request);
            for result in &mut request_results {
                if result.is_ok() {
                    *result = Err(Rejection::RolledBack);
                }
            }
        }
        results.push(request_results);
    }
    (results, stored)
}

const RATING_COLUMNS: &str = "sequence, survey_id, touchpoint, rating_id, score, comment, \
    customer_id, channel, attributes, occur_time, create_time";
const VALUES_PER_RATING: usize = 11;

/// Returns `INSERT INTO ratings … VALUES …` for `rows` rows, with `suffix` appended; parameters
/// numbered for `backend`.
fn insert_sql(backend: DbBackend, rows: usize, suffix: &str) -> String {
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
async fn insert_ratings(
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
pub(super) async fn begin_read_committed(store: &Store) -> Result<DatabaseTransaction> {
    let isolation = (store.backend == DbBackend::Postgres).then_some(IsolationLevel::ReadCommitted);
    Ok(store.writer.begin_with_config(isolation, None).await?)
}

/// The counter row as a locking statement found it.
pub(super) struct CounterRow {
    /// The first sequence reserved for this transaction.
    pub first_sequence: i64,
    /// Bumped by every survey change.
    pub catalog_version: i64,
}

/// Locks the counter row for the rest of the transaction and reserves `reserve` sequences. On
/// PostgreSQL the row lock makes every other writer wait until this one commits, so sequences are
/// visible in commit order; on SQLite the UPDATE takes the database's write lock.
pub(super) async fn lock_sequence_counter(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    reserve: i64,
) -> Result<CounterRow> {
    // On PostgreSQL the same statement tells every replica's feed that ratings are coming: the
    // notification is delivered when (and only if) this transaction commits.
    let notify = match backend {
        DbBackend::Postgres => format!(", pg_notify('{}', '')", super::COMMIT_CHANNEL),
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
async fn stored_ratings_with_keys(
    transaction: &DatabaseTransaction,
    batch: &[WriteRequest],
) -> Result<HashMap<RatingKey, Rating>> {
    let mut rating_ids_by_survey: HashMap<&str, Vec<&str>> = HashMap::new();
    for rating in batch.iter().flat_map(|request| &request.ratings) {
        if rating.rating_id_given {
            rating_ids_by_survey
                .entry(&rating.survey_id)
                .or_default()
                .push(&rating.rating_id);
        }
    }
    let mut known = HashMap::new();
    for (survey_id, rating_ids) in rating_ids_by_survey {
        for chunk in rating_ids.chunks(KEYS_PER_LOOKUP) {
            let rows = rating::Entity::find()
                .filter(rating::Column::SurveyId.eq(survey_id))
                .filter(rating::Column::RatingId.is_in(chunk.iter().copied()))
                .all(transaction)
                .await?;
            for row in rows {
                let rating = rating_from_row(row)?;
                known.insert((rating.survey_id.clone(), rating.rating_id.clone()), rating);
            }
        }
    }
    Ok(known)
}
