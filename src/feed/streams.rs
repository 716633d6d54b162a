//! StreamRatings: replay from storage, then live from the feed, with no gap and no duplicate.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};

use super::Feed;
use crate::domain::{Rating, RatingFilter};
use crate::error::Error;
use crate::store::Store;

/// Most ratings read per replay query.
const REPLAY_PAGE_RATINGS: usize = 2_000;
/// Ratings of the first replay query, before the ratings' size is known.
const FIRST_REPLAY_PAGE_RATINGS: usize = 64;
/// Fewest ratings read per replay query.
const MIN_REPLAY_PAGE_RATINGS: usize = 16;
/// What a replay page should take in memory. A stream whose client stopped reading holds two
/// pages (one queued, one being sent) besides what its connection buffers. 2,000 short ratings
/// (about a kilobyte each in memory) were 2 MB, and 500 stalled streams held 4 GB.
const REPLAY_PAGE_BYTES: usize = 128 * 1024;
/// What a rating takes in memory besides its texts: the struct, an allocation per text, and the
/// node of its attribute map (a B-tree leaf has room for 11 pairs, 540 bytes).
const RATING_OVERHEAD_BYTES: usize = 1024;

/// Ratings for one stream, in sequence order.
#[derive(Debug)]
pub enum StreamChunk {
    /// Read from storage for this stream alone.
    Stored(Vec<Rating>),
    /// A batch of the feed, shared with every follower rather than copied for each (500 copies of
    /// every rating made an import 40 times slower), and the positions of those this stream sends.
    Live {
        /// The batch as the feed published it.
        batch: Arc<[Rating]>,
        /// Positions in `batch`, ascending.
        selected: Vec<usize>,
    },
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

/// Where a stream's chunks go. Room is waited for before a chunk is read or taken from the feed,
/// so that a stream whose client stopped reading holds nothing beyond what `out` holds: it falls
/// behind the feed, and catches up from storage once its client reads again.
pub type ChunkSender = mpsc::Sender<Result<StreamChunk, Error>>;

/// Sends every rating of `request` to `out` in sequence order: first those stored, then, with
/// `follow`, each new one as it is committed, with no gap and no duplicate at the switch. Returns
/// when the stored ratings are sent (without follow), when `out` is closed, or, with follow, at
/// shutdown.
pub async fn stream_ratings(
    store: Store,
    feed: Feed,
    request: StreamRequest,
    mut shutdown: watch::Receiver<bool>,
    out: ChunkSender,
) {
    // Subscribing before the replay means a batch committed during the replay is seen live, and
    // dropped there when the replay already sent it: no gap, no duplicate. A stream that does not
    // follow does not subscribe: a subscriber holds the feed's batches until it has read them.
    let mut live = request.follow.then(|| feed.subscribe());
    let mut cursor = request.start_after;
    let Some(mut live) = live.take() else {
        // Not cut short at shutdown: without follow, the end of the stream (OK) says every stored
        // rating was sent, and an export must not take a part for the whole. The drain timeout
        // bounds it; past that the connection closes, which no client takes for OK.
        replay(&store, &request.filter, &mut cursor, &out).await;
        return;
    };
    if !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown).await {
        return;
    }
    loop {
        let Some(room) = room_until_shutdown(&out, &mut shutdown).await else {
            return;
        };
        let received = tokio::select! {
            received = live.recv() => received,
            _ = shutdown.wait_for(|stopping| *stopping) => return,
            _ = out.closed() => return,
        };
        let batch = match received {
            Ok(batch) => batch,
            // Too slow for memory: what was missed is in storage.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                drop(room);
                if !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown)
                    .await
                {
                    return;
                }
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        // The feed has no gaps, but a stream that lagged resumes from storage and may be past or
        // short of the next batch: storage fills what is missing, the cursor drops what was sent.
        let starts_beyond_cursor = batch
            .first()
            .is_some_and(|first| first.sequence > cursor + 1);
        let room = if starts_beyond_cursor {
            drop(room);
            if !replay_until_shutdown(&store, &request.filter, &mut cursor, &out, &mut shutdown)
                .await
            {
                return;
            }
            let Some(room) = room_until_shutdown(&out, &mut shutdown).await else {
                return;
            };
            room
        } else {
            room
        };
        let mut selected = Vec::new();
        for (position, rating) in batch.iter().enumerate() {
            if rating.sequence <= cursor {
                continue;
            }
            cursor = rating.sequence;
            if request.filter.matches(rating) {
                selected.push(position);
            }
        }
        if !selected.is_empty() {
            room.send(Ok(StreamChunk::Live { batch, selected }));
        }
    }
}

/// Waits for room in `out`; `None` when the stream should end (the caller left, or shutdown).
async fn room_until_shutdown<'a>(
    out: &'a ChunkSender,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<mpsc::Permit<'a, Result<StreamChunk, Error>>> {
    tokio::select! {
        room = out.reserve() => room.ok(),
        _ = shutdown.wait_for(|stopping| *stopping) => None,
    }
}

/// Replays from storage unless the server shuts down first; false means the stream should end.
async fn replay_until_shutdown(
    store: &Store,
    filter: &RatingFilter,
    cursor: &mut i64,
    out: &ChunkSender,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        replayed = replay(store, filter, cursor, out) => replayed,
        _ = shutdown.wait_for(|stopping| *stopping) => false,
    }
}

/// Sends the stored ratings after `cursor` that pass `filter`, advancing `cursor` past everything
/// read. Returns false when the stream should end (the caller left, or storage failed).
async fn replay(store: &Store, filter: &RatingFilter, cursor: &mut i64, out: &ChunkSender) -> bool {
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
    let mut page_ratings = FIRST_REPLAY_PAGE_RATINGS;
    loop {
        let Ok(room) = out.reserve().await else {
            return false;
        };
        let page = match store
            .ratings_after(filter, *cursor, committed_before_scan, page_ratings)
            .await
        {
            Ok(page) => page,
            Err(cause) => {
                // The receiver turns this into a status; whether it is still there is moot.
                room.send(Err(cause));
                return false;
            }
        };
        let page_bytes: usize = page.ratings.iter().map(memory_bytes).sum();
        if let Some(per_rating) = page_bytes.checked_div(page.ratings.len()) {
            page_ratings = (REPLAY_PAGE_BYTES / per_rating.max(1))
                .clamp(MIN_REPLAY_PAGE_RATINGS, REPLAY_PAGE_RATINGS);
        }
        if !page.ratings.is_empty() {
            room.send(Ok(StreamChunk::Stored(page.ratings)));
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

/// About what a rating takes in memory.
pub(super) fn memory_bytes(rating: &Rating) -> usize {
    let content = &rating.content;
    let attributes: usize = content
        .attributes
        .iter()
        .map(|(key, value)| key.len() + value.len())
        .sum();
    RATING_OVERHEAD_BYTES
        + rating.survey_id.len()
        + rating.touchpoint.len()
        + rating.rating_id.len()
        + content.comment.len()
        + content.customer_id.len()
        + attributes
}
