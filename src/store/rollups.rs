//! Rollups: counts of ratings per local day (in each configured time zone), survey, channel and
//! score, per declared dimension value, survey and score, and per reason code, survey and score. The writer keeps them in the same
//! transaction as the ratings; this module says which cells a rating adds to, writes them, builds
//! them for ratings stored before (a migration, a new zone, a new dimension) and reads them back.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tracing::info;

use super::Store;
use super::ratings::RatingSchema;
use crate::domain::time_buckets::local_date;
use crate::domain::{Rating, Survey};
use crate::error::{Error, Result};

/// The channel of dimension cells, which do not keep one.
pub const ANY_CHANNEL: i32 = -1;
/// The dimension of reason cells: a pseudo-dimension every survey has, whose value is a reason
/// code, and the empty code for a rating without one. A rating with two codes adds to two of its
/// cells, so a report grouped by reason reads its groups here in milliseconds, as it does a
/// dimension's, instead of scanning the ratings; the overall numbers come from the base cells,
/// which count each rating once. Cells of every rating, of surveys with or without reasons: a
/// survey that gains reasons then needs no build, and the cost is one cell per (zone, day,
/// survey, code, score) a commit touches. The `#` keeps it apart from every attribute key.
pub const REASON_DIMENSION: &str = "#reason";
/// Cells upserted per statement: 8 values each, well under every parameter limit.
const CELLS_PER_UPSERT: usize = 1_000;
/// Ratings read per query while building.
const BUILD_PAGE_RATINGS: u64 = 20_000;
/// Cells a build holds in memory before it writes them.
const BUILD_FLUSH_CELLS: usize = 200_000;

/// A time zone whose local days rollups keep.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupZone {
    /// IANA name, as stored.
    pub name: Arc<str>,
    /// The zone.
    pub zone: Tz,
}

impl RollupZone {
    /// Returns the zone named `name`, if it is an IANA zone.
    pub fn parse(name: &str) -> Option<RollupZone> {
        Tz::from_str(name).ok().map(|zone| RollupZone {
            name: Arc::from(zone.name()),
            zone,
        })
    }
}

/// One rollup cell. Base cells have an empty dimension and value; dimension cells have
/// [`ANY_CHANNEL`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupCell {
    /// Zone name.
    pub zone: Arc<str>,
    /// Local date, as days since 1970-01-01.
    pub day: i32,
    /// Survey.
    pub survey_id: Arc<str>,
    /// Dimension key, or empty.
    pub dimension: Arc<str>,
    /// Dimension value, or empty.
    pub value: Arc<str>,
    /// Channel number, or [`ANY_CHANNEL`].
    pub channel: i32,
    /// Score.
    pub score: i32,
}

/// Cell deltas: how many ratings each cell gains, in the table's key order, so that an upsert
/// walks the B-tree forwards instead of jumping around it.
pub type CellCounts = BTreeMap<RollupCell, i64>;

/// Returns the day number of a local date: days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> i32 {
    date.signed_duration_since(NaiveDate::default())
        .num_days()
        .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Returns the local date of a day number.
pub fn date_of_day(day: i32) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(i64::from(day))
}

