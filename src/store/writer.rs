//! The one writer task of a process, with group commit: it drains whatever submissions wait (up to
//! a batch limit) and commits them in one transaction, so many ratings share one fsync. Inside the
//! transaction it locks the sequence counter row first, which orders writers of every replica; then
//! it reads the surveys and the keys already stored, decides every rating, inserts the new ones with
//! consecutive sequences, commits, answers each caller and publishes to the feed.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, IntoActiveModel,
    IsolationLevel, QueryFilter, Statement, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, warn};

use super::Store;
use super::entity::rating;
use super::ratings::{rating_from_row, rating_to_row};
use crate::domain::{FieldViolation, NewRating, Rating, SurveyState, now_micros};
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

/// A rating the writer accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    /// Newly stored.
    Stored(Rating),
    /// Stored before with the same content; returned as stored then.
    Duplicate(Rating),
}

impl Accepted {
    /// Returns the stored rating.
    pub fn rating(&self) -> &Rating {
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
    pub fn spawn(store: Store, feed: Feed) -> Result<(WriterHandle, WriterStop)> {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let (stop, stop_requested) = oneshot::channel();
        let (stopped_sender, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::internal)?;
        std::thread::Builder::new()
            .name("csat-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    run_writer(store, feed, receiver, stop_requested).await;
                    // Connections go back to their pool in tasks spawned on this runtime.
                    for _ in 0..16 {
                        tokio::task::yield_now().await;
                    }
                });
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

async fn run_writer(
    store: Store,
    feed: Feed,
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
        match commit(&store, &batch).await {
            Ok((results, stored)) => {
                debug!(
                    requests = batch.len(),
                    stored = stored.len(),
                    "ratings committed"
                );
                answer(&feed, batch.drain(..), results, stored);
            }
            Err(cause) if batch.len() > 1 => {
                // One bad request must not fail the others that shared its transaction.
                warn!(error = %cause, requests = batch.len(), "group commit failed: committing requests one by one");
                for request in batch.drain(..) {
                    match commit(&store, std::slice::from_ref(&request)).await {
                        Ok((results, stored)) => answer(&feed, [request], results, stored),
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
}

fn answer(
    feed: &Feed,
    requests: impl IntoIterator<Item = WriteRequest>,
    results: Vec<Vec<RatingResult>>,
    stored: Vec<Rating>,
) {
    if !stored.is_empty() {
        feed.publish(stored.into());
    }
    for (request, result) in requests.into_iter().zip(results) {
        // A caller that went away still had its ratings committed; nothing to do.
        let _ = request.reply.send(Ok(result));
    }
}

fn refuse(request: WriteRequest, cause: &Error) {
    error!(error = %cause, source = ?std::error::Error::source(cause), ratings = request.ratings.len(), "commit failed");
    // The commit may or may not have happened (a connection lost during COMMIT): a retry with the
    // same rating_id is answered as a duplicate if it did.
    let _ = request.reply.send(Err(Error::Unavailable(
        "the ratings could not be committed; retry with the same rating_id".into(),
    )));
}

type RatingKey = (String, String);

async fn commit(
    store: &Store,
    batch: &[WriteRequest],
) -> Result<(Vec<Vec<RatingResult>>, Vec<Rating>)> {
    let transaction = begin_read_committed(store).await?;
    let first_sequence = lock_sequence_counter(&transaction, store.backend).await?;

    let survey_ids: HashSet<&String> = batch
        .iter()
        .flat_map(|request| &request.ratings)
        .map(|rating| &rating.survey_id)
        .collect();
    let surveys =
        Store::surveys_by_id(&transaction, survey_ids.into_iter().cloned().collect()).await?;
    let mut known = stored_ratings_with_keys(&transaction, batch).await?;

    let create_time = now_micros();
    let mut next_sequence = first_sequence;
    let mut stored: Vec<Rating> = Vec::new();
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        let sequence_before_request = next_sequence;
        let mut staged: Vec<Rating> = Vec::new();
        let mut staged_keys: HashMap<RatingKey, usize> = HashMap::new();
        let mut request_results = Vec::with_capacity(request.ratings.len());
        for new_rating in &request.ratings {
            let key = (new_rating.survey_id.clone(), new_rating.rating_id.clone());
            let earlier = staged_keys
                .get(&key)
                .map(|index| &staged[*index])
                .or_else(|| known.get(&key));
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
                                    sequence: next_sequence,
                                    survey_id: new_rating.survey_id.clone(),
                                    touchpoint: survey.touchpoint.clone(),
                                    rating_id: new_rating.rating_id.clone(),
                                    content: new_rating.content.clone(),
                                    occur_time: new_rating.occur_time,
                                    create_time,
                                };
                                next_sequence += 1;
                                staged_keys.insert(key, staged.len());
                                staged.push(rating.clone());
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
            next_sequence = sequence_before_request;
            for result in &mut request_results {
                if result.is_ok() {
                    *result = Err(Rejection::RolledBack);
                }
            }
        } else {
            for rating in staged {
                known.insert(
                    (rating.survey_id.clone(), rating.rating_id.clone()),
                    rating.clone(),
                );
                stored.push(rating);
            }
        }
        results.push(request_results);
    }

    for rows in stored.chunks(ROWS_PER_INSERT) {
        let models = rows
            .iter()
            .map(|rating| rating_to_row(rating).into_active_model());
        rating::Entity::insert_many(models)
            .exec_without_returning(&transaction)
            .await?;
    }
    if next_sequence != first_sequence {
        let advance =
            format!("UPDATE rating_sequence SET next_sequence = {next_sequence} WHERE id = 1");
        transaction
            .execute_raw(Statement::from_string(store.backend, advance))
            .await?;
    }
    transaction.commit().await?;
    Ok((results, stored))
}

/// Begins a transaction that sees rows committed while it waited for the counter lock. READ
/// COMMITTED is PostgreSQL's default, but not every PostgreSQL-compatible database's; SQLite's
/// transactions are serializable and take no level.
pub(super) async fn begin_read_committed(store: &Store) -> Result<DatabaseTransaction> {
    let isolation = (store.backend == DbBackend::Postgres).then_some(IsolationLevel::ReadCommitted);
    Ok(store.writer.begin_with_config(isolation, None).await?)
}

/// Locks the counter row for the rest of the transaction and returns the next free sequence. On
/// PostgreSQL the row lock makes every other writer wait until this one commits, so sequences are
/// visible in commit order; on SQLite the UPDATE takes the database's write lock.
pub(super) async fn lock_sequence_counter(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
) -> Result<i64> {
    let lock = Statement::from_string(
        backend,
        "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1 RETURNING next_sequence",
    );
    let row = transaction
        .query_one_raw(lock)
        .await?
        .ok_or_else(|| Error::internal("the rating_sequence row is missing"))?;
    Ok(row.try_get::<i64>("", "next_sequence")?)
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
