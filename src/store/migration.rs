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
            Box::new(AddCatalogVersion),
            Box::new(AddReports),
            Box::new(AddReasonCodes),
            Box::new(AddFollowUps),
            Box::new(AddCustomers),
            Box::new(AddExclusions),
            Box::new(AddErasure),
            Box::new(AddInvitations),
            Box::new(AddInvitationLinks),
            Box::new(OneInvitationIndexByCustomer),
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

/// A version of what writers read besides ratings (surveys, rollup settings), in the counter row
/// that every writer locks anyway: a change bumps it, and a writer whose copy was read at the
/// current version need not read it again.
struct AddCatalogVersion;

impl MigrationName for AddCatalogVersion {
    fn name(&self) -> &str {
        "m20261124_000001_add_catalog_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddCatalogVersion {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE rating_sequence ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 0",
            )
            .await?;
        Ok(())
    }
}

/// Reports: the rollups (and the zones they keep), benchmarks with the built-in `good-csat`, and
/// an index for report scans by time. Rollups of the ratings stored before are built here, in UTC.
struct AddReports;

impl MigrationName for AddReports {
    fn name(&self) -> &str {
        "m20261124_000002_add_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddReports {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        // SQLite: the rollups' key is the table itself, not a second copy in an index.
        let without_rowid = match backend {
            DbBackend::Sqlite => " WITHOUT ROWID",
            _ => "",
        };
        let statements = [
            "ALTER TABLE rating_sequence ADD COLUMN rollup_version BIGINT NOT NULL DEFAULT 0"
                .to_string(),
            format!(
                "CREATE TABLE rollups (
                    zone TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    survey_id TEXT NOT NULL,
                    dimension TEXT NOT NULL,
                    value TEXT NOT NULL,
                    channel INTEGER NOT NULL,
                    score INTEGER NOT NULL,
                    rating_count BIGINT NOT NULL,
                    PRIMARY KEY (zone, day, survey_id, dimension, value, channel, score)
                ){without_rowid}"
            ),
            "CREATE TABLE rollup_zones (zone TEXT PRIMARY KEY)".into(),
            "INSERT INTO rollup_zones (zone) VALUES ('UTC')".into(),
            "CREATE TABLE benchmarks (
                benchmark_id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                metric INTEGER NOT NULL,
                measure INTEGER NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                source TEXT NOT NULL,
                touchpoint TEXT,
                built_in INTEGER NOT NULL,
                create_time BIGINT NOT NULL
            )"
            .into(),
            "INSERT INTO benchmarks
                (benchmark_id, display_name, metric, measure, value, source, touchpoint, built_in, create_time)
                VALUES ('good-csat', 'Good CSAT', 1, 1, 80.0, 'common rule of thumb', NULL, 1, 0)"
                .into(),
            // Report scans over part of the time span (see store::report_scan).
            "CREATE INDEX ratings_occur_time ON ratings (occur_time)".into(),
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(&statement).await?;
        }
        let utc = crate::store::rollups::RollupZone::parse("UTC")
            .ok_or_else(|| DbErr::Custom("UTC is not a time zone".into()))?;
        // The ratings as this migration finds them: reason codes come two migrations later.
        crate::store::rollups::build_from(
            connection,
            backend,
            &[utc],
            0,
            i64::MAX,
            None,
            crate::store::ratings::RatingSchema::BeforeReasonCodes,
        )
        .await
        .map_err(|cause| DbErr::Custom(cause.to_string()))?;
        Ok(())
    }
}

/// Reason codes: the reasons a survey offers, the codes each rating holds (none for the ratings
/// stored before), and their rollup cells: those ratings all fall under the empty code, so each
/// zone's cells of it are the base cells summed over channels, written here in one statement
/// instead of a build that reads every rating.
struct AddReasonCodes;

