//! The rollups in memory: every rollup row of the database, kept current from the feed (and from
//! storage when the feed missed something, or another replica committed), so that a report sums
//! a few thousand day cells instead of asking the database for them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::{RwLock, broadcast, watch};
use tracing::{info, warn};

use crate::domain::Rating;
use crate::error::Result;
use crate::feed::Feed;
use crate::monitoring;
use crate::store::Store;
use crate::store::exclusions::ExclusionChange;
use crate::store::rollups::{CellCounts, LoadedRollups, RollupCell, RollupZone, add_cells};

/// Days per chunk of a series.
const CHUNK_DAYS: i32 = 64;
/// Ratings read per query while catching up from storage.
const CATCH_UP_PAGE: u64 = 10_000;

/// Counts per score (indexed by the score) of one day.
pub type DayCounts = [u32; 11];

/// Which ratings a series counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    /// Survey.
    pub survey_id: Arc<str>,
    /// Dimension, empty for the survey's base series.
    pub dimension: Arc<str>,
    /// Dimension value, empty for base series.
    pub value: Arc<str>,
    /// Channel number for base series; [`crate::store::rollups::ANY_CHANNEL`] for dimensions.
    pub channel: i32,
}

/// Day cells of one series, in chunks of [`CHUNK_DAYS`] days so that a stray date far away costs
/// one chunk, not every day in between.
#[derive(Debug, Clone, Default)]
pub struct DaySeries {
    chunks: BTreeMap<i32, Box<[DayCounts; CHUNK_DAYS as usize]>>,
}

impl DaySeries {
    /// Adds `count` ratings of `score` on `day`.
    pub(super) fn add(&mut self, day: i32, score: i32, count: i64) {
        let Ok(score) = usize::try_from(score) else {
            return;
        };
        if score >= 11 {
            return;
        }
        let chunk = self
            .chunks
            .entry(day.div_euclid(CHUNK_DAYS))
            .or_insert_with(|| Box::new([[0; 11]; CHUNK_DAYS as usize]));
        let slot = &mut chunk[day.rem_euclid(CHUNK_DAYS) as usize][score];
        *slot = u32::try_from(i64::from(*slot) + count).unwrap_or(u32::MAX);
    }

    /// Calls `visit` with each day in `[first, last)` that has ratings, and its counts.
    pub fn for_each_day(&self, first: i32, last: i32, mut visit: impl FnMut(i32, &DayCounts)) {
        if first >= last {
            return;
        }
        let range = first.div_euclid(CHUNK_DAYS)..=(last - 1).div_euclid(CHUNK_DAYS);
        for (chunk_index, chunk) in self.chunks.range(range) {
            let chunk_first = chunk_index * CHUNK_DAYS;
            for (offset, counts) in chunk.iter().enumerate() {
                let day = chunk_first + offset as i32;
                if day >= first && day < last && counts.iter().any(|count| *count > 0) {
                    visit(day, counts);
                }
            }
        }
    }

    /// Returns the first and the last day whose counts `has_ratings` accepts.
    pub fn extent_where(&self, has_ratings: impl Fn(&DayCounts) -> bool) -> Option<(i32, i32)> {
        let has_ratings = |counts: &DayCounts| has_ratings(counts);
        let first = self.chunks.iter().find_map(|(index, chunk)| {
            let offset = chunk.iter().position(has_ratings)?;
            Some(index * CHUNK_DAYS + offset as i32)
        });
        let last = self.chunks.iter().rev().find_map(|(index, chunk)| {
            let offset = chunk.iter().rposition(has_ratings)?;
            Some(index * CHUNK_DAYS + offset as i32)
        });
        first.zip(last)
    }
}

/// The rollups of one zone.
#[derive(Debug, Default)]
pub struct ZoneRollups {
    /// Every series.
    pub series: HashMap<SeriesKey, DaySeries>,
}

