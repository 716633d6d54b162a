//! Customer summaries: one row per customer_id, kept by the writer in the transaction of the
//! ratings (`ingest/customer_summaries.rs`), counted again from the ratings when the window's edge
//! passes the earliest rating a row counted (on read, under the counter lock), and the health
//! policy they are computed under.
//!
//! Why the window stays exact without reading a customer's ratings at ingest: the writer counts a
//! rating in the window aggregates only if its occur_time is at or after `now - window`. One that
//! is older is outside every later window too (the edge only moves forwards), so leaving it out is
//! right for good. One that is counted stays right until its occur_time + window passes; the row
//! keeps the earliest of those as `stale_after` (indexed), and a read first counts again, from the
//! ratings, every row whose `stale_after` has passed.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, TransactionTrait, Value};

use super::Store;
use super::entity::survey;
use super::ratings::RatingSchema;
use super::rollups::placeholders;
use crate::domain::customer::{
    CustomerSummary, HealthBand, HealthPolicy, HealthWeights, ScoredRating, Stamped,
    WindowAggregates,
};
use crate::domain::{Micros, Survey, now_micros};
use crate::error::{Error, Result};

/// Customers read, counted again or written per statement.
const CUSTOMERS_PER_STATEMENT: usize = 500;

/// The columns of a customer row, in the order [`summary_values`] gives them.
pub(crate) const SUMMARY_COLUMNS: [&str; 22] = [
    "customer_id",
    "rating_count",
    "first_rating_time",
    "last_rating_time",
    "window_rating_count",
    "earliest_counted_time",
    "stale_after",
    "csat_satisfied_count",
    "csat_rating_count",
    "nps_time",
    "nps_sequence",
    "nps_score",
    "ces_units_sum",
    "ces_score_sum",
    "ces_rating_count",
    "ces_scale_max",
    "recent_scores",
    "open_follow_up_count",
    "earliest_open_due_time",
    "health",
    "health_band",
    "touchpoints",
];

/// Where `health` stands in [`SUMMARY_COLUMNS`] (checked when compiling).
const HEALTH_AT: usize = 19;
const _: () = assert!(matches!(SUMMARY_COLUMNS[HEALTH_AT].as_bytes(), b"health"));

/// The migration's statements: the summaries, the policy row, and the index that counting a
/// customer again reads the ratings by.
pub(crate) fn schema_statements() -> Vec<String> {
    let defaults = HealthPolicy::default();
    vec![
        "CREATE TABLE customers (
            customer_id TEXT PRIMARY KEY,
            rating_count BIGINT NOT NULL,
            first_rating_time BIGINT NOT NULL,
            last_rating_time BIGINT NOT NULL,
            window_rating_count BIGINT NOT NULL,
            earliest_counted_time BIGINT,
            stale_after BIGINT,
            csat_satisfied_count BIGINT NOT NULL,
            csat_rating_count BIGINT NOT NULL,
            nps_time BIGINT,
            nps_sequence BIGINT,
            nps_score BIGINT,
            ces_units_sum BIGINT NOT NULL,
            ces_score_sum BIGINT NOT NULL,
            ces_rating_count BIGINT NOT NULL,
            ces_scale_max BIGINT NOT NULL,
            recent_scores TEXT NOT NULL,
            open_follow_up_count BIGINT NOT NULL DEFAULT 0,
            earliest_open_due_time BIGINT,
            health DOUBLE PRECISION,
            health_band BIGINT NOT NULL,
            touchpoints TEXT NOT NULL
        )"
        .to_string(),
        // ListCustomers by health (ascending and descending) and by last rating: range scans.
        "CREATE INDEX customers_health ON customers (health, customer_id)".into(),
        "CREATE INDEX customers_last_rating ON customers (last_rating_time, customer_id)".into(),
        // The rows a read must count again first.
        "CREATE INDEX customers_stale_after ON customers (stale_after)".into(),
        // Partial: ratings without a customer (most of a bulk import, often) cost it nothing.
        "CREATE INDEX ratings_customer ON ratings (customer_id, occur_time) WHERE customer_id <> ''"
            .into(),
        "CREATE TABLE health_policy (
            id INTEGER PRIMARY KEY,
            window_micros BIGINT NOT NULL,
            csat_weight DOUBLE PRECISION NOT NULL,
            nps_weight DOUBLE PRECISION NOT NULL,
            ces_weight DOUBLE PRECISION NOT NULL,
            recent_weight DOUBLE PRECISION NOT NULL,
            follow_up_weight DOUBLE PRECISION NOT NULL,
            healthy_threshold DOUBLE PRECISION NOT NULL,
            at_risk_threshold DOUBLE PRECISION NOT NULL
        )"
        .into(),
        format!(
            "INSERT INTO health_policy VALUES (1, {}, {:?}, {:?}, {:?}, {:?}, {:?}, {:?}, {:?})",
            defaults.window,
            defaults.weights.csat,
            defaults.weights.nps,
            defaults.weights.ces,
            defaults.weights.recent,
            defaults.weights.follow_up,
            defaults.healthy_threshold,
            defaults.at_risk_threshold,
        ),
    ]
}