impl MigrationName for AddReasonCodes {
    fn name(&self) -> &str {
        "m20261205_000003_add_reason_codes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddReasonCodes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use crate::store::rollups::{ANY_CHANNEL, REASON_DIMENSION};
        let statements = [
            // A constant default: PostgreSQL (11 and later) and SQLite add the column without
            // rewriting the table.
            "ALTER TABLE surveys ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]'".to_string(),
            "ALTER TABLE ratings ADD COLUMN reason_codes TEXT NOT NULL DEFAULT '[]'".to_string(),
            format!(
                "INSERT INTO rollups (zone, day, survey_id, dimension, value, channel, score, rating_count)
                 SELECT zone, day, survey_id, '{REASON_DIMENSION}', '', {ANY_CHANNEL}, score, SUM(rating_count)
                 FROM rollups WHERE dimension = ''
                 GROUP BY zone, day, survey_id, score"
            ),
            // Rollups in memory loaded before this migration are stale.
            "UPDATE rating_sequence SET rollup_version = rollup_version + 1".to_string(),
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// Follow-ups: the surveys' rules, and one row per rating that opened one, copying what the
/// lists and the reports filter and group by from the rating, so that neither joins the ratings.
struct AddFollowUps;

impl MigrationName for AddFollowUps {
    fn name(&self) -> &str {
        "m20261205_000004_add_follow_ups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddFollowUps {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = [
            "ALTER TABLE surveys ADD COLUMN follow_up_max_score INTEGER",
            "ALTER TABLE surveys ADD COLUMN follow_up_due_within BIGINT",
            // follow_up_id is the sequence of the rating that opened it: one per rating, by key.
            "CREATE TABLE follow_ups (
                follow_up_id BIGINT PRIMARY KEY,
                survey_id TEXT NOT NULL,
                touchpoint TEXT NOT NULL,
                rating_id TEXT NOT NULL,
                score INTEGER NOT NULL,
                comment TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                channel INTEGER NOT NULL,
                attributes TEXT NOT NULL,
                occur_time BIGINT NOT NULL,
                state INTEGER NOT NULL,
                assignee TEXT NOT NULL,
                resolution_code TEXT NOT NULL,
                notes TEXT NOT NULL,
                create_time BIGINT NOT NULL,
                due_time BIGINT NOT NULL,
                update_time BIGINT NOT NULL,
                close_time BIGINT,
                version BIGINT NOT NULL,
                reason_codes TEXT NOT NULL
            )",
            // ListFollowUps reads in (due_time, follow_up_id) order: all, or by one of these.
            "CREATE INDEX follow_ups_due ON follow_ups (due_time, follow_up_id)",
            "CREATE INDEX follow_ups_state_due ON follow_ups (state, due_time, follow_up_id)",
            "CREATE INDEX follow_ups_survey_due ON follow_ups (survey_id, due_time, follow_up_id)",
            "CREATE INDEX follow_ups_customer_due ON follow_ups (customer_id, due_time, follow_up_id)",
            "CREATE INDEX follow_ups_assignee_due ON follow_ups (assignee, due_time, follow_up_id)",
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}

/// Customers: the per-customer summaries (with the touchpoints each customer rated at), the
/// health policy, and an index of the ratings by customer. Summaries of the ratings stored before are
/// counted here, under the default policy.
struct AddCustomers;

impl MigrationName for AddCustomers {
    fn name(&self) -> &str {
        "m20261205_000005_add_customers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddCustomers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let connection = manager.get_connection();
        for statement in crate::store::customers::schema_statements() {
            connection.execute_unprepared(&statement).await?;
        }
        crate::store::customers::count_all_again(
            connection,
            backend,
            &crate::domain::customer::HealthPolicy::default(),
            crate::domain::now_micros(),
            crate::store::ratings::RatingSchema::BeforeExclusions,
        )
        .await
        .map_err(|cause| DbErr::Custom(cause.to_string()))?;
        Ok(())
    }
}

/// Exclusions: each rating's exclusion (none for the ratings stored before, so no rollup, summary
/// or figure moves), the counter's exclusion version that every process follows, the version of
/// each rating's last change (indexed where there was one: few ratings are ever excluded), and
/// the exclusion copied to the rating's follow-up, which reports filter as they filter ratings.
struct AddExclusions;

impl MigrationName for AddExclusions {
    fn name(&self) -> &str {
        "m20261206_000006_add_exclusions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddExclusions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Constant defaults: PostgreSQL (11 and later) and SQLite add the columns without
        // rewriting the table.
        let statements = [
            "ALTER TABLE ratings ADD COLUMN exclusion_reason INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE ratings ADD COLUMN exclusion_note TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE ratings ADD COLUMN exclusion_principal TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE ratings ADD COLUMN exclude_time BIGINT",
            "ALTER TABLE ratings ADD COLUMN exclusion_version BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX ratings_exclusion_version ON ratings (exclusion_version) \
             WHERE exclusion_version > 0",
            "ALTER TABLE rating_sequence ADD COLUMN exclusion_version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE follow_ups ADD COLUMN exclusion_reason INTEGER NOT NULL DEFAULT 0",
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}

/// Erasure: whether a rating's customer data was erased (none was before). Nothing else is
/// needed: an erasure empties columns that exist, and travels as exclusions do.
struct AddErasure;

impl MigrationName for AddErasure {
    fn name(&self) -> &str {
        "m20261206_000007_add_erasure"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddErasure {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE ratings ADD COLUMN erased BOOLEAN NOT NULL DEFAULT FALSE",
            )
            .await?;
        Ok(())
    }
}

/// Invitations: the surveys' fatigue rule, and one row per invitation, with the indexes the
/// fatigue check (a customer's latest invitations to be sent) and the lists read.
struct AddInvitations;

impl MigrationName for AddInvitations {
    fn name(&self) -> &str {
        "m20261206_000008_add_invitations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddInvitations {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = [
            "ALTER TABLE surveys ADD COLUMN min_days_between_invitations INTEGER NOT NULL DEFAULT 0",
            "CREATE TABLE invitations (
                invitation_id TEXT PRIMARY KEY,
                survey_id TEXT NOT NULL,
                touchpoint TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                channel INTEGER NOT NULL,
                send_time BIGINT NOT NULL,
                create_time BIGINT NOT NULL,
                suppression_reason INTEGER NOT NULL
            )",
            // The fatigue check reads the latest invitation to be sent of one customer; the
            // lists read one customer's or one survey's, latest first.
            "CREATE INDEX invitations_customer_sent ON invitations (customer_id, send_time) \
             WHERE suppression_reason = 0",
            "CREATE INDEX invitations_customer ON invitations (customer_id, send_time, invitation_id)",
            "CREATE INDEX invitations_survey ON invitations (survey_id, send_time, invitation_id)",
            "CREATE INDEX invitations_send ON invitations (send_time, invitation_id)",
        ];
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}

/// Invitation links: the invitation each rating answers (none for the ratings stored before),
/// unique where given, so that an invitation has one answer at most whatever a writer decided;
/// and the invitation rollups (per zone, local day of the send_time, survey and channel: the
/// invitations to be sent and the responses to them), built here for the invitations stored
/// before, which no rating answered yet.
struct AddInvitationLinks;

impl MigrationName for AddInvitationLinks {
    fn name(&self) -> &str {
        "m20261206_000009_add_invitation_links"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddInvitationLinks {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = [
            "ALTER TABLE ratings ADD COLUMN invitation_id TEXT NOT NULL DEFAULT ''",
            "CREATE UNIQUE INDEX ratings_invitation ON ratings (invitation_id) \
             WHERE invitation_id <> ''",
            "CREATE TABLE invitation_rollups (
                zone TEXT NOT NULL,
                day INTEGER NOT NULL,
                survey_id TEXT NOT NULL,
                channel INTEGER NOT NULL,
                touchpoint TEXT NOT NULL,
                invitation_count BIGINT NOT NULL,
                response_count BIGINT NOT NULL,
                PRIMARY KEY (zone, day, survey_id, channel)
            )",
        ];
        let backend = manager.get_database_backend();
        let connection = manager.get_connection();
        for statement in statements {
            connection.execute_unprepared(statement).await?;
        }
        let zones = crate::store::rollups::stored_zones(connection, backend)
            .await
            .map_err(|cause| DbErr::Custom(cause.to_string()))?;
        crate::store::invitation_rollups::build(connection, backend, &zones)
            .await
            .map_err(|cause| DbErr::Custom(cause.to_string()))?;
        Ok(())
    }
}

/// The fatigue check reads a customer's invitations through the index the lists read by
/// (customer_id, send_time, invitation_id), skipping the suppressed ones it finds there: the
/// partial index it had of its own cost every invitation one more B-tree written at a random
/// place, about a fifth of CreateInvitation's rate on SQLite (see BENCHMARKS.md).
struct OneInvitationIndexByCustomer;

impl MigrationName for OneInvitationIndexByCustomer {
    fn name(&self) -> &str {
        "m20261206_000010_one_invitation_index_by_customer"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for OneInvitationIndexByCustomer {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS invitations_customer_sent")
            .await?;
        Ok(())
    }
}
