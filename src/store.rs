//! Storage: sea-orm entities and migrations, the single writer, and the queries. SQLite (the
//! embedded default, WAL, one writer connection) or PostgreSQL, chosen by the database URL.

mod benchmarks;
mod counter;
pub mod customers;
pub mod erasure;
pub mod exclusions;
pub use counter::CounterVersions;
pub mod entity;
mod follow_ups;
pub use follow_ups::{FollowUpListQuery, LoopRow};
pub use invitations::InvitationListQuery;
mod health;
pub mod ingest;
pub mod invitation_rollups;
mod invitations;
pub mod migration;
#[cfg(test)]
mod query_plans;
pub(crate) mod rating_sql;
mod ratings;
pub mod report_scan;
pub mod rollups;
mod surveys;

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, SqlxPostgresConnector, SqlxSqliteConnector,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use health::{DatabaseHealth, Probe};
pub use ratings::RatingPage;
pub use surveys::{SurveyCache, SurveyListQuery};

use crate::error::{Error, Result};

/// How long a SQLite connection waits for another process's write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const SQLITE_READER_CONNECTIONS: u32 = 4;
const WRITER_STATEMENT_CACHE: usize = 32;
/// The writer connection's page cache, as SQLite's `cache_size` (negative: KiB). Customer
/// summaries and the indexes by customer are updated at random places: with SQLite's default of
/// 2 MiB, most of those pages are read again from the file at every commit.
const WRITER_CACHE_KIB: i64 = -65_536;
/// WAL pages after which the writer's commit checkpoints (SQLite's default: 1,000). A commit
/// that updates summaries of thousands of customers writes thousands of pages: at the default,
/// every such commit copied them all into the database file and synced it; a larger WAL holds
/// many commits' versions of the same pages, which one checkpoint copies once.
const WRITER_AUTOCHECKPOINT_PAGES: i64 = 16_384;
const READER_ROW_BUFFER: usize = 1_024;
const POSTGRES_READER_CONNECTIONS: u32 = 16;
/// The writer task and survey changes: they serialise on the counter row anyway.
const POSTGRES_WRITER_CONNECTIONS: u32 = 2;
/// How long a connection to PostgreSQL is tried for at start, and a pool waits for one after.
const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POSTGRES_CONNECT_RETRY: Duration = Duration::from_millis(250);

/// Connections to the database: `writer` is the one the writer task and survey changes use (a
/// single connection on SQLite, where there is one writer anyway), `reader` serves queries.
#[derive(Clone, Debug)]
pub struct Store {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: DbBackend,
    durability: Durability,
    /// The highest sequence known to be durable; -1 until read from the database. Only SQLite's
    /// commits can be visible before they are durable (see [`Durability::SyncWalFile`]).
    durable_through: Arc<AtomicI64>,
    /// The highest sequence this process's writer committed, durable or not yet.
    committed_through: Arc<AtomicI64>,
    /// This process's part of the rollup build lock (see `rollups::RollupBuildLock`); on SQLite
    /// the whole of it, so two processes sharing one file are not kept from building rollups at
    /// the same moment.
    rollup_builds: Arc<tokio::sync::Mutex<()>>,
    /// Held while this process counts stale customer summaries again (`customers.rs`), so that
    /// reads arriving together wait for one count instead of each holding a connection.
    customer_counts: Arc<tokio::sync::Mutex<()>>,
    /// Whether reads and writes work right now, as last seen.
    health: Arc<DatabaseHealth>,
}

/// The PostgreSQL channel writers notify when they commit ratings.
pub const COMMIT_CHANNEL: &str = "csat_commits";

/// The PostgreSQL advisory lock that replicas migrating one database take in turn ("csat" in
/// ASCII): any fixed number would do, as long as every replica uses the same one.
const MIGRATION_LOCK: i64 = 0x6373_6174;

/// Begins a PostgreSQL transaction on `connection` that holds advisory lock `lock` until it
/// ends, waiting for whichever replica holds it now.
async fn advisory_locked(
    connection: &DatabaseConnection,
    lock: i64,
) -> Result<sea_orm::DatabaseTransaction> {
    let transaction = connection.begin().await?;
    transaction
        .execute_unprepared(&format!("SELECT pg_advisory_xact_lock({lock})"))
        .await?;
    Ok(transaction)
}

