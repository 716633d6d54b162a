//! Rating rows: conversions, and the reads behind GetRating, ListRatings and stream replay.

use sea_orm::sea_query::{Expr, Order as SqlOrder, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use super::Store;
use super::entity::rating;
use super::rating_sql::{
    RATING_COLUMN_COUNT, RATING_READ_COLUMNS, filter_condition, reason_codes_from_json,
};
use crate::domain::{Channel, Exclusion, ExclusionReason, Rating, RatingContent, RatingFilter};
use crate::error::{Error, Result};

/// Ratings read in sequence order, and how far the read got.
#[derive(Debug, Default)]
pub struct RatingPage {
    /// The ratings that pass the filter, in the order read.
    pub ratings: Vec<Rating>,
    /// The last sequence read, whether or not it passed the filter; a scan resumes after it.
    pub last_scanned: Option<i64>,
    /// Whether the scan reached the end of the table in its direction.
    pub exhausted: bool,
}

/// Direction of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Ascending sequence, strictly after the bound.
    OldestFirst,
    /// Descending sequence, strictly before the bound.
    NewestFirst,
}

impl Store {
    /// Returns one rating, or NOT_FOUND.
    pub async fn get_rating(&self, survey_id: &str, rating_id: &str) -> Result<Rating> {
        rating::Entity::find()
            .filter(rating::Column::SurveyId.eq(survey_id))
            .filter(rating::Column::RatingId.eq(rating_id))
            .one(&self.reader)
            .await?
            .ok_or_else(|| Error::NotFound {
                reason: "RATING_NOT_FOUND",
                message: format!("rating {rating_id:?} of survey {survey_id:?} not found"),
            })
            .and_then(rating_from_row)
    }

    /// Returns up to `limit` ratings that pass `filter`, newest first, with sequence below
    /// `before` when given. The page's `exhausted` is false when more ratings follow.
    pub async fn list_ratings(
        &self,
        filter: &RatingFilter,
        before: Option<i64>,
        limit: usize,
    ) -> Result<RatingPage> {
        self.scan(filter, Order::NewestFirst, before, None, limit)
            .await
    }

    /// Returns the highest sequence committed durably so far (0 when none). Every rating up to it
    /// is visible to any query that starts afterwards: the counter advances in the same
    /// transaction as the ratings it numbers. On SQLite a commit is visible a moment before its
    /// fsync; this process's writer is the only one, so its watermark is the answer there.
    pub async fn last_committed_sequence(&self) -> Result<i64> {
        let durable_through = self
            .durable_through
            .load(std::sync::atomic::Ordering::Acquire);
        if self.backend == sea_orm::DbBackend::Sqlite && durable_through >= 0 {
            return Ok(durable_through);
        }
        self.counter_sequence().await
    }

    /// SQLite: when the counter row is beyond both what this process made durable and what its
    /// own writer committed, another process wrote to the same file. One fsync of the WAL makes
    /// that durable, so that this process's readers and feed may show it too. Commits of this
    /// process's own writer are left to its sync thread, which publishes them anyway.
    pub async fn adopt_other_writers_commits(&self) -> Result<()> {
        use std::sync::atomic::Ordering;
        let durable_through = self.durable_through.load(Ordering::Acquire);
        if self.backend != sea_orm::DbBackend::Sqlite || durable_through < 0 {
            return Ok(());
        }
        let committed = self.counter_sequence().await?;
        let own = self.committed_through.load(Ordering::Acquire);
        if committed > durable_through.max(own) {
            self.make_durable().await?;
            self.mark_durable(committed);
        }
        Ok(())
    }

    /// Returns the highest sequence the counter row has handed out.
    pub(super) async fn counter_sequence(&self) -> Result<i64> {
        self.counter_sequence_in(&self.reader).await
    }

    /// Returns up to `limit` ratings that pass `filter` with sequence above `after` and at most
    /// `through`, oldest first; `exhausted` means none is left up to `through`.
    pub async fn ratings_after(
        &self,
        filter: &RatingFilter,
        after: i64,
        through: i64,
        limit: usize,
    ) -> Result<RatingPage> {
        self.scan(
            filter,
            Order::OldestFirst,
            Some(after),
            Some(through),
            limit,
        )
        .await
    }

