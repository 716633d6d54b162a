//! The change feed: every committed rating of every replica, once and in sequence order, fanned
//! out to streams and watchers. This process's commits come from its writer; other replicas'
//! are read from storage by sequence when PostgreSQL announces them (LISTEN/NOTIFY, sent from the
//! committing transaction) and, since a notification can be lost with its connection, on a
//! timer too: correctness never depends on NOTIFY. A subscriber that falls behind reads from
//! storage instead of making memory grow.

pub mod streams;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tracing::{debug, warn};

use crate::domain::Rating;
use crate::error::Result;
use crate::store::Store;

/// Batches this process committed, waiting for the pump.
const OWN_COMMITS_QUEUED: usize = 64;
/// Batches kept for live subscribers; one that falls further behind catches up from storage. An
/// import publishes 32 batches in about 25 ms, too little for 500 followers on two cores to keep
/// up with, and each that fell behind read storage and held replay pages of its own.
const LIVE_BATCHES_KEPT: usize = 128;
/// About the most memory one published batch takes (125 short ratings, 3 at every field's
/// maximum): with [`LIVE_BATCHES_KEPT`], what the feed holds, shared by every subscriber, for one
/// that stopped reading, about 16 MB whatever the ratings' size.
const BATCH_BYTES: usize = 128 * 1024;
/// How often storage is read for other replicas' commits when no notification came.
const STORAGE_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Ratings read per query when filling in from storage.
const FILL_PAGE_RATINGS: u64 = 1_000;

/// Committed ratings in sequence order, and the latest exclusion version; cheap to clone.
#[derive(Clone, Debug)]
pub struct Feed {
    sender: broadcast::Sender<Arc<[Rating]>>,
    committed: mpsc::Sender<Vec<Rating>>,
    /// The highest exclusion version committed that this process knows of: its own exclusions as
    /// they are answered, other replicas' as the pump reads the counter (on their announcement,
    /// or on the timer).
    exclusions: watch::Sender<i64>,
    /// The pump's `published_through`, for the lag behind storage that metrics show.
    published_through: Arc<AtomicI64>,
}

impl Feed {
    /// Starts the feed of `store`'s commits: from now on, every rating committed (by this process
    /// through [`Feed::publish`], or by another replica) is published once, in order, until
    /// `shutdown`.
    pub async fn start(store: Store, shutdown: watch::Receiver<bool>) -> Result<Feed> {
        let (sender, _) = broadcast::channel(LIVE_BATCHES_KEPT);
        let (committed, own_commits) = mpsc::channel(OWN_COMMITS_QUEUED);
        let start_sequence = store.last_committed_sequence().await?;
        let published_through = Arc::new(AtomicI64::new(start_sequence));
        let exclusions = watch::Sender::new(store.counter_versions().await?.exclusion_version);
        let pump = Pump {
            published_through: start_sequence,
            published_shown: published_through.clone(),
            sender: sender.clone(),
            exclusions: exclusions.clone(),
            store,
        };
        tokio::spawn(pump.run(own_commits, shutdown));
        Ok(Feed {
            sender,
            committed,
            published_through,
            exclusions,
        })
    }

    /// Records that exclusions up to `version` are committed (this process's, as answered).
    pub fn exclusions_committed(&self, version: i64) {
        note_exclusions(&self.exclusions, version);
    }

    /// Returns a receiver of the exclusion version, which changes whenever a rating is excluded
    /// or restored, on any replica.
    pub fn subscribe_exclusions(&self) -> watch::Receiver<i64> {
        self.exclusions.subscribe()
    }

    /// Returns the sequence through which every rating was published.
    pub fn published_through(&self) -> i64 {
        self.published_through.load(Ordering::Acquire)
    }

    /// Hands over a batch this process committed (and made durable), sorted by sequence.
    /// Blocks while the pump is that far behind, which holds back the commits after this one:
    /// a queue without bound would let a fast import outgrow memory. Call it from a thread that
    /// may block, outside the runtime.
    pub fn publish(&self, batch: Vec<Rating>) {
        // After shutdown no one listens; the ratings are committed all the same.
        let _ = self.committed.blocking_send(batch);
    }

    /// Returns a receiver of every batch published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<[Rating]>> {
        self.sender.subscribe()
    }
}

/// Raises the exclusion version to `version`, waking its subscribers, unless it is there already.
fn note_exclusions(exclusions: &watch::Sender<i64>, version: i64) {
    exclusions.send_if_modified(|known| {
        let newer = version > *known;
        if newer {
            *known = version;
        }
        newer
    });
}

/// Orders what is published: this process's batches, and what storage holds beyond them.
struct Pump {
    store: Store,
    sender: broadcast::Sender<Arc<[Rating]>>,
    exclusions: watch::Sender<i64>,
    /// Every rating up to this sequence was published (or committed before the feed started).
    published_through: i64,
    /// The same, for [`Feed::published_through`].
    published_shown: Arc<AtomicI64>,
}