/// Returns the health policy as stored.
pub(crate) async fn stored_policy<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
) -> Result<HealthPolicy> {
    let row = connection
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT window_micros, csat_weight, nps_weight, ces_weight, recent_weight, \
             follow_up_weight, healthy_threshold, at_risk_threshold FROM health_policy WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| Error::internal("the health_policy row is missing"))?;
    Ok(HealthPolicy {
        window: row.try_get("", "window_micros")?,
        weights: HealthWeights {
            csat: row.try_get("", "csat_weight")?,
            nps: row.try_get("", "nps_weight")?,
            ces: row.try_get("", "ces_weight")?,
            recent: row.try_get("", "recent_weight")?,
            follow_up: row.try_get("", "follow_up_weight")?,
        },
        healthy_threshold: row.try_get("", "healthy_threshold")?,
        at_risk_threshold: row.try_get("", "at_risk_threshold")?,
    })
}

/// Reads the columns of a customer row, from sqlx or rusqlite alike.
pub(crate) trait SummaryRow {
    /// An integer column, NULL as `None`.
    fn integer(&self, column: usize) -> Result<Option<i64>>;
    /// A text column.
    fn text(&self, column: usize) -> Result<String>;
}

impl SummaryRow for sea_orm::QueryResult {
    fn integer(&self, column: usize) -> Result<Option<i64>> {
        Ok(self.try_get_by_index(column)?)
    }

    fn text(&self, column: usize) -> Result<String> {
        Ok(self.try_get_by_index(column)?)
    }
}

impl SummaryRow for rusqlite::Row<'_> {
    fn integer(&self, column: usize) -> Result<Option<i64>> {
        self.get(column).map_err(Error::internal)
    }

    fn text(&self, column: usize) -> Result<String> {
        self.get(column).map_err(Error::internal)
    }
}