/// Adds the cells of `rating` of a survey declaring `dimensions` to `cells`, in every zone: the
/// base cell, one per dimension, and one per reason code it holds (the empty code's when none).
pub fn add_cells(
    rating: &Rating,
    dimensions: &[String],
    zones: &[RollupZone],
    cells: &mut CellCounts,
) {
    let survey_id: Arc<str> = Arc::from(rating.survey_id.as_str());
    let empty: Arc<str> = Arc::from("");
    for zone in zones {
        let day = day_number(local_date(zone.zone, rating.occur_time));
        let base = RollupCell {
            zone: zone.name.clone(),
            day,
            survey_id: survey_id.clone(),
            dimension: empty.clone(),
            value: empty.clone(),
            channel: rating.content.channel.number(),
            score: rating.content.score,
        };
        for dimension in dimensions {
            let value = rating
                .content
                .attributes
                .get(dimension)
                .map_or_else(|| empty.clone(), |value| Arc::from(value.as_str()));
            let cell = RollupCell {
                dimension: Arc::from(dimension.as_str()),
                value,
                channel: ANY_CHANNEL,
                ..base.clone()
            };
            *cells.entry(cell).or_default() += 1;
        }
        let reason_dimension: Arc<str> = Arc::from(REASON_DIMENSION);
        let codes = &rating.content.reason_codes;
        let values: Vec<Arc<str>> = if codes.is_empty() {
            vec![empty.clone()]
        } else {
            codes.iter().map(|code| Arc::from(code.as_str())).collect()
        };
        for value in values {
            let cell = RollupCell {
                dimension: reason_dimension.clone(),
                value,
                channel: ANY_CHANNEL,
                ..base.clone()
            };
            *cells.entry(cell).or_default() += 1;
        }
        *cells.entry(base).or_default() += 1;
    }
}

/// Returns the SQL that adds `rows` cells to the rollups, with parameters numbered for `backend`.
pub fn upsert_sql(backend: DbBackend, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO rollups (zone, day, survey_id, dimension, value, channel, score, rating_count) VALUES ",
    );
    let mut parameter = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..8 {
            if column > 0 {
                sql.push_str(", ");
            }
            parameter += 1;
            match backend {
                DbBackend::Postgres => sql.push_str(&format!("${parameter}")),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (zone, day, survey_id, dimension, value, channel, score) \
         DO UPDATE SET rating_count = rollups.rating_count + excluded.rating_count",
    );
    sql
}

/// Returns the parameters of [`upsert_sql`] for `cells`, in order.
pub fn upsert_values<'a>(
    cells: impl IntoIterator<Item = (&'a RollupCell, &'a i64)>,
) -> Vec<sea_orm::Value> {
    let mut values = Vec::new();
    for (cell, count) in cells {
        values.extend([
            cell.zone.to_string().into(),
            cell.day.into(),
            cell.survey_id.to_string().into(),
            cell.dimension.to_string().into(),
            cell.value.to_string().into(),
            cell.channel.into(),
            cell.score.into(),
            (*count).into(),
        ]);
    }
    values
}

/// Writes `cells` through `connection` (a transaction, normally).
pub async fn upsert<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    cells: &CellCounts,
) -> Result<()> {
    let cells: Vec<(&RollupCell, &i64)> = cells.iter().collect();
    for chunk in cells.chunks(CELLS_PER_UPSERT) {
        let statement = Statement::from_sql_and_values(
            backend,
            upsert_sql(backend, chunk.len()),
            upsert_values(chunk.iter().copied()),
        );
        connection.execute_raw(statement).await?;
    }
    Ok(())
}

