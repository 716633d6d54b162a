//! Ingestion: the one writer task of a process, with group commit. It drains whatever
//! submissions wait (up to a batch limit) and has the store commit them in one transaction, so
//! many ratings share one fsync (see [`crate::store::ingest`] for what the commit does). A second
//! thread makes the commits durable (one fsync for all that are waiting, on SQLite), then answers
//! each caller and publishes to the feed, in commit order; the writer meanwhile commits the next
//! batch.

use std::time::Instant;

use sea_orm::DbBackend;
use tokio::sync::{mpsc, oneshot};
use tracing::{Instrument, debug, error, warn};

use crate::domain::NewRating;
use crate::domain::ingest::{CommitOutcome, RatingResult, Submission};
use crate::error::{Error, Result};
use crate::feed::Feed;
use crate::monitoring;
use crate::store::Store;
use crate::store::ingest::Committer;
use crate::telemetry::{self, TraceParent};

/// Most ratings committed in one transaction; also bounds what one feed batch holds.
const MAX_RATINGS_PER_COMMIT: usize = 4_096;
/// Submissions waiting for the writer; callers wait for room beyond that.
const QUEUE_CAPACITY: usize = 4_096;
/// Commits waiting for their fsync; the writer waits for room beyond that.
const SYNC_QUEUE_CAPACITY: usize = 64;

/// Where the answer to one submission goes.
type Reply = oneshot::Sender<Result<Vec<RatingResult>>>;

struct WriteRequest {
    submission: Submission,
    reply: Reply,
    /// The span of the call waiting, when traced: the commit's span hangs under or links to it.
    trace: TraceParent,
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
                        Committer::open(store).await,
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
            submission: Submission {
                ratings,
                all_or_nothing,
            },
            reply,
            trace: TraceParent::of_current_call(),
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

/// Submissions committed together, and where each one's answer goes (`replies[i]` answers
/// `submissions[i]`): the store commits the submissions as one slice.
#[derive(Default)]
struct Batch {
    submissions: Vec<Submission>,
    replies: Vec<Reply>,
    traces: Vec<TraceParent>,
}

impl Batch {
    fn push(&mut self, request: WriteRequest) {
        self.submissions.push(request.submission);
        self.replies.push(request.reply);
        self.traces.push(request.trace);
    }

    /// Adds `first` and whatever else waits in `receiver`, up to [`MAX_RATINGS_PER_COMMIT`]
    /// ratings (passed by the last submission added, not split).
    fn fill(&mut self, first: WriteRequest, receiver: &mut mpsc::Receiver<WriteRequest>) {
        let mut rating_count = first.submission.ratings.len();
        self.push(first);
        while rating_count < MAX_RATINGS_PER_COMMIT {
            let Ok(next) = receiver.try_recv() else { break };
            rating_count += next.submission.ratings.len();
            self.push(next);
        }
    }
}

/// A transaction the writer committed, waiting to be made durable before anyone hears of it. It
/// keeps its submissions so that they are dropped on the sync thread, not the writer's.
struct Committed {
    batch: Batch,
    outcome: CommitOutcome,
    /// The commit's span, when traced: the fsync's span hangs under or links to it.
    trace: TraceParent,
}

async fn run_writer(
    mut committer: Committer,
    committed: std::sync::mpsc::SyncSender<Committed>,
    mut receiver: mpsc::Receiver<WriteRequest>,
    mut stop_requested: oneshot::Receiver<()>,
) {
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
        let mut batch = Batch::default();
        batch.fill(first, &mut receiver);
        commit_batch(&mut committer, &committed, batch).await;
    }
    committer.close().await;
}

/// Commits `batch` and hands it to the syncer, or answers its callers with the failure, in the
/// commit's span when one of its callers is traced (see [`telemetry::commit_span`]).
async fn commit_batch(
    committer: &mut Committer,
    committed: &std::sync::mpsc::SyncSender<Committed>,
    batch: Batch,
) {
    if !telemetry::traces_on() {
        return commit_and_hand_over(committer, committed, batch, TraceParent::default()).await;
    }
    let span = telemetry::commit_span(&batch.traces, rating_count(&batch.submissions));
    let trace = TraceParent::of(&span);
    commit_and_hand_over(committer, committed, batch, trace)
        .instrument(span)
        .await;
}