/// Returns the summary a row of [`SUMMARY_COLUMNS`] stores (`stale_after`, health and band are
/// not read: they follow from the rest and the policy, and are stored for the indexes).
pub(crate) fn summary_from_row(row: &impl SummaryRow) -> Result<CustomerSummary> {
    let required = |column: usize| -> Result<i64> {
        row.integer(column)?.ok_or_else(|| {
            Error::internal(format!(
                "customer column {} is NULL",
                SUMMARY_COLUMNS[column]
            ))
        })
    };
    let latest_nps = match (row.integer(9)?, row.integer(10)?, row.integer(11)?) {
        (Some(time), Some(sequence), Some(value)) => Some(Stamped {
            time,
            sequence,
            value,
        }),
        _ => None,
    };
    Ok(CustomerSummary {
        customer_id: row.text(0)?,
        rating_count: required(1)?,
        first_rating_time: required(2)?,
        last_rating_time: required(3)?,
        window: WindowAggregates {
            rating_count: required(4)?,
            earliest_time: row.integer(5)?,
            csat_satisfied_count: required(7)?,
            csat_rating_count: required(8)?,
            latest_nps,
            ces_units_sum: required(12)?,
            ces_score_sum: required(13)?,
            ces_rating_count: required(14)?,
            ces_scale_max: required(15)? as i32,
            recent: serde_json::from_str(&row.text(16)?).map_err(Error::internal)?,
        },
        open_follow_up_count: required(17)?,
        earliest_open_due_time: row.integer(18)?,
        touchpoints: row
            .text(21)?
            .split(',')
            .filter(|touchpoint| !touchpoint.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Returns the values of a customer row for `summary` under `policy`, in [`SUMMARY_COLUMNS`]
/// order.
pub(crate) fn summary_values(summary: &CustomerSummary, policy: &HealthPolicy) -> Vec<Value> {
    let window = &summary.window;
    let health = summary.health(policy);
    let nps = window.latest_nps;
    vec![
        summary.customer_id.clone().into(),
        summary.rating_count.into(),
        summary.first_rating_time.into(),
        summary.last_rating_time.into(),
        window.rating_count.into(),
        window.earliest_time.into(),
        summary.stale_after(policy).into(),
        window.csat_satisfied_count.into(),
        window.csat_rating_count.into(),
        nps.map(|answer| answer.time).into(),
        nps.map(|answer| answer.sequence).into(),
        nps.map(|answer| answer.value).into(),
        window.ces_units_sum.into(),
        window.ces_score_sum.into(),
        window.ces_rating_count.into(),
        i64::from(window.ces_scale_max).into(),
        serde_json::to_string(&window.recent)
            .unwrap_or_else(|_| "[]".into())
            .into(),
        summary.open_follow_up_count.into(),
        summary.earliest_open_due_time.into(),
        health.health.into(),
        i64::from(health.band.number()).into(),
        touchpoints_text(&summary.touchpoints).into(),
    ]
}

/// Returns the touchpoints as stored: `,checkout,support_chat,`, so that a filter finds
/// `,checkout,` in it (touchpoints hold no comma).
fn touchpoints_text(touchpoints: &BTreeSet<String>) -> String {
    let mut text = String::from(",");
    for touchpoint in touchpoints {
        text.push_str(touchpoint);
        text.push(',');
    }
    text
}

/// Returns a value of [`summary_values`] as rusqlite binds it.
pub(crate) fn rusqlite_value(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sqlite;
    match value {
        Value::BigInt(Some(number)) => Sqlite::Integer(*number),
        Value::Int(Some(number)) => Sqlite::Integer(i64::from(*number)),
        Value::BigUnsigned(Some(number)) => Sqlite::Integer(*number as i64),
        Value::Bool(Some(flag)) => Sqlite::Integer(i64::from(*flag)),
        Value::Double(Some(number)) => Sqlite::Real(*number),
        Value::String(Some(text)) => Sqlite::Text(text.clone()),
        _ => Sqlite::Null,
    }
}

/// Returns the SQL that writes `rows` customer rows, replacing those stored, with parameters
/// numbered for `backend`.
pub(crate) fn upsert_sql(backend: DbBackend, rows: usize) -> String {
    let columns = SUMMARY_COLUMNS.len();
    let mut sql = format!(
        "INSERT INTO customers ({}) VALUES ",
        SUMMARY_COLUMNS.join(", ")
    );
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                DbBackend::Postgres => sql.push_str(&format!("${}", row * columns + column + 1)),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    let updates: Vec<String> = SUMMARY_COLUMNS[1..]
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    sql.push_str(&format!(
        " ON CONFLICT (customer_id) DO UPDATE SET {}",
        updates.join(", ")
    ));
    sql
}

/// Writes `summaries` under `policy`, replacing the stored rows.
pub(crate) async fn write_summaries<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    summaries: &[&CustomerSummary],
    policy: &HealthPolicy,
) -> Result<()> {
    for chunk in summaries.chunks(CUSTOMERS_PER_STATEMENT) {
        let values = chunk
            .iter()
            .flat_map(|summary| summary_values(summary, policy))
            .collect::<Vec<Value>>();
        connection
            .execute_raw(Statement::from_sql_and_values(
                backend,
                upsert_sql(backend, chunk.len()),
                values,
            ))
            .await?;
    }
    Ok(())
}

/// Returns `count` numbered placeholders from `first`, for `backend`: `?3, ?4` or `$3, $4`.
fn numbered(backend: DbBackend, first: usize, count: usize) -> String {
    let sign = match backend {
        DbBackend::Postgres => '$',
        _ => '?',
    };
    (first..first + count)
        .map(|number| format!("{sign}{number}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns the stored summaries of `customer_ids` (those that have one).
pub(crate) async fn stored_summaries<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    customer_ids: &[&str],
) -> Result<HashMap<String, CustomerSummary>> {
    let mut found = HashMap::new();
    for chunk in customer_ids.chunks(CUSTOMERS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {} FROM customers WHERE customer_id IN ({})",
            SUMMARY_COLUMNS.join(", "),
            numbered(backend, 1, chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|id| id.to_string().into()).collect();
        let rows = connection
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        for row in rows {
            let summary = summary_from_row(&row)?;
            found.insert(summary.customer_id.clone(), summary);
        }
    }
    Ok(found)
}

/// Returns every survey, by id.
async fn all_surveys<C: ConnectionTrait>(connection: &C) -> Result<HashMap<String, Survey>> {
    survey::Entity::find()
        .all(connection)
        .await?
        .into_iter()
        .map(|row| {
            super::surveys::survey_from_row(row).map(|survey| (survey.survey_id.clone(), survey))
        })
        .collect()
}

/// Counts the summaries of `customer_ids` again from their ratings as of `now` (read as `schema`
/// has them: excluded ratings count for no one), keeping their follow-ups, and writes them. A
/// customer left without a rating that counts (every one excluded) has no summary.
pub(crate) async fn count_again<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    customer_ids: &[&str],
    policy: &HealthPolicy,
    now: Micros,
    schema: RatingSchema,
) -> Result<()> {
    let counted_only = if schema.has_exclusions() {
        " AND exclusion_reason = 0"
    } else {
        ""
    };
    let surveys = all_surveys(connection).await?;
    let window_start = now.saturating_sub(policy.window);
    for chunk in customer_ids.chunks(CUSTOMERS_PER_STATEMENT) {
        let stored = stored_summaries(connection, backend, chunk).await?;
        let sql = format!(
            "SELECT customer_id, survey_id, touchpoint, score, occur_time, sequence FROM ratings \
             WHERE customer_id <> '' AND customer_id IN ({}){counted_only}",
            numbered(backend, 1, chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|id| id.to_string().into()).collect();
        let rows = connection
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let mut counted: HashMap<String, CustomerSummary> = HashMap::new();
        for row in rows {
            let customer_id: String = row.try_get_by_index(0)?;
            let survey_id: String = row.try_get_by_index(1)?;
            let touchpoint: String = row.try_get_by_index(2)?;
            let score: i32 = row.try_get_by_index(3)?;
            let occur_time: i64 = row.try_get_by_index(4)?;
            let sequence: i64 = row.try_get_by_index(5)?;
            let survey = surveys.get(&survey_id).ok_or_else(|| {
                Error::internal(format!("rating of an unknown survey {survey_id:?}"))
            })?;
            let scored = ScoredRating::of_parts(score, occur_time, sequence, survey);
            let summary = counted.entry(customer_id.clone()).or_insert_with(|| {
                let mut summary = CustomerSummary::first(&customer_id, occur_time);
                if let Some(before) = stored.get(&customer_id) {
                    summary.open_follow_up_count = before.open_follow_up_count;
                    summary.earliest_open_due_time = before.earliest_open_due_time;
                }
                summary
            });
            summary.add(&scored, &touchpoint, occur_time >= window_start);
        }
        let summaries: Vec<&CustomerSummary> = counted.values().collect();
        write_summaries(connection, backend, &summaries, policy).await?;
        let uncounted: Vec<&str> = chunk
            .iter()
            .copied()
            .filter(|customer_id| stored.contains_key(*customer_id))
            .filter(|customer_id| !counted.contains_key(*customer_id))
            .collect();
        if !uncounted.is_empty() {
            let sql = format!(
                "DELETE FROM customers WHERE customer_id IN ({})",
                numbered(backend, 1, uncounted.len())
            );
            let values: Vec<Value> = uncounted.iter().map(|id| id.to_string().into()).collect();
            connection
                .execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
        }
    }
    Ok(())
}

/// Counts every customer's summary again from the ratings: the migration for ratings stored
/// before, and a change of window.
pub(crate) async fn count_all_again<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    policy: &HealthPolicy,
    now: Micros,
    schema: RatingSchema,
) -> Result<()> {
    let mut after = String::new();
    loop {
        let sql = placeholders(
            backend,
            &format!(
                "SELECT DISTINCT customer_id FROM ratings WHERE customer_id <> '' \
                 AND customer_id > ?1 ORDER BY customer_id LIMIT {CUSTOMERS_PER_STATEMENT}"
            ),
        );
        let rows = connection
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [after.clone().into()],
            ))
            .await?;
        let customer_ids = rows
            .iter()
            .map(|row| row.try_get_by_index::<String>(0))
            .collect::<std::result::Result<Vec<String>, _>>()?;
        let Some(last) = customer_ids.last() else {
            return Ok(());
        };
        after = last.clone();
        let ids: Vec<&str> = customer_ids.iter().map(String::as_str).collect();
        count_again(connection, backend, &ids, policy, now, schema).await?;
    }
}

/// Writes every stored summary again under `policy` (weights or thresholds changed).
async fn rewrite_all<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
    policy: &HealthPolicy,
) -> Result<()> {
    let mut after = String::new();
    loop {
        let sql = placeholders(
            backend,
            &format!(
                "SELECT {} FROM customers WHERE customer_id > ?1 ORDER BY customer_id LIMIT {}",
                SUMMARY_COLUMNS.join(", "),
                CUSTOMERS_PER_STATEMENT
            ),
        );
        let rows = connection
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [after.clone().into()],
            ))
            .await?;
        let summaries = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<CustomerSummary>>>()?;
        let Some(last) = summaries.last() else {
            return Ok(());
        };
        after = last.customer_id.clone();
        let refs: Vec<&CustomerSummary> = summaries.iter().collect();
        write_summaries(connection, backend, &refs, policy).await?;
    }
}

