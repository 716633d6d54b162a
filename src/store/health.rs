//! Whether the database takes reads and writes right now, as the health watcher and the writer
//! find it: health is SERVING only while both work, calls fail at once while the database is out
//! of reach, and a full disk is noticed by the writer and its end by a probe, since a service
//! reported NOT_SERVING gets no traffic that could tell it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::Connection as _;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use super::{Durability, Store};
use crate::domain::now_micros;
use crate::error::{Error, Result};

/// How long a probe may take before the database counts as out of reach.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// Probes in a row without an answer before calls are refused at once: one slow answer on a
/// loaded machine must not refuse every call while the pools work. A refused or broken
/// connection refuses calls at once.
const TIMEOUTS_BEFORE_REFUSING_CALLS: u32 = 2;
/// How long after the writer's last failure a write is probed: the writer's own next commit
/// tells sooner while callers keep writing.
const WRITE_PROBE_DELAY_MICROS: i64 = 2_000_000;

/// The database's state as last seen; shared by every clone of a [`Store`].
#[derive(Debug, Default)]
pub struct DatabaseHealth {
    out_of_reach: AtomicBool,
    /// When the writer last failed for want of disk or I/O; 0 while writes succeed.
    writes_failing_since: AtomicI64,
}

impl DatabaseHealth {
    /// Whether the last probe found the database out of reach: calls then fail at once instead
    /// of each waiting for a connection that will not come.
    pub fn out_of_reach(&self) -> bool {
        self.out_of_reach.load(Ordering::Acquire)
    }

    /// Whether the writer's last commit failed in a way that the next would too (a full disk).
    pub fn writes_failing(&self) -> bool {
        self.writes_failing_since.load(Ordering::Acquire) != 0
    }

    /// Records the outcome of one of the writer's commits.
    pub(crate) fn record_write(&self, outcome: std::result::Result<(), &Error>) {
        match outcome {
            Ok(()) => {
                if self.writes_failing() {
                    tracing::info!("the database takes writes again");
                    self.writes_failing_since.store(0, Ordering::Release);
                }
            }
            // A full disk, or a database that refuses writes (a PostgreSQL standby after a
            // failover, SQLite locked by another process): the write probe finds their end.
            Err(Error::ResourceExhausted { .. } | Error::Unavailable(_)) => {
                self.writes_failing_since
                    .store(now_micros().max(1), Ordering::Release);
            }
            Err(_) => {}
        }
    }

    /// Records that a write probe that started after the failure seen at `since` succeeded;
    /// a failure the writer met meanwhile stands.
    fn record_probe_write(&self, since: i64) {
        if self
            .writes_failing_since
            .compare_exchange(since, 0, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            tracing::info!("the database takes writes again");
        }
    }

    fn write_probe_due(&self) -> bool {
        let since = self.writes_failing_since.load(Ordering::Acquire);
        since != 0 && now_micros() - since >= WRITE_PROBE_DELAY_MICROS
    }
}

/// A connection of the health watcher's own, outside the pools: a pool busy with long scans, or
/// waiting to connect for its full timeout, would make a probe through it say nothing in time.
pub struct Probe {
    store: Store,
    connection: ProbeConnection,
    failures_in_a_row: u32,
}

enum ProbeConnection {
    /// Opened once, at start, so that a probe needs no new file descriptor; used on a blocking
    /// thread.
    Sqlite(Option<Arc<std::sync::Mutex<rusqlite::Connection>>>),
    /// Connected again after any failure.
    Postgres(Arc<PgConnectOptions>, Option<PgConnection>),
}