/// Returns the zones whose rollups are kept, as stored.
pub async fn stored_zones<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
) -> Result<Vec<RollupZone>> {
    let rows = connection
        .query_all_raw(Statement::from_string(backend, STORED_ZONE_NAMES_SQL))
        .await?;
    let names = rows
        .iter()
        .map(|row| row.try_get::<String>("", "zone"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    zones_named(&names)
}

/// Returns the zones stored under `names` (the rollup_zones table's).
pub fn zones_named(names: &[String]) -> Result<Vec<RollupZone>> {
    names
        .iter()
        .map(|name| {
            RollupZone::parse(name)
                .ok_or_else(|| Error::internal(format!("rollup zone {name:?} is not a time zone")))
        })
        .collect()
}

/// The stored zones' names, in the order [`stored_zones`] reads them.
pub const STORED_ZONE_NAMES_SQL: &str = "SELECT zone FROM rollup_zones ORDER BY zone";

/// The PostgreSQL advisory lock replicas take in turn to build rollups ahead of the transaction
/// that makes them live ("csrb" in ASCII).
const ROLLUP_BUILD_LOCK: i64 = 0x6373_7262;

/// Held while rollups are built outside the counter lock, ahead of the transaction that makes
/// them live (a new zone, a newly declared dimension). Two such builds of the same cells at once
/// would each add every rating, counting it twice.
pub(super) struct RollupBuildLock {
    /// PostgreSQL: a transaction holding the advisory lock that orders the replicas' builds, on a
    /// reader connection, so that the writers' few connections stay free for the writers.
    /// Declared first, so that a lock dropped without release rolls back before the next waiter
    /// of this process takes a connection to wait with.
    across_replicas: Option<sea_orm::DatabaseTransaction>,
    /// This process's lock, taken first: on PostgreSQL, every waiter holding a pooled connection
    /// while it waits for the advisory lock could leave its holder none to build with (16
    /// concurrent UpdateSurvey calls of dimensions stopped answering). On SQLite it is the whole
    /// lock: this process is the only one writing its file.
    _in_process: tokio::sync::OwnedMutexGuard<()>,
}

impl RollupBuildLock {
    /// Lets the next build start.
    pub(super) async fn release(self) -> Result<()> {
        if let Some(transaction) = self.across_replicas {
            transaction.rollback().await?;
        }
        Ok(())
    }
}

/// Deletes the cells of `dimension` of `survey_id`.
pub(super) async fn clear_dimension<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    survey_id: &str,
    dimension: &str,
) -> Result<()> {
    connection
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "DELETE FROM rollups WHERE survey_id = ?1 AND dimension = ?2",
            ),
            [survey_id.into(), dimension.into()],
        ))
        .await?;
    Ok(())
}

/// Adds to the rollups of `zones` the cells of every rating with a sequence in
/// `(after, through]`, for the dimensions each survey declares, or only `only_dimension` (of
/// `only_survey`) when given. Reads and writes through `connection`.
pub async fn build<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    zones: &[RollupZone],
    after: i64,
    through: i64,
    only: Option<(&str, &str)>,
) -> Result<()> {
    build_from(
        connection,
        backend,
        zones,
        after,
        through,
        only,
        RatingSchema::Current,
    )
    .await
}

/// [`build`], reading the ratings table as `schema` has it: for a migration that runs before the
/// newest columns exist.
pub(super) async fn build_from<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    zones: &[RollupZone],
    after: i64,
    through: i64,
    only: Option<(&str, &str)>,
    schema: RatingSchema,
) -> Result<()> {
    let dimensions = survey_dimensions(connection, backend).await?;
    let mut cells = CellCounts::new();
    let mut cursor = after;
    let no_dimensions: Vec<String> = Vec::new();
    while cursor < through {
        let ratings = super::ratings::ratings_between(
            connection,
            backend,
            cursor,
            through,
            only.map(|(survey_id, _)| survey_id),
            BUILD_PAGE_RATINGS,
            schema,
        )
        .await?;
        let Some(last) = ratings.last() else { break };
        cursor = last.sequence;
        for rating in &ratings {
            if rating.exclusion.is_some() {
                continue;
            }
            match only {
                Some((_, dimension)) => {
                    let mut one = CellCounts::new();
                    add_cells(rating, &[dimension.to_string()], zones, &mut one);
                    for (cell, count) in one {
                        if *cell.dimension == *dimension {
                            *cells.entry(cell).or_default() += count;
                        }
                    }
                }
                None => {
                    let declared = dimensions.get(&rating.survey_id).unwrap_or(&no_dimensions);
                    add_cells(rating, declared, zones, &mut cells);
                }
            }
        }
        // The rollups of that schema have no reason cells: the reason codes' migration writes
        // the empty code's cells from the base cells, the only writer of them there.
        if schema == RatingSchema::BeforeReasonCodes {
            cells.retain(|cell, _| &*cell.dimension != REASON_DIMENSION);
        }
        if cells.len() >= BUILD_FLUSH_CELLS {
            upsert(connection, backend, &cells).await?;
            cells.clear();
        }
    }
    upsert(connection, backend, &cells).await
}