/// Locks the counter row for the rest of the transaction without taking sequences or telling
/// the feeds of a commit: writers wait, so that a summary counted again from the ratings cannot
/// miss a rating a writer is adding to it, nor be overwritten by a writer that read it before.
pub(crate) async fn lock_writers<C: ConnectionTrait>(
    connection: &C,
    backend: DbBackend,
) -> Result<()> {
    connection
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1",
        ))
        .await?;
    Ok(())
}

/// How ListCustomers orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerOrder {
    /// Lowest health first; customers without a health last, by customer_id.
    HealthAscending,
    /// Highest health first; customers without a health last, by customer_id.
    HealthDescending,
    /// Latest last rating first.
    LastRatingDescending,
}

/// Where a page of ListCustomers resumes.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomerPosition {
    /// After this customer with a health.
    Health(f64, String),
    /// After this customer without a health.
    NoHealth(String),
    /// After this customer, by last rating time.
    LastRating(Micros, String),
}

/// What ListCustomers selects.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Only this band.
    pub health_band: Option<HealthBand>,
    /// Only health at or above.
    pub min_health: Option<f64>,
    /// Only health at or below.
    pub max_health: Option<f64>,
    /// Only a last rating at or after.
    pub last_rating_after: Option<Micros>,
    /// Only customers who rated at one of these.
    pub touchpoints: Vec<String>,
}

