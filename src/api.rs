//! The gRPC layer: proto request -> domain call -> proto reply, one file per service. The only
//! place that knows proto types; errors become statuses in [`status_from_error`].

pub mod benchmark_service;
pub mod conversion;
pub mod paging;
pub mod rating_service;
pub mod report_service;
pub mod survey_service;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};
use tracing::error;

use crate::error::Error;

/// The domain of every ErrorInfo this service sends.
pub const ERROR_DOMAIN: &str = "csat";

/// Returns the status a caller receives for `error`: the canonical code, a google.rpc.ErrorInfo,
/// and for bad input a google.rpc.BadRequest naming every bad field. Internal causes are logged
/// here, once, and never sent.
pub fn status_from_error(error: Error) -> Status {
    let no_metadata = std::collections::HashMap::<String, String>::new();
    match error {
        Error::InvalidArgument(violations) => {
            let message = error_message(&violations);
            let mut details =
                ErrorDetails::with_error_info("INVALID_ARGUMENT", ERROR_DOMAIN, no_metadata);
            for violation in violations {
                details.add_bad_request_violation(violation.field, violation.description);
            }
            Status::with_error_details(Code::InvalidArgument, message, details)
        }
        Error::NotFound { reason, message } => with_reason(Code::NotFound, reason, message),
        Error::AlreadyExists { reason, message } => {
            with_reason(Code::AlreadyExists, reason, message)
        }
        Error::FailedPrecondition { reason, message } => {
            with_reason(Code::FailedPrecondition, reason, message)
        }
        Error::Unavailable(message) => with_reason(Code::Unavailable, "UNAVAILABLE", message),
        Error::ResourceExhausted { reason, message } => {
            with_reason(Code::ResourceExhausted, reason, message)
        }
        Error::Internal(cause) => {
            error!(error = %cause, source = ?cause.source(), "internal error");
            with_reason(Code::Internal, "INTERNAL", "internal error".into())
        }
    }
}

/// Returns INVALID_ARGUMENT naming `field` unless `id` is a well-formed survey or benchmark id.
pub fn check_id(field: &str, id: &str) -> Result<(), Error> {
    if id.is_empty() {
        Err(Error::invalid_field(field, "required"))
    } else if !crate::domain::validation::is_survey_id(id) {
        Err(Error::invalid_field(field, "must match [a-z0-9-]{1,63}"))
    } else {
        Ok(())
    }
}

fn with_reason(code: Code, reason: &str, message: String) -> Status {
    let details = ErrorDetails::with_error_info(
        reason,
        ERROR_DOMAIN,
        std::collections::HashMap::<String, String>::new(),
    );
    Status::with_error_details(code, message, details)
}

fn error_message(violations: &[crate::domain::FieldViolation]) -> String {
    let fields: Vec<String> = violations
        .iter()
        .map(|violation| format!("{}: {}", violation.field, violation.description))
        .collect();
    format!("invalid argument: {}", fields.join("; "))
}

/// What every service needs: storage, the writer, the feed, the survey cache and the shutdown
/// signal that ends open streams. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Context {
    /// Storage.
    pub store: crate::store::Store,
    /// The writer task.
    pub writer: crate::store::writer::WriterHandle,
    /// Committed ratings, live.
    pub feed: crate::feed::Feed,
    /// Recently read surveys.
    pub surveys: crate::store::SurveyCache,
    /// The report engine.
    pub reports: crate::reports::Reports,
    /// Turns true when the server starts shutting down.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}