async fn survey_dimensions<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
) -> Result<HashMap<String, Vec<String>>> {
    let rows = connection
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT survey_id, dimensions FROM surveys",
        ))
        .await?;
    let mut dimensions = HashMap::new();
    for row in rows {
        let survey_id: String = row.try_get("", "survey_id")?;
        let declared: String = row.try_get("", "dimensions")?;
        dimensions.insert(
            survey_id,
            serde_json::from_str(&declared).map_err(Error::internal)?,
        );
    }
    Ok(dimensions)
}

/// One stored rollup row.
#[derive(Debug, Clone)]
pub struct RollupRow {
    /// The cell.
    pub cell: RollupCell,
    /// Its count.
    pub rating_count: i64,
}

/// The rollups as [`Store::load_rollups`] read them.
#[derive(Debug)]
pub struct LoadedRollups {
    /// Every stored row.
    pub rows: Vec<RollupRow>,
    /// Every rating up to this sequence is counted, but for the excluded ones.
    pub as_of_sequence: i64,
    /// The counter's rollup version.
    pub rollup_version: i64,
    /// The counter's exclusion version.
    pub exclusion_version: i64,
    /// The sequences of the ratings excluded, which the rows do not count.
    pub excluded: std::collections::HashSet<i64>,
}

impl Store {
    /// Takes the [`RollupBuildLock`], waiting for the build that holds it.
    pub(super) async fn lock_rollup_builds(&self) -> Result<RollupBuildLock> {
        let in_process = self.rollup_builds.clone().lock_owned().await;
        let across_replicas = match self.backend {
            DbBackend::Postgres => {
                Some(super::advisory_locked(&self.reader, ROLLUP_BUILD_LOCK).await?)
            }
            _ => None,
        };
        Ok(RollupBuildLock {
            across_replicas,
            _in_process: in_process,
        })
    }

    /// Makes the stored rollup zones equal `wanted`: builds the missing ones from the stored
    /// ratings, mostly without holding writers back (all but the last ratings are rolled up before
    /// the counter is locked), and deletes the others. Every replica must be given the same zones;
    /// replicas starting together build them once, in turn.
    pub async fn sync_rollup_zones(&self, wanted: &[RollupZone]) -> Result<()> {
        let lock = self.lock_rollup_builds().await?;
        self.sync_rollup_zones_locked(wanted).await?;
        lock.release().await
    }