async fn commit_and_hand_over(
    committer: &mut Committer,
    committed: &std::sync::mpsc::SyncSender<Committed>,
    batch: Batch,
    trace: TraceParent,
) {
    match timed_commit(committer, &batch.submissions).await {
        Ok(outcome) => {
            debug!(
                requests = batch.submissions.len(),
                stored = outcome.stored.len(),
                "ratings committed"
            );
            hand_over(committed, batch, outcome, trace);
        }
        Err(cause) if batch.submissions.len() > 1 && !cause.is_database_fault() => {
            // One bad request must not fail the others that shared its transaction.
            warn!(error = %cause, requests = batch.submissions.len(), "group commit failed: committing requests one by one");
            let requests = batch.submissions.into_iter().zip(batch.replies);
            for ((submission, reply), caller) in requests.zip(batch.traces) {
                match timed_commit(committer, std::slice::from_ref(&submission)).await {
                    Ok(outcome) => {
                        let alone = Batch {
                            submissions: vec![submission],
                            replies: vec![reply],
                            traces: vec![caller],
                        };
                        hand_over(committed, alone, outcome, trace.clone());
                    }
                    Err(cause) => refuse(&submission, reply, &cause),
                }
            }
        }
        Err(cause) => {
            for (submission, reply) in batch.submissions.iter().zip(batch.replies) {
                refuse(submission, reply, &cause);
            }
        }
    }
}

/// Has the store commit `submissions`, measuring the batch and the time taken.
async fn timed_commit(
    committer: &mut Committer,
    submissions: &[Submission],
) -> Result<CommitOutcome> {
    metrics::histogram!(monitoring::WRITER_BATCH_RATINGS).record(rating_count(submissions) as f64);
    let started = Instant::now();
    let committed = committer.commit(submissions).await;
    metrics::histogram!(monitoring::WRITER_COMMIT_SECONDS).record(started.elapsed());
    committed
}

/// The ratings of `submissions`, all told.
fn rating_count(submissions: &[Submission]) -> usize {
    submissions
        .iter()
        .map(|submission| submission.ratings.len())
        .sum()
}

/// Passes a commit to the syncer. Blocking is right here: the writer's thread has nothing else to
/// do while the syncer is full.
fn hand_over(
    committed: &std::sync::mpsc::SyncSender<Committed>,
    batch: Batch,
    outcome: CommitOutcome,
    trace: TraceParent,
) {
    let commit = Committed {
        batch,
        outcome,
        trace,
    };
    if let Err(std::sync::mpsc::SendError(commit)) = committed.send(commit) {
        // Only if the syncer thread died: its callers cannot be told the commit is durable.
        let cause = Error::internal("the sync thread is gone");
        refuse_committed(commit.batch, &cause);
    }
}

/// Makes commits durable, then answers their callers and publishes them, in commit order. One
/// fsync serves every commit waiting when it starts.
fn run_syncer(store: &Store, feed: &Feed, committed: &std::sync::mpsc::Receiver<Committed>) {
    // PostgreSQL's commits are durable as they return: nothing is synced, nothing to measure.
    let fsyncs = store.backend() == DbBackend::Sqlite;
    while let Ok(first) = committed.recv() {
        let mut ready = vec![first];
        ready.extend(committed.try_iter());
        let span = telemetry::fsync_span(ready.iter().map(|commit| &commit.trace));
        let started = Instant::now();
        let synced = span.in_scope(|| store.sync_committed());
        if fsyncs {
            metrics::histogram!(monitoring::FSYNC_SECONDS).record(started.elapsed());
        }
        drop(span);
        for commit in ready {
            match &synced {
                Ok(()) => answer(store, feed, commit),
                Err(cause) => refuse_committed(commit.batch, cause),
            }
        }
    }
}

fn answer(store: &Store, feed: &Feed, commit: Committed) {
    let tally = commit.outcome.tally();
    metrics::counter!(monitoring::RATINGS, "outcome" => "accepted").increment(tally.accepted);
    metrics::counter!(monitoring::RATINGS, "outcome" => "duplicate").increment(tally.duplicate);
    metrics::counter!(monitoring::RATINGS, "outcome" => "refused").increment(tally.refused);
    let CommitOutcome { results, stored } = commit.outcome;
    if let Some(last) = stored.last() {
        store.mark_durable(last.sequence);
    }
    for (reply, result) in commit.batch.replies.into_iter().zip(results) {
        // A caller that went away still had its ratings committed; nothing to do.
        let _ = reply.send(Ok(result));
    }
    // Callers first: handing the batch to the feed wakes the feed's task, and the runtime would
    // run it ahead of every caller woken after it.
    if !stored.is_empty() {
        feed.publish(stored);
    }
}

fn refuse(submission: &Submission, reply: Reply, cause: &Error) {
    error!(error = %cause, source = ?std::error::Error::source(cause), ratings = submission.ratings.len(), "commit failed");
    let _ = reply.send(Err(refusal(cause)));
}

/// Answers the callers of a commit that happened but could not be made durable (the WAL could not
/// be opened to sync): a retry with the same rating_id is answered once a later sync covers it.
fn refuse_committed(batch: Batch, cause: &Error) {
    for (submission, reply) in batch.submissions.iter().zip(batch.replies) {
        error!(error = %cause, ratings = submission.ratings.len(), "a commit could not be made durable");
        let _ = reply.send(Err(Error::Unavailable(
            "the ratings could not be made durable; retry with the same rating_id".into(),
        )));
    }
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
