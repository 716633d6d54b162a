//! The one error type below the api layer, and what each case means to a caller. The api layer maps
//! it to a gRPC status in one exhaustive match.

use crate::domain::{FieldReason, FieldViolation};

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed; every bad field is listed.
    #[error("invalid argument: {}", describe_violations(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// The thing named does not exist.
    #[error("{message}")]
    NotFound {
        /// Machine-readable reason, e.g. `SURVEY_NOT_FOUND`.
        reason: &'static str,
        /// What was not found.
        message: String,
    },
    /// The thing to create exists already, or exists with other content.
    #[error("{message}")]
    AlreadyExists {
        /// Machine-readable reason.
        reason: &'static str,
        /// What exists.
        message: String,
    },
    /// The system is not in a state that allows the request.
    #[error("{message}")]
    FailedPrecondition {
        /// Machine-readable reason.
        reason: &'static str,
        /// What blocks it.
        message: String,
    },
    /// A concurrent change came first: the caller's view is stale (an etag), or others keep
    /// changing the thing. Reading it again and retrying may work.
    #[error("{message}")]
    Aborted {
        /// Machine-readable reason, e.g. `FOLLOW_UP_ETAG_MISMATCH`.
        reason: &'static str,
        /// What changed.
        message: String,
    },
    /// The service is shutting down or its database is out of reach; retrying elsewhere may work.
    #[error("{0}")]
    Unavailable(String),
    /// Something the request needs is used up: the database's disk, or a limit of the server
    /// (open streams, watchers). Retrying once it is freed, or on another replica, may work.
    #[error("{message}")]
    ResourceExhausted {
        /// Machine-readable reason, e.g. `DISK_FULL` or `TOO_MANY_RATING_STREAMS`.
        reason: &'static str,
        /// What is used up, and what to do.
        message: String,
    },
    /// A fault of the service itself; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Returns an internal error caused by `cause`.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Internal(cause.into())
    }

    /// Returns the error for an unknown survey.
    pub fn survey_not_found(survey_id: &str) -> Self {
        Error::NotFound {
            reason: "SURVEY_NOT_FOUND",
            message: format!("survey {survey_id:?} not found"),
        }
    }

    /// Whether this is the database failing (full, out of reach), which every request of a
    /// batch would meet alike, rather than one request's fault.
    pub fn is_database_fault(&self) -> bool {
        matches!(
            self,
            Error::ResourceExhausted { .. } | Error::Unavailable(_)
        )
    }

    /// Returns the error of one bad setting of the server, found at start and never sent to a
    /// caller (whose requests collect their violations in a
    /// [`Violations`](crate::domain::Violations)): a value the server cannot use.
    pub fn invalid_field(field: impl Into<String>, description: impl Into<String>) -> Self {
        Error::InvalidArgument(vec![FieldViolation::new(
            field,
            FieldReason::BadFormat,
            description,
        )])
    }
}

/// The error of a request refused for one field, found after its parse: a report that would be
/// too large, a score off the scale of the survey the writer read.
impl From<FieldViolation> for Error {
    fn from(violation: FieldViolation) -> Self {
        Error::InvalidArgument(vec![violation])
    }
}

/// Lets a request's parse answer its violations with `?`.
impl From<Vec<FieldViolation>> for Error {
    fn from(violations: Vec<FieldViolation>) -> Self {
        Error::InvalidArgument(violations)
    }
}

/// What a database error means for the caller, whatever the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseFault {
    /// The disk holding the database is full: no write succeeds until space is freed.
    DiskFull,
    /// The database cannot be reached, or failed to read or write its files: a retry may work.
    OutOfReach,
    /// Anything else: a retry of the same request fails the same way.
    Other,
}

impl DatabaseFault {
    /// Classifies a database error by its code: SQLite's extended result code, PostgreSQL's
    /// SQLSTATE, or the driver's own kind of failure.
    pub fn of(cause: &sea_orm::DbErr) -> DatabaseFault {
        use sea_orm::{DbErr, RuntimeErr, SqlxError};
        let sqlx_error = match cause {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return DatabaseFault::OutOfReach,
            DbErr::Exec(RuntimeErr::SqlxError(error))
            | DbErr::Query(RuntimeErr::SqlxError(error)) => error.as_ref(),
            _ => return DatabaseFault::Other,
        };
        match sqlx_error {
            SqlxError::Io(_)
            | SqlxError::PoolTimedOut
            | SqlxError::PoolClosed
            | SqlxError::WorkerCrashed => DatabaseFault::OutOfReach,
            SqlxError::Database(error) => {
                let sqlite = error
                    .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                    .is_some();
                error.code().map_or(DatabaseFault::Other, |code| {
                    if sqlite {
                        Self::of_sqlite_code(&code)
                    } else {
                        Self::of_sqlstate(&code)
                    }
                })
            }
            _ => DatabaseFault::Other,
        }
    }