/// Waits until PostgreSQL takes a connection, for as long as a pool would, but fails with what
/// went wrong: a pool that cannot connect says only that it timed out, which leaves an operator
/// to guess between a server down, a wrong port and a firewall. What the server itself refuses
/// for good (a wrong password, a database that does not exist) fails at once; a server still
/// starting or out of connections is waited for, as a pool would.
async fn first_postgres_connection(options: &PgConnectOptions) -> Result<()> {
    use sea_orm::sqlx::Connection as _;
    // PostgreSQL's codes for "the database system is starting up" and "too many connections".
    const PASSING_REFUSALS: [&str; 2] = ["57P03", "53300"];
    let deadline = tokio::time::Instant::now() + POSTGRES_CONNECT_TIMEOUT;
    let mut last_cause = String::from("no answer");
    loop {
        // Bounded too: a port that accepts and never answers would otherwise hold the start.
        match tokio::time::timeout_at(deadline, sea_orm::sqlx::PgConnection::connect_with(options))
            .await
        {
            Ok(Ok(connection)) => {
                // Only a probe: a failure to say goodbye changes nothing.
                let _ = connection.close().await;
                return Ok(());
            }
            Ok(Err(sea_orm::sqlx::Error::Database(refusal)))
                if !refusal
                    .code()
                    .is_some_and(|code| PASSING_REFUSALS.contains(&code.as_ref())) =>
            {
                return Err(Error::internal(sea_orm::sqlx::Error::Database(refusal)));
            }
            Ok(Err(cause)) => last_cause = cause.to_string(),
            Err(_elapsed) => {}
        }
        if tokio::time::Instant::now() + POSTGRES_CONNECT_RETRY >= deadline {
            return Err(Error::Unavailable(format!(
                "PostgreSQL at {}:{} did not take a connection in {} s: {last_cause}",
                options.get_host(),
                options.get_port(),
                POSTGRES_CONNECT_TIMEOUT.as_secs()
            )));
        }
        tokio::time::sleep(POSTGRES_CONNECT_RETRY).await;
    }
}

/// Flushes `file` to disk, or ends the process. After a failed fsync the kernel may have dropped
/// the pages it could not write while SQLite still sees them: a later commit would then be synced
/// and answered behind a hole in the WAL that recovery stops at, and be lost. A restart reads the
/// WAL as the disk has it; the callers of the commit in hand were not answered, and retry.
fn sync_or_abort(file: &std::fs::File, path: &std::path::Path) {
    if let Err(cause) = file.sync_data() {
        tracing::error!(error = %cause, file = %path.display(), "fsync failed: stopping, since no commit can be promised durable any more");
        std::process::abort();
    }
}

/// Returns whether a SQLite connection is in no transaction, as sqlx counts them and as SQLite
/// itself has it (BEGIN fails inside one); the two differ after a COMMIT or ROLLBACK failed.
async fn outside_any_transaction(
    connection: &mut sea_orm::sqlx::SqliteConnection,
) -> std::result::Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::{Connection as _, Executor as _};
    if connection.is_in_transaction()
        || connection
            .execute(sea_orm::sqlx::raw_sql("BEGIN"))
            .await
            .is_err()
    {
        tracing::warn!("the writer connection was left in a transaction: opening another");
        return Ok(false);
    }
    connection
        .execute(sea_orm::sqlx::raw_sql("ROLLBACK"))
        .await?;
    Ok(true)
}

/// A [`Store::read_snapshot`] begun at its first use: a read that turns out to need nothing
/// from the database (a report the rollups in memory answer whole) costs no transaction.
pub(crate) struct LazySnapshot<'a> {
    store: &'a Store,
    transaction: tokio::sync::OnceCell<sea_orm::DatabaseTransaction>,
}

impl LazySnapshot<'_> {
    /// Returns the snapshot's transaction, begun now if this is its first use.
    pub(crate) async fn get(&self) -> Result<&sea_orm::DatabaseTransaction> {
        self.transaction
            .get_or_try_init(|| self.store.read_snapshot())
            .await
    }

    /// Ends the snapshot, if it was begun.
    pub(crate) async fn end(self) -> Result<()> {
        if let Some(transaction) = self.transaction.into_inner() {
            transaction.commit().await?;
        }
        Ok(())
    }
}

