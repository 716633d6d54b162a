//! The plans SQLite makes of the reads that must reach a partial index: a read that misses one
//! still answers right, only by scanning every rating, which no functional test notices and a
//! database of ten million ratings does.

use sea_orm::sea_query::{Query, SqliteQueryBuilder};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use sea_orm_migration::MigratorTrait as _;

use super::entity::rating;
use super::invitation_rollups::{RESPONSES_JOIN, answers_to};
use super::migration::Migrator;
use super::rating_sql::{filter_condition, of_customer};
use super::report_scan::OCCUR_TIME_EXTENT;
use crate::domain::RatingFilter;

/// A database of the current schema, in memory.
async fn migrated() -> DatabaseConnection {
    // One connection: each connection to :memory: is a database of its own.
    let mut options = ConnectOptions::new("sqlite::memory:");
    options.max_connections(1).sqlx_logging(false);
    let connection = Database::connect(options).await.unwrap();
    Migrator::up(&connection, None).await.unwrap();
    connection
}

/// SQLite's plan of `sql`, its steps' details joined.
async fn plan(connection: &DatabaseConnection, sql: &str) -> String {
    let rows = connection
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {sql}"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "detail").unwrap())
        .collect::<Vec<_>>()
        .join("; ")
}

async fn assert_reaches(connection: &DatabaseConnection, sql: &str, index: &str) {
    let plan = plan(connection, sql).await;
    assert!(plan.contains(&format!("INDEX {index}")), "{sql}: {plan}");
    assert!(!plan.contains("SCAN r"), "{sql}: {plan}");
}

#[tokio::test]
async fn answers_to_invitations_are_read_through_the_ratings_index_by_invitation() {
    let connection = migrated().await;
    let (answers, _) = answers_to(["invitation-1", "invitation-2"]).build(SqliteQueryBuilder);
    let joined = format!(
        "SELECT r.sequence FROM invitations i {RESPONSES_JOIN} \
         WHERE i.survey_id = 's' AND i.send_time >= 0"
    );

    assert_reaches(&connection, &answers, "ratings_invitation").await;
    assert_reaches(&connection, &joined, "ratings_invitation").await;
}

#[tokio::test]
async fn a_customers_ratings_are_read_through_the_ratings_index_by_customer() {
    let connection = migrated().await;
    let listed = RatingFilter {
        customer_id: Some("customer-1".into()),
        ..RatingFilter::default()
    };
    let (list, _) = Query::select()
        .column(rating::Column::Sequence)
        .from(rating::Entity)
        .cond_where(filter_condition(DbBackend::Sqlite, &listed))
        .build(SqliteQueryBuilder);
    let (erased, _) = Query::select()
        .column(rating::Column::Sequence)
        .from(rating::Entity)
        .cond_where(of_customer("customer-1"))
        .build(SqliteQueryBuilder);

    assert_reaches(&connection, &list, "ratings_customer").await;
    assert_reaches(&connection, &erased, "ratings_customer").await;
}

#[tokio::test]
async fn the_extent_of_occur_times_is_read_at_the_ends_of_its_index() {
    let connection = migrated().await;
    let plan = plan(&connection, OCCUR_TIME_EXTENT).await;

    assert_eq!(
        plan.matches("SEARCH ratings USING COVERING INDEX ratings_occur_time")
            .count(),
        2,
        "{plan}"
    );
    assert!(!plan.contains("SCAN ratings"), "{plan}");
}