impl Probe {
    /// Opens the probe's connection (on PostgreSQL, at the first probe).
    pub fn open(store: &Store) -> Probe {
        let connection = match &store.durability {
            Durability::SyncWalFile { database, .. } => ProbeConnection::Sqlite(
                rusqlite::Connection::open_with_flags(
                    database,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .and_then(|connection| {
                    connection.busy_timeout(PROBE_TIMEOUT)?;
                    Ok(connection)
                })
                .inspect_err(|cause| tracing::warn!(error = %cause, "no probe connection"))
                .ok()
                .map(|connection| Arc::new(std::sync::Mutex::new(connection))),
            ),
            Durability::AtCommit => ProbeConnection::Postgres(
                store
                    .reader
                    .get_postgres_connection_pool()
                    .connect_options(),
                None,
            ),
        };
        Probe {
            store: store.clone(),
            connection,
            failures_in_a_row: 0,
        }
    }

    /// Probes the database, records what it found, and returns whether it can serve: it answers
    /// reads, and takes writes unless the writer found it could not.
    pub async fn check(&mut self) -> bool {
        let read = self.read().await;
        let answers = read == ProbeRead::Answered;
        self.failures_in_a_row = if answers {
            0
        } else {
            self.failures_in_a_row.saturating_add(1)
        };
        let health = &self.store.health;
        health.out_of_reach.store(
            read == ProbeRead::Failed || self.failures_in_a_row >= TIMEOUTS_BEFORE_REFUSING_CALLS,
            Ordering::Release,
        );
        if answers && health.write_probe_due() {
            let since = health.writes_failing_since.load(Ordering::Acquire);
            match tokio::time::timeout(PROBE_TIMEOUT * 5, self.store.probe_write()).await {
                Ok(Ok(())) => health.record_probe_write(since),
                Ok(Err(cause)) => health.record_write(Err(&cause)),
                Err(_elapsed) => {}
            }
        }
        answers && !health.writes_failing()
    }

    async fn read(&mut self) -> ProbeRead {
        match &mut self.connection {
            ProbeConnection::Sqlite(None) => ProbeRead::Answered,
            ProbeConnection::Sqlite(Some(connection)) => {
                let connection = connection.clone();
                let read = tokio::task::spawn_blocking(move || {
                    connection.lock().is_ok_and(|connection| {
                        connection
                            .query_row("SELECT next_sequence FROM rating_sequence", [], |_| Ok(()))
                            .is_ok()
                    })
                });
                match tokio::time::timeout(PROBE_TIMEOUT, read).await {
                    Ok(Ok(true)) => ProbeRead::Answered,
                    Ok(_) => ProbeRead::Failed,
                    Err(_elapsed) => ProbeRead::TimedOut,
                }
            }
            ProbeConnection::Postgres(options, connection) => {
                if connection.is_none() {
                    match tokio::time::timeout(PROBE_TIMEOUT, PgConnection::connect_with(options))
                        .await
                    {
                        Ok(Ok(connected)) => *connection = Some(connected),
                        Ok(Err(_)) => return ProbeRead::Failed,
                        Err(_elapsed) => return ProbeRead::TimedOut,
                    }
                }
                let Some(open) = connection else {
                    return ProbeRead::Failed;
                };
                let read = match tokio::time::timeout(PROBE_TIMEOUT, open.ping()).await {
                    Ok(Ok(())) => return ProbeRead::Answered,
                    Ok(Err(_)) => ProbeRead::Failed,
                    Err(_elapsed) => ProbeRead::TimedOut,
                };
                *connection = None;
                read
            }
        }
    }
}

/// What a read probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProbeRead {
    Answered,
    /// Refused or broken: the database is out of reach for sure.
    Failed,
    /// No answer in time: out of reach, or a loaded machine.
    TimedOut,
}

impl Store {
    /// Returns what is known of the database's health.
    pub fn health(&self) -> &DatabaseHealth {
        &self.health
    }

    /// Writes to the database without changing anything a caller sees. On SQLite the WAL is
    /// first copied into the database file and truncated: a write into space the WAL had already
    /// taken would succeed on a disk that has none left.
    async fn probe_write(&self) -> Result<()> {
        let backend = self.backend;
        if backend == DbBackend::Sqlite {
            let checkpoint = self
                .writer
                .query_one_raw(Statement::from_string(
                    backend,
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                ))
                .await?;
            // Readers holding older snapshots keep the WAL: its slack would take the probe.
            if checkpoint.is_some_and(|row| row.try_get::<i32>("", "busy").unwrap_or(1) != 0) {
                return Err(Error::Unavailable(
                    "the WAL could not be truncated to probe for space".into(),
                ));
            }
        }
        let transaction = self.writer.begin().await?;
        transaction
            .execute_raw(Statement::from_string(
                backend,
                "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1",
            ))
            .await?;
        transaction.commit().await?;
        Ok(())
    }
}
