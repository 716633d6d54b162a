//! The change feed: what the writer committed, fanned out to streams. A stream replays from
//! storage first, then follows live batches; a subscriber that falls behind reads from storage
//! again instead of making memory grow.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};

use crate::domain::{Rating, RatingFilter};
use crate::error::Error;
use crate::store::Store;

/// Committed batches kept for live subscribers; one that falls further behind catches up from
/// storage. With the writer's batch limit this bounds the feed's memory, whatever the
/// subscribers do.
const LIVE_BATCHES_KEPT: usize = 32;
/// How often a follower on PostgreSQL looks in storage for ratings other replicas committed.
const STORAGE_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);
/// Ratings read per replay query.
const REPLAY_PAGE_RATINGS: usize = 1_000;

/// Publishes committed batches, in commit (and so sequence) order; cheap to clone.
#[derive(Clone, Debug)]
pub struct Feed {
    sender: broadcast::Sender<Arc<[Rating]>>,
}

impl Default for Feed {
    fn default() -> Self {
        Self::new()
    }
}

impl Feed {
    /// Returns a feed with no subscribers.
    pub fn new() -> Feed {
        let (sender, _) = broadcast::channel(LIVE_BATCHES_KEPT);
        Feed { sender }
    }

    /// Announces a committed batch, sorted by sequence.
    pub fn publish(&self, batch: Arc<[Rating]>) {
        // Without subscribers nothing is kept; send would fail harmlessly anyway.
        if self.sender.receiver_count() > 0 {
            let _ = self.sender.send(batch);
        }
    }

    /// Returns a receiver of every batch published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<[Rating]>> {
        self.sender.subscribe()
    }
}

/// What one StreamRatings call asked for.
#[derive(Debug, Clone)]
pub struct StreamRequest {
    /// Which ratings.
    pub filter: RatingFilter,
    /// Only sequences above this one.
    pub start_after: i64,
    /// Keep going with live ratings after the stored ones.
    pub follow: bool,
}

/// Sends every rating of `request` to `out` in sequence order: first those stored, then, with
/// `follow`, each new one as it is committed, with no gap and no duplicate at the switch. Returns
/// when the stored ratings are sent (without follow), when `out` is closed, or at shutdown.
pub async fn stream_ratings(
    store: Store,
    feed: Feed,
    request: StreamRequest,
    mut shutdown: watch::Receiver<bool>,
    out: mpsc::Sender<Result<Rating, Error>>,
) {
    // Subscribing before the replay means a batch committed during the replay is seen live, and
    // dropped there when the replay already sent it: no gap, no duplicate.
    let mut live = feed.subscribe();
    let mut cursor = request.start_after;
    if !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown).await
        || !request.follow
    {
        return;
    }
    // Other replicas commit to the same PostgreSQL without telling this process.
    let poll_storage = store.backend() == sea_orm::DbBackend::Postgres;
    loop {
        let woken = tokio::select! {
            received = live.recv() => Wake::Live(received),
            _ = shutdown.wait_for(|stopping| *stopping) => return,
            _ = out.closed() => return,
            _ = tokio::time::sleep(STORAGE_POLL_INTERVAL), if poll_storage => Wake::Poll,
        };
        let batch = match woken {
            Wake::Live(Ok(batch)) => batch,
            // Lagged: too slow for memory, and what was missed is in storage.
            Wake::Poll | Wake::Live(Err(broadcast::error::RecvError::Lagged(_))) => {
                if !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown)
                    .await
                {
                    return;
                }
                continue;
            }
            Wake::Live(Err(broadcast::error::RecvError::Closed)) => return,
        };
        // Sequences are dense, so a batch that starts beyond the cursor means ratings this
        // process did not publish (another replica's, or a commit whose answer was lost):
        // storage has them.
        let starts_beyond_cursor = batch
            .first()
            .is_some_and(|first| first.sequence > cursor + 1);
        if starts_beyond_cursor
            && !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown)
                .await
        {
            return;
        }
        for rating in batch.iter() {
            if rating.sequence <= cursor {
                continue;
            }
            cursor = rating.sequence;
            if request.filter.matches(rating) && out.send(Ok(rating.clone())).await.is_err() {
                return;
            }
        }
    }
}

/// What woke a live stream.
enum Wake {
    /// A committed batch, or news that some were missed.
    Live(Result<Arc<[Rating]>, broadcast::error::RecvError>),
    /// Time to look in storage.
    Poll,
}

/// Replays from storage unless the server shuts down first; false means the stream should end.
async fn replay_until_shutdown(
    store: &Store,
    filter: &RatingFilter,
    cursor: &mut i64,
    out: &mpsc::Sender<Result<Rating, Error>>,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        replayed = replay(store, filter, cursor, out) => replayed,
        _ = shutdown.wait_for(|stopping| *stopping) => false,
    }
}

/// Sends the stored ratings after `cursor` that pass `filter`, advancing `cursor` past everything
/// read. Returns false when the stream should end (the caller left, or storage failed).
async fn replay(
    store: &Store,
    filter: &RatingFilter,
    cursor: &mut i64,
    out: &mpsc::Sender<Result<Rating, Error>>,
) -> bool {
    // The scan stops here: once it is exhausted, nothing up to here is left unread, and the cursor
    // can pass ratings the filter skipped instead of scanning them again next time. Nothing beyond
    // it is sent, since it may not be durable yet.
    let committed_before_scan = match store.last_committed_sequence().await {
        Ok(sequence) => sequence,
        Err(cause) => {
            let _ = out.send(Err(cause)).await;
            return false;
        }
    };
    loop {
        let page = match store
            .ratings_after(filter, *cursor, committed_before_scan, REPLAY_PAGE_RATINGS)
            .await
        {
            Ok(page) => page,
            Err(cause) => {
                // The receiver turns this into a status; whether it is still there is moot.
                let _ = out.send(Err(cause)).await;
                return false;
            }
        };
        for rating in page.ratings {
            if out.send(Ok(rating)).await.is_err() {
                return false;
            }
        }
        if let Some(last_scanned) = page.last_scanned {
            *cursor = (*cursor).max(last_scanned);
        }
        if page.exhausted {
            *cursor = (*cursor).max(committed_before_scan);
            return true;
        }
    }
}
