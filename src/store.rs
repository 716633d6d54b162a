//! Storage: sea-orm entities and migrations, the single writer, and the queries. SQLite (the
//! embedded default, WAL, one writer connection) or PostgreSQL, chosen by the database URL.

pub mod entity;
pub mod migration;
mod ratings;
mod surveys;
pub mod writer;

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{DatabaseConnection, DbBackend, SqlxPostgresConnector, SqlxSqliteConnector};
use sea_orm_migration::MigratorTrait;

pub use ratings::RatingPage;
pub use surveys::{SurveyCache, SurveyListQuery};

use crate::error::{Error, Result};

/// How long a SQLite connection waits for another process's write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const SQLITE_READER_CONNECTIONS: u32 = 4;
const POSTGRES_READER_CONNECTIONS: u32 = 16;
/// The writer task and survey changes: they serialise on the counter row anyway.
const POSTGRES_WRITER_CONNECTIONS: u32 = 2;

/// Connections to the database: `writer` is the one the writer task and survey changes use (a
/// single connection on SQLite, where there is one writer anyway), `reader` serves queries.
#[derive(Clone, Debug)]
pub struct Store {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: DbBackend,
}

impl Store {
    /// Connects to `database_url` (`sqlite://path` or `postgres://…`), creating a SQLite file and
    /// its folder when missing. Does not migrate.
    pub async fn connect(database_url: &str) -> Result<Store> {
        if database_url.starts_with("sqlite:") {
            Self::connect_sqlite(database_url).await
        } else if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            Self::connect_postgres(database_url).await
        } else {
            Err(Error::invalid_field(
                "database_url",
                "must start with sqlite: or postgres://",
            ))
        }
    }

    async fn connect_sqlite(database_url: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(database_url)
            .map_err(Error::internal)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before the writer answers, so OK means durable.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        if let Some(folder) = options.get_filename().parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder).map_err(Error::internal)?;
        }
        let writer_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(Error::internal)?;
        let reader_pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_READER_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(Error::internal)?;
        Ok(Store {
            reader: SqlxSqliteConnector::from_sqlx_sqlite_pool(reader_pool),
            writer: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer_pool),
            backend: DbBackend::Sqlite,
        })
    }

    async fn connect_postgres(database_url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(database_url).map_err(Error::internal)?;
        // Separate pools, so that long reads (stream replays, scans) never keep the writer waiting
        // for a connection.
        let pool = |connections: u32| {
            PgPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
        };
        let reader_pool = pool(POSTGRES_READER_CONNECTIONS)
            .await
            .map_err(Error::internal)?;
        let writer_pool = pool(POSTGRES_WRITER_CONNECTIONS)
            .await
            .map_err(Error::internal)?;
        Ok(Store {
            reader: SqlxPostgresConnector::from_sqlx_postgres_pool(reader_pool),
            writer: SqlxPostgresConnector::from_sqlx_postgres_pool(writer_pool),
            backend: DbBackend::Postgres,
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        migration::Migrator::up(&self.writer, None).await?;
        Ok(())
    }

    /// Returns whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.reader.ping().await.is_ok()
    }

    /// Returns which database this is.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Closes every connection.
    pub async fn close(self) {
        // Errors closing a pool at exit change nothing for the caller.
        let _ = self.reader.close().await;
        let _ = self.writer.close().await;
    }
}