/// Notifications of other replicas' commits.
#[derive(Debug)]
pub struct CommitListener {
    listener: PgListener,
}

impl CommitListener {
    /// Waits until a writer (of any replica) committed, or the listening connection was lost and
    /// re-established, when commits may have been missed: either way, storage has news.
    pub async fn next(&mut self) -> Result<()> {
        self.listener
            .try_recv()
            .await
            .map(|_| ())
            .map_err(Error::internal)
    }
}

/// An open WAL file, with the device and inode it was opened at.
type OpenWal = ((u64, u64), Arc<std::fs::File>);

/// How a commit reaches the disk before anyone is told of it.
#[derive(Clone, Debug)]
enum Durability {
    /// PostgreSQL: COMMIT returns once its WAL record is flushed.
    AtCommit,
    /// SQLite: the writer connection commits with `synchronous=NORMAL` (no fsync) and the WAL file
    /// is fsynced afterwards, before any caller hears of the commit. The next transaction then runs
    /// while the previous one's fsync is in flight, and one fsync covers every commit before it.
    /// Checkpoints still sync as in `synchronous=FULL`.
    SyncWalFile {
        /// The `-wal` file beside the database.
        wal: PathBuf,
        /// The database file, synced when no WAL file exists (everything was checkpointed).
        database: PathBuf,
        /// The WAL file as last opened, with its device and inode. Kept open, so that a commit
        /// needs no new file descriptor (out of descriptors, a commit would otherwise fail after
        /// the fact); opened again only if the file was replaced. While this process holds its
        /// connections SQLite truncates the WAL, never deletes it, so that is for safety only.
        open_wal: Arc<std::sync::Mutex<Option<OpenWal>>>,
    },
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
            // An erasure's or a retention sweep's freed bytes are zeroed, not left in free pages
            // of the file. Ingestion appends and frees little: only what a page split moves.
            .pragma("secure_delete", "ON")
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let database = options.get_filename().to_path_buf();
        // What SQLite says alone ("unable to open database file", "Not a directory") names no
        // file: an operator needs the path, and to know that it is the database's.
        let cannot_open = |cause: &dyn std::fmt::Display| {
            Error::Unavailable(format!(
                "cannot open the SQLite database {} for reading and writing (it, its folder and \
                 its -wal and -shm files must be writable by this process): {cause}",
                database.display()
            ))
        };
        if let Some(folder) = database.parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder).map_err(|cause| cannot_open(&cause))?;
        }
        let mut wal = database.clone().into_os_string();
        wal.push("-wal");
        // NORMAL: COMMIT does not fsync; Store::sync_committed does, before any answer.
        let writer_options = options
            .clone()
            .synchronous(SqliteSynchronous::Normal)
            // Writers prepare multi-row statements of many shapes; a few dozen cover the hot ones.
            .statement_cache_capacity(WRITER_STATEMENT_CACHE);
        let writer_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // A connection a failed COMMIT or ROLLBACK left inside a transaction would take every
            // later transaction in as a savepoint, "committed" and answered, then lost: it is
            // closed instead, which rolls it back, and a new one is opened.
            .before_acquire(|connection, _| Box::pin(outside_any_transaction(connection)))
            .connect_with(writer_options)
            .await
            .map_err(|cause| cannot_open(&cause))?;
        let reader_pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_READER_CONNECTIONS)
            // A page of a stream's replay crosses from SQLite's thread in one go rather than in
            // handfuls of rows, each a wake-up of both threads.
            .connect_with(options.row_buffer_size(READER_ROW_BUFFER))
            .await
            .map_err(|cause| cannot_open(&cause))?;
        Ok(Store {
            reader: SqlxSqliteConnector::from_sqlx_sqlite_pool(reader_pool),
            writer: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer_pool),
            backend: DbBackend::Sqlite,
            durability: Durability::SyncWalFile {
                wal: wal.into(),
                database,
                open_wal: Arc::default(),
            },
            durable_through: Arc::new(AtomicI64::new(-1)),
            committed_through: Arc::new(AtomicI64::new(-1)),
            rollup_builds: Arc::default(),
            customer_counts: Arc::default(),
            health: Arc::default(),
        })
    }

    async fn connect_postgres(database_url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(database_url).map_err(Error::internal)?;
        first_postgres_connection(&options).await?;
        // Separate pools, so that long reads (stream replays, scans) never keep the writer waiting
        // for a connection.
        let pool = |connections: u32| {
            PgPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(POSTGRES_CONNECT_TIMEOUT)
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
            durability: Durability::AtCommit,
            durable_through: Arc::new(AtomicI64::new(-1)),
            committed_through: Arc::new(AtomicI64::new(-1)),
            rollup_builds: Arc::default(),
            customer_counts: Arc::default(),
            health: Arc::default(),
        })
    }

    /// Applies every pending migration, all in one transaction: a process killed (or a migration
    /// failing) halfway leaves the schema as it was, for the next start to migrate again, where
    /// a migration half applied would refuse every start after it (SQLite's ALTER TABLE and
    /// CREATE are transactional; sea-orm-migration wraps a migration in one on PostgreSQL
    /// only). On PostgreSQL, replicas starting together (a first rollout) take turns: each
    /// holds an advisory lock, so the first applies every migration and the others find none
    /// pending. Without the lock they would race to create the same tables, and all but one
    /// would fail.
    pub async fn migrate(&self) -> Result<()> {
        if self.backend == DbBackend::Postgres {
            let transaction = advisory_locked(&self.writer, MIGRATION_LOCK).await?;
            migration::Migrator::up(&transaction, None).await?;
            transaction.commit().await?;
        } else {
            self.refuse_read_only_sqlite()?;
            let transaction = self.writer.begin().await?;
            migration::Migrator::up(&transaction, None).await?;
            transaction.commit().await?;
        }
        self.make_durable().await?;
        // Before this process writes, everything committed is durable: synced just now.
        self.mark_durable(self.counter_sequence().await?);
        Ok(())
    }

    /// Makes every transaction committed so far durable. Blocks on disk I/O: call it from a thread
    /// that may block, or through [`Store::make_durable`].
    pub fn sync_committed(&self) -> Result<()> {
        match &self.durability {
            Durability::AtCommit => Ok(()),
            Durability::SyncWalFile {
                wal,
                database,
                open_wal,
            } => {
                let wal_identity = match std::fs::metadata(wal) {
                    Ok(metadata) => (metadata.dev(), metadata.ino()),
                    // No WAL: every commit was checkpointed into the database file.
                    Err(cause) if cause.kind() == std::io::ErrorKind::NotFound => {
                        let file = std::fs::File::open(database).map_err(Error::internal)?;
                        sync_or_abort(&file, database);
                        return Ok(());
                    }
                    Err(cause) => return Err(Error::internal(cause)),
                };
                let file = {
                    let mut cached = open_wal
                        .lock()
                        .map_err(|_| Error::internal("the WAL handle's lock is poisoned"))?;
                    match &*cached {
                        Some((identity, file)) if *identity == wal_identity => file.clone(),
                        _ => {
                            let file = Arc::new(std::fs::File::open(wal).map_err(Error::internal)?);
                            *cached = Some((wal_identity, file.clone()));
                            file
                        }
                    }
                };
                // fsync flushes the file's pages whichever descriptor wrote them.
                sync_or_abort(&file, wal);
                Ok(())
            }
        }
    }

    /// Makes every transaction committed so far durable, without blocking the runtime.
    pub async fn make_durable(&self) -> Result<()> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.sync_committed())
            .await
            .map_err(Error::internal)?
    }

    /// Records that every rating up to `sequence` is durable.
    pub(crate) fn mark_durable(&self, sequence: i64) {
        self.durable_through.fetch_max(sequence, Ordering::AcqRel);
    }

    /// Returns a [`LazySnapshot`] of this store.
    pub(crate) fn lazy_snapshot(&self) -> LazySnapshot<'_> {
        LazySnapshot {
            store: self,
            transaction: tokio::sync::OnceCell::new(),
        }
    }

    /// Opens a read-only transaction on a reader connection whose statements all see one
    /// snapshot: REPEATABLE READ on PostgreSQL, where READ COMMITTED takes a snapshot per
    /// statement; a SQLite read transaction is a snapshot from its first read.
    pub(crate) async fn read_snapshot(&self) -> Result<sea_orm::DatabaseTransaction> {
        Ok(match self.backend {
            DbBackend::Postgres => {
                self.reader
                    .begin_with_config(
                        Some(sea_orm::IsolationLevel::RepeatableRead),
                        Some(sea_orm::AccessMode::ReadOnly),
                    )
                    .await?
            }
            _ => self.reader.begin().await?,
        })
    }

    /// Records that this process's writer committed every rating up to `sequence`.
    pub(crate) fn mark_committed(&self, sequence: i64) {
        self.committed_through.fetch_max(sequence, Ordering::AcqRel);
    }

    /// Opens a connection of the writer task's own on SQLite, outside the pools and outside
    /// sqlx: its statements run on the writer's thread instead of a round trip away on a
    /// connection thread, each hop of which waits for a core on a busy machine. `None` on
    /// PostgreSQL.
    pub(crate) fn open_sqlite_writer(&self) -> Result<Option<rusqlite::Connection>> {
        let Durability::SyncWalFile { database, .. } = &self.durability else {
            return Ok(None);
        };
        let connection = rusqlite::Connection::open(database).map_err(Error::internal)?;
        connection
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .map_err(Error::internal)?;
        // NORMAL: COMMIT does not fsync; Store::sync_committed does, before any answer. The
        // journal mode is WAL already: the pools set it, and it is kept in the file.
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(Error::internal)?;
        connection
            .pragma_update(None, "cache_size", WRITER_CACHE_KIB)
            .map_err(Error::internal)?;
        connection
            .pragma_update(None, "wal_autocheckpoint", WRITER_AUTOCHECKPOINT_PAGES)
            .map_err(Error::internal)?;
        connection
            .pragma_update(None, "secure_delete", "ON")
            .map_err(Error::internal)?;
        connection.set_prepared_statement_cache_capacity(WRITER_STATEMENT_CACHE);
        Ok(Some(connection))
    }

    /// Fails when SQLite could open the database file for reading only (the file or its folder
    /// belongs to another user, a volume mounted read-only): SQLite falls back to reading
    /// without a word, and with the migrations applied already the service would report SERVING
    /// and fail every write.
    fn refuse_read_only_sqlite(&self) -> Result<()> {
        let Some(connection) = self.open_sqlite_writer()? else {
            return Ok(());
        };
        if connection
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(Error::internal)?
        {
            let path = connection.path().unwrap_or_default().to_string();
            return Err(Error::FailedPrecondition {
                reason: "DATABASE_READ_ONLY",
                message: format!(
                    "the SQLite database {path} is read-only for this process: it needs to write \
                     the file and create its -wal and -shm files beside it"
                ),
            });
        }
        Ok(())
    }

    /// Returns a listener for the notifications every writer sends when it commits, on
    /// PostgreSQL; `None` on SQLite (other processes on the file announce nothing) or when
    /// listening fails (the feed then reads storage on its timer only).
    pub async fn listen_for_commits(&self) -> Option<CommitListener> {
        if self.backend != DbBackend::Postgres {
            return None;
        }
        let connected = async {
            let mut listener =
                PgListener::connect_with(self.reader.get_postgres_connection_pool()).await?;
            listener.listen(COMMIT_CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        match connected.await {
            Ok(listener) => Some(CommitListener { listener }),
            Err(cause) => {
                tracing::warn!(error = %cause, "cannot listen for commits: reading storage on a timer only");
                None
            }
        }
    }

    /// Returns how many connections are taken from the pools now (the SQLite writer's own
    /// connection, outside them, is not counted).
    pub fn connections_in_use(&self) -> u32 {
        let in_use = |size: u32, idle: usize| size.saturating_sub(idle as u32);
        match self.backend {
            DbBackend::Postgres => [&self.reader, &self.writer]
                .iter()
                .map(|connection| {
                    let pool = connection.get_postgres_connection_pool();
                    in_use(pool.size(), pool.num_idle())
                })
                .sum(),
            _ => [&self.reader, &self.writer]
                .iter()
                .map(|connection| {
                    let pool = connection.get_sqlite_connection_pool();
                    in_use(pool.size(), pool.num_idle())
                })
                .sum(),
        }
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