    async fn sync_rollup_zones_locked(&self, wanted: &[RollupZone]) -> Result<()> {
        let stored = stored_zones(&self.writer, self.backend).await?;
        let mut missing: Vec<RollupZone> = Vec::new();
        for zone in wanted {
            // A zone wanted twice is built once: stored twice, it cannot be.
            if !stored
                .iter()
                .chain(&missing)
                .any(|known| known.name == zone.name)
            {
                missing.push(zone.clone());
            }
        }
        let extra: Vec<RollupZone> = stored
            .iter()
            .filter(|zone| !wanted.iter().any(|kept| kept.name == zone.name))
            .cloned()
            .collect();
        if missing.is_empty() && extra.is_empty() {
            return Ok(());
        }
        // Writers do not add cells of a zone before it is listed: build up to a recent sequence
        // first, then the rest with the counter locked, and list the zone in that transaction.
        let mut built_through = 0;
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|zone| &*zone.name).collect();
            info!(zones = ?names, "building rollups for new time zones");
            self.clear_zones(&missing).await?;
            built_through = self.counter_sequence().await?;
            build(&self.writer, self.backend, &missing, 0, built_through, None).await?;
        }
        let transaction = super::ingest::begin_read_committed(self).await?;
        super::counter::bump_versions(&transaction, self.backend, true).await?;
        let through = self.counter_sequence_in(&transaction).await?;
        build(
            &transaction,
            self.backend,
            &missing,
            built_through,
            through,
            None,
        )
        .await?;
        // Invitations have no sequence to build up to ahead of the lock: they are built whole
        // here, under it (one read of the invitations table, far smaller than the ratings').
        for zone in &missing {
            super::invitation_rollups::clear_zone(&transaction, self.backend, &zone.name).await?;
        }
        super::invitation_rollups::build(&transaction, self.backend, &missing).await?;
        for zone in &missing {
            transaction
                .execute_raw(Statement::from_sql_and_values(
                    self.backend,
                    placeholders(self.backend, "INSERT INTO rollup_zones (zone) VALUES (?1)"),
                    [zone.name.to_string().into()],
                ))
                .await?;
        }
        for zone in &extra {
            for table in ["rollups", "invitation_rollups", "rollup_zones"] {
                transaction
                    .execute_raw(Statement::from_sql_and_values(
                        self.backend,
                        placeholders(
                            self.backend,
                            &format!("DELETE FROM {table} WHERE zone = ?1"),
                        ),
                        [zone.name.to_string().into()],
                    ))
                    .await?;
            }
        }
        transaction.commit().await?;
        self.make_durable().await
    }

    async fn clear_zones(&self, zones: &[RollupZone]) -> Result<()> {
        // Left by a build that was interrupted before its zone was listed.
        for zone in zones {
            self.writer
                .execute_raw(Statement::from_sql_and_values(
                    self.backend,
                    placeholders(self.backend, "DELETE FROM rollups WHERE zone = ?1"),
                    [zone.name.to_string().into()],
                ))
                .await?;
        }
        Ok(())
    }

    /// Returns every rollup row, with the counter's versions they are exact as of and the
    /// ratings excluded then, read in one snapshot.
    pub async fn load_rollups(&self) -> Result<LoadedRollups> {
        let transaction = self.read_snapshot().await?;
        let counter = transaction
            .query_one_raw(Statement::from_string(
                self.backend,
                "SELECT next_sequence - 1 AS last_sequence, rollup_version, exclusion_version \
                 FROM rating_sequence WHERE id = 1",
            ))
            .await?
            .ok_or_else(|| Error::internal("the rating_sequence row is missing"))?;
        let as_of: i64 = counter.try_get("", "last_sequence")?;
        let rollup_version: i64 = counter.try_get("", "rollup_version")?;
        let exclusion_version: i64 = counter.try_get("", "exclusion_version")?;
        let excluded = super::exclusions::excluded_sequences(&transaction, self.backend).await?;
        let rows = transaction
            .query_all_raw(Statement::from_string(
                self.backend,
                "SELECT zone, day, survey_id, dimension, value, channel, score, rating_count FROM rollups",
            ))
            .await?;
        transaction.commit().await?;
        let mut interned: HashMap<String, Arc<str>> = HashMap::new();
        let mut intern = |text: String| {
            interned
                .entry(text)
                .or_insert_with_key(|text| Arc::from(text.as_str()))
                .clone()
        };
        let mut loaded = Vec::with_capacity(rows.len());
        for row in rows {
            loaded.push(RollupRow {
                cell: RollupCell {
                    zone: intern(row.try_get("", "zone")?),
                    day: row.try_get("", "day")?,
                    survey_id: intern(row.try_get("", "survey_id")?),
                    dimension: intern(row.try_get("", "dimension")?),
                    value: intern(row.try_get("", "value")?),
                    channel: row.try_get("", "channel")?,
                    score: row.try_get("", "score")?,
                },
                rating_count: row.try_get("", "rating_count")?,
            });
        }
        Ok(LoadedRollups {
            rows: loaded,
            as_of_sequence: as_of,
            rollup_version,
            exclusion_version,
            excluded,
        })
    }

    /// Returns the zones whose rollups are kept.
    pub async fn rollup_zones(&self) -> Result<Vec<RollupZone>> {
        stored_zones(&self.reader, self.backend).await
    }

    /// Returns the dimensions each survey declares.
    pub async fn survey_dimensions(&self) -> Result<HashMap<String, Vec<String>>> {
        survey_dimensions(&self.reader, self.backend).await
    }

    /// Returns up to `limit` ratings with a sequence in `(after, through]`, in sequence order.
    pub async fn ratings_in_range(
        &self,
        after: i64,
        through: i64,
        limit: u64,
    ) -> Result<Vec<Rating>> {
        super::ratings::ratings_between(
            &self.reader,
            self.backend,
            after,
            through,
            None,
            limit,
            RatingSchema::Current,
        )
        .await
    }

    /// Builds the cells of `dimensions` of survey `survey_id` that it does not declare yet, from
    /// every rating stored now, without holding writers back: writers add no cells of a dimension
    /// before it is declared, and reports read none. The transaction that declares them adds
    /// the ratings stored since ([`Store::finish_dimensions`]). Holds the rollup build lock
    /// until then, so that every change of a survey's dimensions takes its turn.
    pub(super) async fn prebuild_dimensions(
        &self,
        survey_id: &str,
        dimensions: &[String],
    ) -> Result<PrebuiltDimensions> {
        let lock = self.lock_rollup_builds().await?;
        // Read under the lock: a dimension an update declared meanwhile is built already. A
        // missing survey builds nothing; the update answers NOT_FOUND itself.
        let declared = match self.get_survey(survey_id).await {
            Ok(survey) => Some(survey.dimensions),
            Err(Error::NotFound { .. }) => None,
            Err(cause) => return Err(cause),
        };
        let mut added: Vec<String> = Vec::new();
        if let Some(declared) = &declared {
            for dimension in dimensions {
                if crate::domain::validation::is_key(dimension)
                    && !declared.contains(dimension)
                    && !added.contains(dimension)
                {
                    added.push(dimension.clone());
                }
            }
        }
        let zones = stored_zones(&self.writer, self.backend).await?;
        let built_through = self.counter_sequence().await?;
        for dimension in &added {
            // Left by a build whose update never committed.
            clear_dimension(&self.writer, self.backend, survey_id, dimension).await?;
            build(
                &self.writer,
                self.backend,
                &zones,
                0,
                built_through,
                Some((survey_id, dimension)),
            )
            .await?;
        }
        Ok(PrebuiltDimensions {
            lock,
            survey_id: survey_id.to_string(),
            dimensions: added,
            zone_names: zones.iter().map(|zone| zone.name.clone()).collect(),
            built_through,
        })
    }

    /// Makes the cells of each dimension `updated` declares and `current` does not count every
    /// stored rating of the survey, inside the transaction that declares them (it holds the
    /// writers' counter lock): adds the ratings stored since the prebuild, or builds them whole
    /// where no prebuild covers them.
    pub(super) async fn finish_dimensions<C: ConnectionTrait>(
        &self,
        transaction: &C,
        current: &Survey,
        updated: &Survey,
        prebuilt: Option<&PrebuiltDimensions>,
    ) -> Result<()> {
        let zones = stored_zones(transaction, self.backend).await?;
        let through = self.counter_sequence_in(transaction).await?;
        let survey_id = updated.survey_id.as_str();
        for dimension in updated
            .dimensions
            .iter()
            .filter(|dimension| !current.dimensions.contains(dimension))
        {
            let built_through = prebuilt
                .filter(|prebuilt| prebuilt.covers(survey_id, dimension, &zones))
                .map(|prebuilt| prebuilt.built_through);
            let after = match built_through {
                Some(built_through) => built_through,
                None => {
                    clear_dimension(transaction, self.backend, survey_id, dimension).await?;
                    0
                }
            };
            build(
                transaction,
                self.backend,
                &zones,
                after,
                through,
                Some((survey_id, dimension)),
            )
            .await?;
        }
        Ok(())
    }
}

