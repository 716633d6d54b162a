//! The one error type below the api layer, and what each case means to a caller. The api layer maps
//! it to a gRPC status in one exhaustive match.

use crate::domain::FieldViolation;

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
    /// The service is shutting down or its database is out of reach; retrying elsewhere may work.
    #[error("{0}")]
    Unavailable(String),
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

    /// Both results, or the violations of every bad field of either, so that a request with
    /// several bad fields hears of all of them at once; any other error wins as it is.
    pub fn both<A, B>(first: Result<A>, second: Result<B>) -> Result<(A, B)> {
        match (first, second) {
            (Ok(first), Ok(second)) => Ok((first, second)),
            (Err(Error::InvalidArgument(mut violations)), Err(Error::InvalidArgument(more))) => {
                violations.extend(more);
                Err(Error::InvalidArgument(violations))
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        }
    }

    /// Returns the error for one bad field.
    pub fn invalid_field(field: impl Into<String>, description: impl Into<String>) -> Self {
        Error::InvalidArgument(vec![FieldViolation::new(field, description)])
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(cause: sea_orm::DbErr) -> Self {
        use sea_orm::{DbErr, RuntimeErr, SqlxError};
        // A database out of reach is the canonical UNAVAILABLE, which clients retry; INTERNAL
        // would tell them not to.
        let out_of_reach = match &cause {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(error))
            | DbErr::Query(RuntimeErr::SqlxError(error)) => matches!(
                error.as_ref(),
                SqlxError::Io(_)
                    | SqlxError::PoolTimedOut
                    | SqlxError::PoolClosed
                    | SqlxError::WorkerCrashed
            ),
            _ => false,
        };
        if out_of_reach {
            tracing::warn!(error = %cause, "the database is out of reach");
            Error::Unavailable("the database is out of reach; retry shortly".into())
        } else {
            Error::internal(cause)
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