/// The rollups in memory, exact as of `as_of_sequence`.
#[derive(Debug)]
pub struct MirrorState {
    /// Every rating up to this sequence is counted, and none after it.
    pub as_of_sequence: i64,
    /// The rollup version of the database these were loaded at.
    pub rollup_version: i64,
    /// Every exclusion and restore up to this exclusion version is applied.
    pub exclusion_version: i64,
    /// The ratings excluded as of `exclusion_version`, counted or not yet: one that arrives
    /// later is not counted, and one restored is counted again if it was counted before. Shared
    /// with the reports that read it after the mirror's lock is let go (copied on the next
    /// change while one holds it).
    excluded: Arc<HashSet<i64>>,
    /// Rollups by zone name.
    pub zones: HashMap<Arc<str>, ZoneRollups>,
    /// Zones in the order they were stored, for computing cells.
    zone_list: Vec<RollupZone>,
    /// Dimensions declared by each survey seen.
    dimensions: HashMap<String, Vec<String>>,
    /// Day cells allocated across every series, for metrics.
    day_cells: usize,
}

impl MirrorState {
    /// The ratings excluded as of `exclusion_version`: those of the counted ones it holds are
    /// the ones the counts leave out.
    pub fn excluded(&self) -> Arc<HashSet<i64>> {
        Arc::clone(&self.excluded)
    }

    /// Returns the names of the zones whose rollups are kept.
    pub fn zones_kept(&self) -> impl Iterator<Item = &str> {
        self.zone_list.iter().map(|zone| &*zone.name)
    }

    fn add_cells(&mut self, cells: CellCounts) {
        for (cell, count) in cells {
            self.add(cell, count);
        }
    }

    fn add(&mut self, cell: RollupCell, count: i64) {
        let RollupCell {
            zone,
            day,
            survey_id,
            dimension,
            value,
            channel,
            score,
        } = cell;
        let key = SeriesKey {
            survey_id,
            dimension,
            value,
            channel,
        };
        let series = self
            .zones
            .entry(zone)
            .or_default()
            .series
            .entry(key)
            .or_default();
        let chunks_before = series.chunks.len();
        series.add(day, score, count);
        self.day_cells += (series.chunks.len() - chunks_before) * CHUNK_DAYS as usize;
    }

    fn show_day_cells(&self) {
        metrics::gauge!(monitoring::ROLLUP_CELLS).set(self.day_cells as f64);
    }

    /// Adds `ratings` that follow `as_of_sequence` without a gap; returns false at a gap, having
    /// added the ratings before it. Ratings already counted are skipped.
    fn apply(&mut self, ratings: &[Rating], unknown_surveys: &mut Vec<String>) -> bool {
        for rating in ratings {
            if rating.sequence <= self.as_of_sequence {
                continue;
            }
            if rating.sequence != self.as_of_sequence + 1 {
                return false;
            }
            // Whatever the rating says of its exclusion (it may have been read from storage
            // after an exclusion this state has not applied), the exclusions applied decide.
            if !self.excluded.contains(&rating.sequence) {
                let Some(dimensions) = self.dimensions.get(&rating.survey_id) else {
                    unknown_surveys.push(rating.survey_id.clone());
                    return false;
                };
                let mut cells = CellCounts::new();
                add_cells(rating, dimensions, &self.zone_list, &mut cells);
                self.add_cells(cells);
            }
            self.as_of_sequence = rating.sequence;
        }
        true
    }