/// A ListCustomers query.
#[derive(Debug, Clone)]
pub struct CustomerQuery {
    /// Which.
    pub filter: CustomerFilter,
    /// In what order.
    pub order: CustomerOrder,
    /// Where to resume.
    pub after: Option<CustomerPosition>,
    /// Most customers.
    pub limit: usize,
}

/// A page of customers.
#[derive(Debug, Clone)]
pub struct CustomerPage {
    /// The customers, each with its position.
    pub customers: Vec<(CustomerSummary, CustomerPosition)>,
    /// Whether more follow.
    pub more: bool,
}

impl Store {
    /// Returns the health policy in force.
    pub async fn health_policy(&self) -> Result<HealthPolicy> {
        stored_policy(&self.reader, self.backend).await
    }

    /// Applies `change` to the stored policy under the writers' lock, checks the result, and
    /// brings every summary in line: counted again from the ratings when the window changed,
    /// else rewritten with the new health. Returns the policy in force after.
    pub async fn update_health_policy(
        &self,
        change: impl FnOnce(HealthPolicy) -> Result<HealthPolicy>,
    ) -> Result<HealthPolicy> {
        let transaction = super::ingest::begin_read_committed(self).await?;
        // The writers read the policy again when the catalog version moves.
        super::counter::bump_versions(&transaction, self.backend, false).await?;
        let before = stored_policy(&transaction, self.backend).await?;
        let after = change(before)?;
        if after == before {
            transaction.rollback().await?;
            return Ok(after);
        }
        transaction
            .execute_raw(Statement::from_sql_and_values(
                self.backend,
                placeholders(
                    self.backend,
                    "UPDATE health_policy SET window_micros = ?1, csat_weight = ?2, \
                     nps_weight = ?3, ces_weight = ?4, recent_weight = ?5, follow_up_weight = ?6, \
                     healthy_threshold = ?7, at_risk_threshold = ?8 WHERE id = 1",
                ),
                [
                    after.window.into(),
                    after.weights.csat.into(),
                    after.weights.nps.into(),
                    after.weights.ces.into(),
                    after.weights.recent.into(),
                    after.weights.follow_up.into(),
                    after.healthy_threshold.into(),
                    after.at_risk_threshold.into(),
                ],
            ))
            .await?;
        if after.window != before.window {
            count_all_again(
                &transaction,
                self.backend,
                &after,
                now_micros(),
                RatingSchema::Current,
            )
            .await?;
        } else {
            rewrite_all(&transaction, self.backend, &after).await?;
        }
        transaction.commit().await?;
        self.make_durable().await?;
        Ok(after)
    }