    async fn scan(
        &self,
        filter: &RatingFilter,
        order: Order,
        mut bound: Option<i64>,
        through: Option<i64>,
        limit: usize,
    ) -> Result<RatingPage> {
        // SQL evaluates the whole filter, so a query returns only rows the page keeps: one more
        // than the page tells whether another follows.
        let chunk_rows = limit as u64 + 1;
        // Sized once: growing a page of a thousand ratings step by step costs a stream replay a
        // tenth of its time in the allocator.
        let mut page = RatingPage {
            ratings: Vec::with_capacity(limit.min(chunk_rows as usize)),
            ..RatingPage::default()
        };
        loop {
            let statement = page_statement(self.backend, filter, order, bound, through, chunk_rows);
            let rows = self.reader.query_all_raw(statement).await?;
            let chunk_was_full = rows.len() as u64 == chunk_rows;
            for row in rows {
                let rating = rating_from_columns(&row)?;
                let sequence = rating.sequence;
                if filter.matches(&rating) {
                    if page.ratings.len() == limit {
                        // One more match exists beyond the page: the caller gets a next page,
                        // and last_scanned stays before this match so that a resume sees it.
                        return Ok(page);
                    }
                    page.ratings.push(rating);
                }
                page.last_scanned = Some(sequence);
            }
            if !chunk_was_full {
                page.exhausted = true;
                // Every remaining row was read: the last one returned is where a resume starts.
                return Ok(page);
            }
            bound = page.last_scanned;
        }
    }
}

/// Returns the SELECT of up to `rows` ratings that pass `filter`'s SQL conditions, in `order`
/// from `bound` (exclusive) and up to `through`, in [`RATING_READ_COLUMNS`].
fn page_statement(
    backend: DbBackend,
    filter: &RatingFilter,
    order: Order,
    bound: Option<i64>,
    through: Option<i64>,
    rows: u64,
) -> Statement {
    // Here only: its methods on every value would shadow `Ord::max` elsewhere in this file.
    use sea_orm::sea_query::ExprTrait as _;
    let sequence = || Expr::col(rating::Column::Sequence);
    let mut condition = filter_condition(backend, filter);
    if let Some(through) = through {
        condition = condition.add(sequence().lte(through));
    }
    condition = match (order, bound) {
        (Order::OldestFirst, Some(after)) => condition.add(sequence().gt(after)),
        (Order::NewestFirst, Some(before)) => condition.add(sequence().lt(before)),
        (_, None) => condition,
    };
    let direction = match order {
        Order::OldestFirst => SqlOrder::Asc,
        Order::NewestFirst => SqlOrder::Desc,
    };
    // Read by position rather than through the entity: a replay reads millions of rows, and
    // looking each column up by name is a tenth of its cost.
    let select = Query::select()
        .columns(RATING_READ_COLUMNS)
        .from(rating::Entity)
        .cond_where(condition)
        .order_by(rating::Column::Sequence, direction)
        .limit(rows)
        .to_owned();
    backend.build(&select)
}

/// The columns of the ratings table a read may rely on: a migration that runs before the one that
/// adds reason codes (the rollups' build of `m20261124_000002_add_reports`), or exclusions (the
/// customers' count of `m20261205_000005_add_customers`), reads the table as it is then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingSchema {
    /// Before `m20261205_000003_add_reason_codes`: every rating has none.
    BeforeReasonCodes,
    /// Before `m20261206_000006_add_exclusions`: no rating is excluded.
    BeforeExclusions,
    /// Every column of [`RATING_READ_COLUMNS`].
    Current,
}

impl RatingSchema {
    fn columns(self) -> &'static [rating::Column] {
        match self {
            // The reason codes are the last column before the exclusion's, and the invitation
            // the last of all.
            RatingSchema::BeforeReasonCodes => &RATING_READ_COLUMNS[..RATING_COLUMN_COUNT - 2],
            RatingSchema::BeforeExclusions => &RATING_READ_COLUMNS[..RATING_COLUMN_COUNT - 1],
            RatingSchema::Current => &RATING_READ_COLUMNS,
        }
    }

    /// Whether the ratings of this schema may be excluded: a read that counts them then skips
    /// the excluded ones.
    pub(super) fn has_exclusions(self) -> bool {
        self == RatingSchema::Current
    }
}

