//! Schema migrations, run at start and by `csat migrate`. Written as SQL per backend because the
//! two differ where it matters: SQLite's `INTEGER PRIMARY KEY` makes `sequence` the rowid itself.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use sea_orm_migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager, async_trait};

/// Every migration, in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateSurveysAndRatings),
            Box::new(AddSurveyVersion),
        ]
    }
}

struct CreateSurveysAndRatings;

impl MigrationName for CreateSurveysAndRatings {
    fn name(&self) -> &str {
        "m20261123_000001_create_surveys_and_ratings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSurveysAndRatings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sequence_column = match manager.get_database_backend() {
            DbBackend::Sqlite => "sequence INTEGER PRIMARY KEY",
            _ => "sequence BIGINT PRIMARY KEY",
        };
        let statements = [
            "CREATE TABLE surveys (
                survey_id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                question TEXT NOT NULL,
                touchpoint TEXT NOT NULL,
                metric INTEGER NOT NULL,
                scale_min INTEGER NOT NULL,
                scale_max INTEGER NOT NULL,
                satisfied_threshold INTEGER,
                target DOUBLE PRECISION,
                dimensions TEXT NOT NULL,
                state INTEGER NOT NULL,
                create_time BIGINT NOT NULL,
                update_time BIGINT NOT NULL
            )"
            .to_string(),
            format!(
                "CREATE TABLE ratings (
                    {sequence_column},
                    survey_id TEXT NOT NULL,
                    touchpoint TEXT NOT NULL,
                    rating_id TEXT NOT NULL,
                    score INTEGER NOT NULL,
                    comment TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    channel INTEGER NOT NULL,
                    attributes TEXT NOT NULL,
                    occur_time BIGINT NOT NULL,
                    create_time BIGINT NOT NULL
                )"
            ),
            // Idempotency: one rating per (survey, key), decided inside the writer's transaction.
            "CREATE UNIQUE INDEX ratings_survey_rating ON ratings (survey_id, rating_id)".into(),
            // Lists and streams of one survey, in sequence order.
            "CREATE INDEX ratings_survey_sequence ON ratings (survey_id, sequence)".into(),
            // One row whose lock orders every writer, in every replica: sequence order is commit
            // order (DESIGN.md, ingestion).
            "CREATE TABLE rating_sequence (id INTEGER PRIMARY KEY, next_sequence BIGINT NOT NULL)"
                .into(),
            "INSERT INTO rating_sequence (id, next_sequence) VALUES (1, 1)".into(),
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// A version of the surveys, in the counter row that every writer locks anyway: a survey change
/// bumps it, and a writer whose surveys were read at the current version need not read them again.
struct AddSurveyVersion;

impl MigrationName for AddSurveyVersion {
    fn name(&self) -> &str {
        "m20261124_000001_add_survey_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddSurveyVersion {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE rating_sequence ADD COLUMN survey_version BIGINT NOT NULL DEFAULT 0",
            )
            .await?;
        Ok(())
    }
}
