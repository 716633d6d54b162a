//! The one writer task of a process, with group commit: it drains whatever submissions wait (up to
//! a batch limit) and commits them in one transaction, so many ratings share one fsync. Inside the
//! transaction it locks the sequence counter row first, which orders writers of every replica; then
//! it reads the surveys and the keys already stored, decides every rating, inserts the new ones with
//! consecutive sequences, commits, answers each caller and publishes to the feed.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Statement, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error};

use super::Store;
use super::entity::rating;
use super::ratings::{rating_from_row, rating_to_row};
use crate::domain::{FieldViolation, NewRating, Rating, SurveyState, now_micros};
use crate::error::{Error, Result};
use crate::feed::Feed;

/// Most ratings committed in one transaction.
const MAX_RATINGS_PER_COMMIT: usize = 8_192;
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

impl WriterHandle {
    /// Starts the writer task. It stops once every handle is dropped and the queue is drained.
    pub fn spawn(store: Store, feed: Feed) -> (WriterHandle, tokio::task::JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let task = tokio::spawn(run_writer(store, feed, receiver));
        (WriterHandle { sender }, task)
    }

    /// Commits `ratings` and returns one result per rating, in order, once they are durable.
    /// With `all_or_nothing`, one refusal stores none of them.
    pub async fn submit(
        &self,
        ratings: Vec<NewRating>,
        all_or_nothing: bool,
    ) -> Result<Vec<RatingResult>> {
        let (reply, answer) = oneshot::channel();
        let request = WriteRequest {
            ratings,
            all_or_nothing,
            reply,
        };
        let stopped = || Error::Unavailable("the server is shutting down; retry elsewhere".into());
        self.sender.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run_writer(store: Store, feed: Feed, mut receiver: mpsc::Receiver<WriteRequest>) {
    let mut batch = Vec::new();
    while let Some(first) = receiver.recv().await {
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
                if !stored.is_empty() {
                    feed.publish(stored.into());
                }
                for (request, result) in batch.drain(..).zip(results) {
                    // A caller that went away still had its ratings committed; nothing to do.
                    let _ = request.reply.send(Ok(result));
                }
            }
            Err(cause) => {
                error!(error = %cause, source = ?std::error::Error::source(&cause), requests = batch.len(), "commit failed");
                for request in batch.drain(..) {
                    let _ = request.reply.send(Err(Error::Unavailable(
                        "the ratings could not be committed; nothing was stored, retry".into(),
                    )));
                }
            }
        }
    }
}

type RatingKey = (String, String);

async fn commit(
    store: &Store,
    batch: &[WriteRequest],
) -> Result<(Vec<Vec<RatingResult>>, Vec<Rating>)> {
    let transaction = store.writer.begin().await?;
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

/// Locks the counter row for the rest of the transaction and returns the next free sequence. On
/// PostgreSQL the row lock makes every other writer wait until this one commits, so sequences are
/// visible in commit order; on SQLite the UPDATE takes the database's write lock.
async fn lock_sequence_counter(
    transaction: &DatabaseTransaction,
    backend: sea_orm::DbBackend,
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
