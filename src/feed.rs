//! The change feed: what the writer committed, fanned out to streams. A stream replays from
//! storage first, then follows live batches; a subscriber that falls behind reads from storage
//! again instead of making memory grow.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};

use crate::domain::{Rating, RatingFilter};
use crate::error::Error;
use crate::store::Store;

/// Committed batches kept for live subscribers; one that falls further behind catches up from
/// storage. Bounds memory at this many batches, whatever the subscribers do.
const LIVE_BATCHES_KEPT: usize = 1_024;
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
        // No subscriber is not an error: nobody is following right now.
        let _ = self.sender.send(batch);
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<[Rating]>> {
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
    let replayed = tokio::select! {
        replayed = replay(&store, &request.filter, &mut cursor, &out) => replayed,
        _ = shutdown.wait_for(|stopping| *stopping) => return,
    };
    if !replayed || !request.follow {
        return;
    }
    loop {
        let received = tokio::select! {
            received = live.recv() => received,
            _ = shutdown.wait_for(|stopping| *stopping) => return,
            _ = out.closed() => return,
        };
        match received {
            Ok(batch) => {
                for rating in batch.iter() {
                    if rating.sequence <= cursor {
                        continue;
                    }
                    cursor = rating.sequence;
                    if request.filter.matches(rating) && out.send(Ok(rating.clone())).await.is_err()
                    {
                        return;
                    }
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // Too slow for memory: what was missed is in storage.
                let caught_up = tokio::select! {
                    caught_up = replay(&store, &request.filter, &mut cursor, &out) => caught_up,
                    _ = shutdown.wait_for(|stopping| *stopping) => return,
                };
                if !caught_up {
                    return;
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
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
    loop {
        let page = match store
            .ratings_after(filter, *cursor, REPLAY_PAGE_RATINGS)
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
            return true;
        }
    }
}