/// Cells of newly declared dimensions built up to a sequence, holding the rollup build lock.
pub(super) struct PrebuiltDimensions {
    /// Released once the dimensions are declared (or the update failed).
    pub(super) lock: RollupBuildLock,
    survey_id: String,
    dimensions: Vec<String>,
    zone_names: Vec<Arc<str>>,
    built_through: i64,
}

impl PrebuiltDimensions {
    /// Whether the cells of `dimension` of `survey_id` were built for exactly `zones`.
    fn covers(&self, survey_id: &str, dimension: &str, zones: &[RollupZone]) -> bool {
        self.survey_id == survey_id
            && self.dimensions.iter().any(|built| built == dimension)
            && self
                .zone_names
                .iter()
                .eq(zones.iter().map(|zone| &zone.name))
    }
}

/// Returns `sql` with `?1`, `?2`… written as PostgreSQL wants them (`$1`), or as SQLite does.
pub(super) fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::{Channel, RatingContent};

    #[test]
    fn a_rating_adds_a_base_cell_and_one_per_dimension_in_each_zone() {
        let rating = Rating {
            sequence: 1,
            survey_id: "chat".into(),
            touchpoint: "support_chat".into(),
            rating_id: "r".into(),
            content: RatingContent {
                score: 4,
                comment: String::new(),
                customer_id: String::new(),
                channel: Channel::Sms,
                attributes: BTreeMap::from([("agent".to_string(), "a-1".to_string())]),
                reason_codes: Vec::new(),
                invitation_id: String::new(),
            },
            // 2026-01-01T03:00:00Z: still 2025-12-31 in New York.
            occur_time: 1_767_236_400_000_000,
            create_time: 0,
            exclusion: None,
            erased: false,
        };
        let zones = [
            RollupZone::parse("UTC").unwrap(),
            RollupZone::parse("America/New_York").unwrap(),
        ];
        let mut cells = CellCounts::new();
        add_cells(
            &rating,
            &["agent".into(), "team".into()],
            &zones,
            &mut cells,
        );
        assert_eq!(cells.len(), 8);
        let reason = cells
            .keys()
            .find(|cell| &*cell.dimension == REASON_DIMENSION)
            .unwrap();
        assert_eq!(
            &*reason.value, "",
            "a rating without reasons has the empty code"
        );
        let new_year = day_number(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let agent_in_new_york = cells
            .keys()
            .find(|cell| &*cell.zone == "America/New_York" && &*cell.dimension == "agent")
            .unwrap();
        assert_eq!(agent_in_new_york.day, new_year - 1);
        assert_eq!(&*agent_in_new_york.value, "a-1");
        assert_eq!(agent_in_new_york.channel, ANY_CHANNEL);
        let team = cells
            .keys()
            .find(|cell| &*cell.dimension == "team")
            .unwrap();
        assert_eq!(&*team.value, "", "a missing attribute is the empty value");
        assert_eq!(
            date_of_day(new_year),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
    }

    #[test]
    fn a_rating_with_two_reasons_adds_to_the_cell_of_each() {
        let rating = Rating {
            sequence: 1,
            survey_id: "chat".into(),
            touchpoint: "support_chat".into(),
            rating_id: "r".into(),
            content: RatingContent {
                score: 2,
                comment: String::new(),
                customer_id: String::new(),
                channel: Channel::Sms,
                attributes: BTreeMap::new(),
                reason_codes: vec!["long_wait".into(), "rude".into()],
                invitation_id: String::new(),
            },
            occur_time: 0,
            create_time: 0,
            exclusion: None,
            erased: false,
        };
        let mut cells = CellCounts::new();
        add_cells(
            &rating,
            &[],
            &[RollupZone::parse("UTC").unwrap()],
            &mut cells,
        );
        let reasons: Vec<(&str, i64)> = cells
            .iter()
            .filter(|(cell, _)| &*cell.dimension == REASON_DIMENSION)
            .map(|(cell, count)| (&*cell.value, *count))
            .collect();
        assert_eq!(reasons, [("long_wait", 1), ("rude", 1)]);
        assert_eq!(cells.len(), 3);
    }
}