    /// Applies exclusions and restores in the order of their versions: each rating ends in the
    /// state it has now, its cells taken out or put back if it is counted. Returns false, having
    /// applied none, when a survey's dimensions are not known.
    fn apply_exclusions(&mut self, changes: &[ExclusionChange]) -> bool {
        if changes
            .iter()
            .any(|change| !self.dimensions.contains_key(&change.rating.survey_id))
        {
            return false;
        }
        for ExclusionChange { version, rating } in changes {
            let excluded = rating.exclusion.is_some();
            // Looked up first: `make_mut` copies the set while a report holds it, which a change
            // that leaves it as it is (a repeated exclusion or restore) need not cost.
            let changed = if excluded {
                !self.excluded.contains(&rating.sequence)
                    && Arc::make_mut(&mut self.excluded).insert(rating.sequence)
            } else {
                self.excluded.contains(&rating.sequence)
                    && Arc::make_mut(&mut self.excluded).remove(&rating.sequence)
            };
            if changed && rating.sequence <= self.as_of_sequence {
                let mut cells = CellCounts::new();
                let dimensions = &self.dimensions[&rating.survey_id];
                add_cells(rating, dimensions, &self.zone_list, &mut cells);
                if excluded {
                    cells.values_mut().for_each(|count| *count = -*count);
                }
                self.add_cells(cells);
            }
            self.exclusion_version = self.exclusion_version.max(*version);
        }
        true
    }
}

/// The rollups in memory; cheap to clone.
#[derive(Debug, Clone)]
pub struct RollupMirror {
    store: Store,
    /// `None` until loaded.
    state: Arc<RwLock<Option<MirrorState>>>,
    /// The sequence the mirror has counted up to, readable without the lock.
    counted: watch::Sender<i64>,
}

impl RollupMirror {
    /// Returns an empty mirror of `store`'s rollups; [`RollupMirror::follow`] loads and feeds it.
    pub fn new(store: Store) -> RollupMirror {
        RollupMirror {
            store,
            state: Arc::new(RwLock::new(None)),
            counted: watch::channel(0).0,
        }
    }

    /// Loads the rollups, then adds each batch the feed publishes, until `shutdown`. What the
    /// feed did not deliver (a lagging subscription, another replica's commits) is read from
    /// storage as soon as a gap shows.
    pub async fn follow(self, feed: Feed, mut shutdown: watch::Receiver<bool>) {
        let mut live = feed.subscribe();
        if let Err(cause) = self.reload().await {
            warn!(error = %cause, "rollups not loaded: reports scan the ratings until the next try");
        }
        loop {
            let batch = tokio::select! {
                batch = live.recv() => batch,
                _ = shutdown.wait_for(|stopping| *stopping) => return,
            };
            let caught_up = match batch {
                Ok(batch) => match self.apply_ratings(&batch).await {
                    Ok(true) => Ok(()),
                    Ok(false) => match batch.last() {
                        Some(last) => self.catch_up(last.sequence).await,
                        None => Ok(()),
                    },
                    Err(cause) => Err(cause),
                },
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    match self.store.last_committed_sequence().await {
                        Ok(target) => self.catch_up(target).await,
                        Err(cause) => Err(cause),
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            };
            if let Err(cause) = caught_up {
                warn!(error = %cause, "rollups in memory fell behind: the next report catches up");
            }
        }
    }

    /// Adds `ratings` that follow what the mirror counted; returns false at a gap, having added
    /// the ratings before it. Learns the dimensions of surveys created since it last read them.
    async fn apply_ratings(&self, ratings: &[Rating]) -> Result<bool> {
        for attempt in 0..2 {
            let mut unknown = Vec::new();
            let mut guard = self.state.write().await;
            let Some(state) = guard.as_mut() else {
                return Ok(false);
            };
            let applied = state.apply(ratings, &mut unknown);
            state.show_day_cells();
            self.counted.send_replace(state.as_of_sequence);
            if applied || unknown.is_empty() || attempt == 1 {
                return Ok(applied);
            }
            drop(guard);
            let dimensions = self.store.survey_dimensions().await?;
            if let Some(state) = self.state.write().await.as_mut() {
                state.dimensions = dimensions;
            }
        }
        Ok(false)
    }

    /// Replaces the mirror with the rollups as stored now.
    pub async fn reload(&self) -> Result<()> {
        let started = std::time::Instant::now();
        let LoadedRollups {
            rows,
            as_of_sequence,
            rollup_version,
            exclusion_version,
            excluded,
        } = self.store.load_rollups().await?;
        let zone_list = self.store.rollup_zones().await?;
        let dimensions = self.store.survey_dimensions().await?;
        let row_count = rows.len();
        let mut state = MirrorState {
            as_of_sequence,
            rollup_version,
            exclusion_version,
            excluded: Arc::new(excluded),
            zones: HashMap::new(),
            zone_list,
            dimensions,
            day_cells: 0,
        };
        for row in rows {
            state.add(row.cell, row.rating_count);
        }
        state.show_day_cells();
        *self.state.write().await = Some(state);
        self.counted.send_replace(as_of_sequence);
        info!(
            rows = row_count,
            as_of_sequence,
            milliseconds = started.elapsed().as_millis() as u64,
            "rollups loaded"
        );
        Ok(())
    }

    /// Returns read access to the mirror once it counts every rating up to `target`, matches
    /// `rollup_version` and has applied every exclusion up to `exclusion_version`; `None` when
    /// it cannot (not loaded): the report then scans.
    pub async fn current(
        &self,
        target: i64,
        rollup_version: i64,
        exclusion_version: i64,
    ) -> Result<Option<tokio::sync::RwLockReadGuard<'_, Option<MirrorState>>>> {
        let loaded_version = self
            .state
            .read()
            .await
            .as_ref()
            .map(|state| state.rollup_version);
        if loaded_version != Some(rollup_version) {
            // Rollups were rebuilt (a new dimension, a new zone) since the mirror was loaded.
            self.reload().await?;
        }
        // What the feed has not delivered yet is read from storage: a report never waits for it.
        if *self.counted.borrow() < target {
            self.catch_up(target).await?;
        }
        self.follow_exclusions(exclusion_version).await?;
        let guard = self.state.read().await;
        let usable = guard.as_ref().is_some_and(|state| {
            state.as_of_sequence >= target
                && state.rollup_version == rollup_version
                && state.exclusion_version >= exclusion_version
        });
        Ok(usable.then_some(guard))
    }