/// Returns up to `limit` ratings with a sequence in `(after, through]`, of `only_survey` when
/// given, in sequence order, read through `connection` from the columns `schema` has.
pub(super) async fn ratings_between<C: ConnectionTrait>(
    connection: &C,
    backend: sea_orm::DbBackend,
    after: i64,
    through: i64,
    only_survey: Option<&str>,
    limit: u64,
    schema: RatingSchema,
) -> Result<Vec<Rating>> {
    use sea_orm::sea_query::{Condition, ExprTrait as _};
    let sequence = || Expr::col(rating::Column::Sequence);
    let mut condition = Condition::all()
        .add(sequence().gt(after))
        .add(sequence().lte(through));
    if let Some(survey_id) = only_survey {
        condition = condition.add(Expr::col(rating::Column::SurveyId).eq(survey_id));
    }
    let select = Query::select()
        .columns(schema.columns().iter().copied())
        .from(rating::Entity)
        .cond_where(condition)
        .order_by(rating::Column::Sequence, SqlOrder::Asc)
        .limit(limit)
        .to_owned();
    let rows = connection.query_all_raw(backend.build(&select)).await?;
    rows.iter()
        .map(|row| rating_from_columns_of(row, schema))
        .collect()
}

/// Returns the rating a row of [`RATING_READ_COLUMNS`] stores.
pub(super) fn rating_from_columns(row: &sea_orm::QueryResult) -> Result<Rating> {
    rating_from_columns_of(row, RatingSchema::Current)
}

/// Returns the rating a row of `schema`'s columns stores.
fn rating_from_columns_of(row: &sea_orm::QueryResult, schema: RatingSchema) -> Result<Rating> {
    let channel_number: i32 = row.try_get_by_index(7)?;
    let channel = Channel::from_number(channel_number)
        .ok_or_else(|| Error::internal(format!("rating row with channel {channel_number}")))?;
    let attributes: String = row.try_get_by_index(8)?;
    let reason_codes = match schema {
        RatingSchema::BeforeReasonCodes => Vec::new(),
        _ => reason_codes_from_json(&row.try_get_by_index::<String>(11)?)?,
    };
    let exclusion = match schema {
        RatingSchema::Current => exclusion_from_parts(
            row.try_get_by_index(12)?,
            row.try_get_by_index(13)?,
            row.try_get_by_index(14)?,
            row.try_get_by_index(15)?,
        )?,
        _ => None,
    };
    let erased = match schema {
        RatingSchema::Current => row.try_get_by_index(16)?,
        _ => false,
    };
    let invitation_id = match schema {
        RatingSchema::Current => row.try_get_by_index(17)?,
        _ => String::new(),
    };
    Ok(Rating {
        sequence: row.try_get_by_index(0)?,
        survey_id: row.try_get_by_index(1)?,
        touchpoint: row.try_get_by_index(2)?,
        rating_id: row.try_get_by_index(3)?,
        content: RatingContent {
            score: row.try_get_by_index(4)?,
            comment: row.try_get_by_index(5)?,
            customer_id: row.try_get_by_index(6)?,
            channel,
            attributes: serde_json::from_str(&attributes).map_err(Error::internal)?,
            reason_codes,
            invitation_id,
        },
        occur_time: row.try_get_by_index(9)?,
        create_time: row.try_get_by_index(10)?,
        exclusion,
        erased,
    })
}

/// Returns the exclusion the exclusion columns store: none while the reason is 0.
fn exclusion_from_parts(
    reason: i32,
    note: String,
    principal: String,
    exclude_time: Option<i64>,
) -> Result<Option<Exclusion>> {
    if reason == 0 {
        return Ok(None);
    }
    let reason = ExclusionReason::from_number(reason)
        .ok_or_else(|| Error::internal(format!("rating row with exclusion reason {reason}")))?;
    Ok(Some(Exclusion {
        reason,
        note,
        principal,
        exclude_time: exclude_time.unwrap_or_default(),
    }))
}

/// Returns the rating a row stores.
pub(super) fn rating_from_row(row: rating::Model) -> Result<Rating> {
    let channel = Channel::from_number(row.channel)
        .ok_or_else(|| Error::internal(format!("rating row with channel {}", row.channel)))?;
    Ok(Rating {
        sequence: row.sequence,
        survey_id: row.survey_id,
        touchpoint: row.touchpoint,
        rating_id: row.rating_id,
        content: RatingContent {
            score: row.score,
            comment: row.comment,
            customer_id: row.customer_id,
            channel,
            attributes: serde_json::from_str(&row.attributes).map_err(Error::internal)?,
            reason_codes: reason_codes_from_json(&row.reason_codes)?,
            invitation_id: row.invitation_id,
        },
        occur_time: row.occur_time,
        create_time: row.create_time,
        exclusion: exclusion_from_parts(
            row.exclusion_reason,
            row.exclusion_note,
            row.exclusion_principal,
            row.exclude_time,
        )?,
        erased: row.erased,
    })
}