    /// Classifies SQLite's extended result code (in decimal).
    pub fn of_sqlite_code(code: &str) -> DatabaseFault {
        // Primary codes: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_IOERR, SQLITE_CANTOPEN.
        const SQLITE_FULL: i32 = 13;
        const SQLITE_PASSING: [i32; 5] = [5, 6, 7, 10, 14];
        let primary = code.parse::<i32>().map_or(0, |extended| extended & 0xff);
        if primary == SQLITE_FULL {
            DatabaseFault::DiskFull
        } else if SQLITE_PASSING.contains(&primary) {
            DatabaseFault::OutOfReach
        } else {
            DatabaseFault::Other
        }
    }

    /// Classifies PostgreSQL's SQLSTATE: disk_full; then connection exceptions (08),
    /// insufficient resources (53), operator intervention (57: shutting down, starting up), a
    /// serialization failure or deadlock (40001, 40P01) and a read-only standby after a failover
    /// (25006), which a retry may get past.
    pub fn of_sqlstate(code: &str) -> DatabaseFault {
        match code {
            "53100" => DatabaseFault::DiskFull,
            "40001" | "40P01" | "25006" => DatabaseFault::OutOfReach,
            _ if code.starts_with("08") || code.starts_with("53") || code.starts_with("57") => {
                DatabaseFault::OutOfReach
            }
            _ => DatabaseFault::Other,
        }
    }
}

/// The error of a full disk, the same whichever write met it.
pub fn disk_full() -> Error {
    Error::ResourceExhausted {
        reason: "DISK_FULL",
        message: "the database's disk is full: nothing was stored; retry once space is freed"
            .into(),
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(cause: sea_orm::DbErr) -> Self {
        // A database out of reach is the canonical UNAVAILABLE, which clients retry; INTERNAL
        // would tell them not to, and is right only where a retry would fail the same way.
        match DatabaseFault::of(&cause) {
            DatabaseFault::DiskFull => {
                tracing::error!(error = %cause, "the database's disk is full");
                disk_full()
            }
            DatabaseFault::OutOfReach => {
                tracing::warn!(error = %cause, "the database is out of reach");
                Error::Unavailable("the database is out of reach; retry shortly".into())
            }
            DatabaseFault::Other => Error::internal(cause),
        }
    }
}

fn describe_violations(violations: &[FieldViolation]) -> String {
    violations
        .iter()
        .map(|violation| format!("{}: {}", violation.field, violation.description))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::DatabaseFault;

    #[test]
    fn sqlite_codes_are_read_by_their_primary_code() {
        // SQLITE_FULL, SQLITE_IOERR_WRITE (10 | 3 << 8), SQLITE_BUSY, SQLITE_CONSTRAINT_UNIQUE.
        assert_eq!(DatabaseFault::of_sqlite_code("13"), DatabaseFault::DiskFull);
        assert_eq!(
            DatabaseFault::of_sqlite_code("778"),
            DatabaseFault::OutOfReach
        );
        assert_eq!(
            DatabaseFault::of_sqlite_code("5"),
            DatabaseFault::OutOfReach
        );
        assert_eq!(DatabaseFault::of_sqlite_code("2067"), DatabaseFault::Other);
    }

    #[test]
    fn sqlstates_that_a_retry_can_pass_are_out_of_reach() {
        assert_eq!(DatabaseFault::of_sqlstate("53100"), DatabaseFault::DiskFull);
        assert_eq!(
            DatabaseFault::of_sqlstate("57P01"),
            DatabaseFault::OutOfReach
        );
        assert_eq!(
            DatabaseFault::of_sqlstate("08006"),
            DatabaseFault::OutOfReach
        );
        assert_eq!(
            DatabaseFault::of_sqlstate("40001"),
            DatabaseFault::OutOfReach
        );
        // A NUL in text, a unique key: a retry fails the same way.
        assert_eq!(DatabaseFault::of_sqlstate("22P05"), DatabaseFault::Other);
        assert_eq!(DatabaseFault::of_sqlstate("23505"), DatabaseFault::Other);
    }
}