    /// Applies the exclusions and restores stored up to `exclusion_version` that the mirror has
    /// not: this process's and every other replica's alike, read from storage.
    async fn follow_exclusions(&self, exclusion_version: i64) -> Result<()> {
        for attempt in 0..2 {
            let after = match self.state.read().await.as_ref() {
                Some(state) if state.exclusion_version < exclusion_version => {
                    state.exclusion_version
                }
                _ => return Ok(()),
            };
            let changes = self.store.exclusion_changes(after).await?;
            if changes.iter().any(|change| change.rating.erased) {
                // An erasure moved the cells of the attribute values it erased, which storage no
                // longer has to take out here: the rollups stored with it are loaded instead.
                // Erasures are rare, and a load is what a start costs.
                return self.reload().await;
            }
            let mut guard = self.state.write().await;
            let Some(state) = guard.as_mut() else {
                return Ok(());
            };
            // Another report may have applied them meanwhile.
            if state.exclusion_version != after {
                continue;
            }
            if state.apply_exclusions(&changes) {
                state.exclusion_version = state.exclusion_version.max(exclusion_version);
                state.show_day_cells();
                return Ok(());
            }
            drop(guard);
            if attempt == 0 {
                let dimensions = self.store.survey_dimensions().await?;
                if let Some(state) = self.state.write().await.as_mut() {
                    state.dimensions = dimensions;
                }
            }
        }
        Ok(())
    }

    /// Adds the stored ratings up to `target` that the feed did not deliver (another replica's,
    /// or a batch a lagging subscription missed).
    async fn catch_up(&self, target: i64) -> Result<()> {
        loop {
            let after = match self.state.read().await.as_ref() {
                Some(state) if state.as_of_sequence < target => state.as_of_sequence,
                _ => return Ok(()),
            };
            let ratings = self
                .store
                .ratings_in_range(after, target, CATCH_UP_PAGE)
                .await?;
            if ratings.is_empty() || !self.apply_ratings(&ratings).await? {
                return Ok(());
            }
        }
    }
}