impl Pump {
    async fn run(
        mut self,
        mut own_commits: mpsc::Receiver<Vec<Rating>>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut listener = self.store.listen_for_commits().await;
        let mut poll = tokio::time::interval(STORAGE_POLL_INTERVAL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Storage is read on the timer too: on PostgreSQL for other replicas whose announcement
        // was lost, on SQLite for another process on the same file (pods of a rolling update
        // overlapping on one volume), which announces nothing.
        loop {
            let woken = tokio::select! {
                batch = own_commits.recv() => match batch {
                    Some(batch) => Wake::Committed(batch),
                    None => return,
                },
                notified = next_notification(&mut listener) => Wake::Notified(notified),
                _ = poll.tick() => Wake::Notified(Ok(())),
                _ = shutdown.wait_for(|stopping| *stopping) => return,
            };
            let filled = match woken {
                Wake::Committed(batch) => self.publish_own(batch).await,
                Wake::Notified(Ok(())) => self.fill_to_committed().await,
                Wake::Notified(Err(cause)) => {
                    warn!(error = %cause, "commit notifications failed: reading storage on the timer");
                    tokio::time::sleep(STORAGE_POLL_INTERVAL).await;
                    self.fill_to_committed().await
                }
            };
            if let Err(cause) = filled {
                warn!(error = %cause, "the feed could not read storage: trying again");
            }
        }
    }

    /// Publishes this process's batch, after whatever other replicas committed before it.
    async fn publish_own(&mut self, mut batch: Vec<Rating>) -> Result<()> {
        let Some(first) = batch.first() else {
            return Ok(());
        };
        if first.sequence > self.published_through + 1 {
            self.fill_from_storage(first.sequence - 1).await?;
        }
        let first_fresh = batch.partition_point(|rating| rating.sequence <= self.published_through);
        batch.drain(..first_fresh);
        self.send(batch);
        Ok(())
    }

    async fn fill_to_committed(&mut self) -> Result<()> {
        // An exclusion announces itself as a commit of ratings does, and is read from the same
        // counter row.
        let versions = self.store.counter_versions().await?;
        note_exclusions(&self.exclusions, versions.exclusion_version);
        self.store.adopt_other_writers_commits().await?;
        let committed = self.store.last_committed_sequence().await?;
        self.fill_from_storage(committed).await
    }

    /// Publishes the stored ratings after what was published, up to `through`.
    async fn fill_from_storage(&mut self, through: i64) -> Result<()> {
        while self.published_through < through {
            let ratings = self
                .store
                .ratings_in_range(self.published_through, through, FILL_PAGE_RATINGS)
                .await?;
            if ratings.is_empty() {
                // Sequences are dense, but a commit may still be in flight: publish what there is.
                break;
            }
            debug!(count = ratings.len(), "ratings from storage published");
            self.send(ratings);
        }
        Ok(())
    }

    fn send(&mut self, ratings: Vec<Rating>) {
        let Some(last) = ratings.last() else { return };
        self.published_through = last.sequence;
        self.published_shown
            .store(self.published_through, Ordering::Release);
        // Without subscribers nothing is kept; send would fail harmlessly anyway.
        if self.sender.receiver_count() == 0 {
            return;
        }
        for batch in into_batches(ratings) {
            let _ = self.sender.send(Arc::from(batch));
        }
    }
}

/// Cuts `ratings` into the feed's batches, each ending once it takes BATCH_BYTES. Moved into the batches, not copied: a copy of a rating is a copy of each of
/// its texts.
fn into_batches(ratings: Vec<Rating>) -> Vec<Vec<Rating>> {
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    for rating in ratings {
        batch_bytes += streams::memory_bytes(&rating);
        batch.push(rating);
        if batch_bytes >= BATCH_BYTES {
            batches.push(std::mem::take(&mut batch));
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// What woke the pump.
enum Wake {
    /// This process committed a batch.
    Committed(Vec<Rating>),
    /// Storage may hold news: a notification, the timer, or a failed listener.
    Notified(Result<()>),
}

/// Waits for the next commit notification; pending forever without a listener.
async fn next_notification(listener: &mut Option<crate::store::CommitListener>) -> Result<()> {
    match listener {
        Some(listener) => listener.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, RatingContent};

    fn rating_with_comment(sequence: i64, comment_bytes: usize) -> Rating {
        Rating {
            sequence,
            survey_id: "chat".into(),
            touchpoint: "support_chat".into(),
            rating_id: format!("r-{sequence}"),
            content: RatingContent {
                score: 4,
                comment: "x".repeat(comment_bytes),
                customer_id: String::new(),
                channel: Channel::WebChat,
                attributes: Default::default(),
                reason_codes: Vec::new(),
                invitation_id: String::new(),
            },
            occur_time: 0,
            create_time: 0,
            exclusion: None,
            erased: false,
        }
    }

    fn sizes(batches: &[Vec<Rating>]) -> Vec<usize> {
        batches.iter().map(Vec::len).collect()
    }

    #[test]
    fn a_batch_ends_once_it_takes_128_kb_whatever_the_ratings_size() {
        let short: Vec<Rating> = (1..=300).map(|n| rating_with_comment(n, 10)).collect();
        let long: Vec<Rating> = (1..=10).map(|n| rating_with_comment(n, 40_000)).collect();

        let short_batches = into_batches(short);
        let long_batches = into_batches(long);

        assert_eq!(sizes(&short_batches), [125, 125, 50]);
        assert_eq!(sizes(&long_batches), [4, 4, 2]);
        let sequences: Vec<i64> = long_batches
            .concat()
            .iter()
            .map(|rating| rating.sequence)
            .collect();
        assert_eq!(
            sequences,
            (1..=10).collect::<Vec<i64>>(),
            "in order, none lost"
        );
    }
}