    /// Counts again, from the ratings, the summaries whose window moved past a rating they
    /// count, all of them or only `customer_id`'s.
    async fn count_stale_again(&self, only: Option<&str>) -> Result<()> {
        let now = now_micros();
        let stale_sql = |limit: usize| {
            let only_condition = if only.is_some() {
                " AND customer_id = ?2"
            } else {
                ""
            };
            placeholders(
                self.backend,
                &format!(
                    "SELECT customer_id FROM customers WHERE stale_after < ?1{only_condition} \
                     LIMIT {limit}"
                ),
            )
        };
        let values = |now: Micros| -> Vec<Value> {
            let mut values: Vec<Value> = vec![now.into()];
            if let Some(customer_id) = only {
                values.push(customer_id.to_string().into());
            }
            values
        };
        let any_stale = self
            .reader
            .query_one_raw(Statement::from_sql_and_values(
                self.backend,
                stale_sql(1),
                values(now),
            ))
            .await?;
        if any_stale.is_none() {
            return Ok(());
        }
        let _one_count_at_a_time = self.customer_counts.lock().await;
        // On a reader connection: the writers' pool is kept small (two on PostgreSQL), and reads
        // waiting for the counter lock there would keep the writer task from a connection.
        let isolation =
            (self.backend == DbBackend::Postgres).then_some(sea_orm::IsolationLevel::ReadCommitted);
        let transaction = self.reader.begin_with_config(isolation, None).await?;
        lock_writers(&transaction, self.backend).await?;
        let policy = stored_policy(&transaction, self.backend).await?;
        loop {
            let rows = transaction
                .query_all_raw(Statement::from_sql_and_values(
                    self.backend,
                    stale_sql(CUSTOMERS_PER_STATEMENT),
                    values(now),
                ))
                .await?;
            if rows.is_empty() {
                break;
            }
            let customer_ids = rows
                .iter()
                .map(|row| row.try_get_by_index::<String>(0))
                .collect::<std::result::Result<Vec<String>, _>>()?;
            let ids: Vec<&str> = customer_ids.iter().map(String::as_str).collect();
            count_again(
                &transaction,
                self.backend,
                &ids,
                &policy,
                now,
                RatingSchema::Current,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Returns one customer's summary as of now, and the policy it is read under.
    pub async fn get_customer(&self, customer_id: &str) -> Result<(CustomerSummary, HealthPolicy)> {
        self.count_stale_again(Some(customer_id)).await?;
        // One snapshot: a policy change between the two reads would rewrite the summary's
        // health and band under a policy other than the one returned with it.
        let snapshot = self.read_snapshot().await?;
        let found = stored_summaries(&snapshot, self.backend, &[customer_id]).await?;
        let policy = stored_policy(&snapshot, self.backend).await?;
        snapshot.commit().await?;
        let summary = found.into_values().next().ok_or_else(|| Error::NotFound {
            reason: "CUSTOMER_NOT_FOUND",
            message: format!("no rating names customer {customer_id:?}"),
        })?;
        Ok((summary, policy))
    }

    /// Returns a page of customers as of now, and the policy they are read under.
    pub async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<(CustomerPage, HealthPolicy)> {
        self.count_stale_again(None).await?;
        // One snapshot for the policy and both range scans: a band is filtered by the policy's
        // thresholds, which a policy change moves together with every row's health; and a
        // customer whose first health arrives between the scans would be missed or listed twice.
        let snapshot = self.read_snapshot().await?;
        let policy = stored_policy(&snapshot, self.backend).await?;
        let wanted = query.limit + 1;
        let mut found: Vec<(CustomerSummary, CustomerPosition)> = Vec::new();
        let health_order = query.order != CustomerOrder::LastRatingDescending;
        let in_unknown_phase = matches!(query.after, Some(CustomerPosition::NoHealth(_)));
        if !in_unknown_phase {
            found = self
                .customers_page(&snapshot, query, &policy, &query.after, wanted)
                .await?;
        }
        // Customers without a health follow those with one, in the orders by health; a filter
        // on health leaves them out anyway.
        let without_health_wanted = query.filter.min_health.is_none()
            && query.filter.max_health.is_none()
            && query
                .filter
                .health_band
                .is_none_or(|band| band == HealthBand::Unknown);
        if health_order && found.len() < wanted && without_health_wanted {
            let after = match &query.after {
                Some(CustomerPosition::NoHealth(customer_id)) => customer_id.clone(),
                _ => String::new(),
            };
            let more = self
                .customers_page(
                    &snapshot,
                    query,
                    &policy,
                    &Some(CustomerPosition::NoHealth(after)),
                    wanted - found.len(),
                )
                .await?;
            found.extend(more);
        }
        snapshot.commit().await?;
        let more = found.len() > query.limit;
        found.truncate(query.limit);
        Ok((
            CustomerPage {
                customers: found,
                more,
            },
            policy,
        ))
    }

    /// One range scan of ListCustomers: after `after` in the query's order (the customers
    /// without a health when `after` is [`CustomerPosition::NoHealth`]).
    async fn customers_page(
        &self,
        snapshot: &sea_orm::DatabaseTransaction,
        query: &CustomerQuery,
        policy: &HealthPolicy,
        after: &Option<CustomerPosition>,
        limit: usize,
    ) -> Result<Vec<(CustomerSummary, CustomerPosition)>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let bind = |value: Value, values: &mut Vec<Value>| -> String {
            values.push(value);
            match self.backend {
                DbBackend::Postgres => format!("${}", values.len()),
                _ => format!("?{}", values.len()),
            }
        };
        let filter = &query.filter;
        if let Some(band) = filter.health_band {
            // A band is a range of health under the policy the rows were written with (a policy
            // change rewrites them all): said as a range too, the health index scans only it.
            let range = match band {
                HealthBand::Healthy => (Some(policy.healthy_threshold), None),
                HealthBand::AtRisk => (
                    Some(policy.at_risk_threshold),
                    Some(policy.healthy_threshold),
                ),
                HealthBand::Critical => (None, Some(policy.at_risk_threshold)),
                HealthBand::Unknown => (None, None),
            };
            if let Some(low) = range.0 {
                let low = bind(low.into(), &mut values);
                conditions.push(format!("health >= {low}"));
            }
            if let Some(high) = range.1 {
                let high = bind(high.into(), &mut values);
                conditions.push(format!("health < {high}"));
            }
            let band = bind(i64::from(band.number()).into(), &mut values);
            conditions.push(format!("health_band = {band}"));
        }
        if let Some(min) = filter.min_health {
            let min = bind(min.into(), &mut values);
            conditions.push(format!("health >= {min}"));
        }
        if let Some(max) = filter.max_health {
            let max = bind(max.into(), &mut values);
            conditions.push(format!("health <= {max}"));
        }
        if let Some(time) = filter.last_rating_after {
            let time = bind(time.into(), &mut values);
            conditions.push(format!("last_rating_time >= {time}"));
        }
        if !filter.touchpoints.is_empty() {
            let found_in = match self.backend {
                DbBackend::Postgres => "strpos(touchpoints, {}) > 0",
                _ => "instr(touchpoints, {}) > 0",
            };
            let any: Vec<String> = filter
                .touchpoints
                .iter()
                .map(|touchpoint| {
                    let needle = bind(format!(",{touchpoint},").into(), &mut values);
                    found_in.replace("{}", &needle)
                })
                .collect();
            conditions.push(format!("({})", any.join(" OR ")));
        }
        let order = match (query.order, after) {
            (_, Some(CustomerPosition::NoHealth(customer_id))) => {
                conditions.push("health IS NULL".into());
                if !customer_id.is_empty() {
                    let id = bind(customer_id.clone().into(), &mut values);
                    conditions.push(format!("customer_id > {id}"));
                }
                "customer_id"
            }
            (CustomerOrder::LastRatingDescending, position) => {
                if let Some(CustomerPosition::LastRating(time, customer_id)) = position {
                    let time = bind((*time).into(), &mut values);
                    let id = bind(customer_id.clone().into(), &mut values);
                    conditions.push(format!("(last_rating_time, customer_id) < ({time}, {id})"));
                }
                "last_rating_time DESC, customer_id DESC"
            }
            (health_order, position) => {
                conditions.push("health IS NOT NULL".into());
                let descending = health_order == CustomerOrder::HealthDescending;
                if let Some(CustomerPosition::Health(health, customer_id)) = position {
                    let health = bind((*health).into(), &mut values);
                    let id = bind(customer_id.clone().into(), &mut values);
                    let beyond = if descending { "<" } else { ">" };
                    conditions.push(format!("(health, customer_id) {beyond} ({health}, {id})"));
                }
                if descending {
                    "health DESC, customer_id DESC"
                } else {
                    "health, customer_id"
                }
            }
        };
        let condition = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {} FROM customers{condition} ORDER BY {order} LIMIT {limit}",
            SUMMARY_COLUMNS.join(", ")
        );
        let rows = snapshot
            .query_all_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?;
        let mut page = Vec::with_capacity(rows.len());
        for row in rows {
            let summary = summary_from_row(&row)?;
            let health: Option<f64> = row.try_get_by_index(HEALTH_AT)?;
            let position = match (query.order, health) {
                (CustomerOrder::LastRatingDescending, _) => CustomerPosition::LastRating(
                    summary.last_rating_time,
                    summary.customer_id.clone(),
                ),
                (_, Some(health)) => CustomerPosition::Health(health, summary.customer_id.clone()),
                (_, None) => CustomerPosition::NoHealth(summary.customer_id.clone()),
            };
            page.push((summary, position));
        }
        Ok(page)
    }
}

/// Sets a customer's open follow-ups and their earliest due time, and the health that follows,
/// inside the caller's transaction (one that holds the counter lock: the writer's, or a
/// follow-up change that took it). A customer without a summary is left alone: every follow-up
/// comes from a rating, whose summary the writer keeps.
pub async fn set_open_follow_ups<C: ConnectionTrait>(
    transaction: &C,
    backend: DbBackend,
    customer_id: &str,
    open_count: i64,
    earliest_due: Option<Micros>,
) -> Result<()> {
    let policy = stored_policy(transaction, backend).await?;
    let Some(mut summary) = stored_summaries(transaction, backend, &[customer_id])
        .await?
        .remove(customer_id)
    else {
        return Ok(());
    };
    summary.open_follow_up_count = open_count;
    summary.earliest_open_due_time = earliest_due;
    write_summaries(transaction, backend, &[&summary], &policy).await
}
