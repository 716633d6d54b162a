//! The gRPC layer: proto request -> domain call -> proto reply, one file per service. The only
//! place that knows proto types; errors become statuses in [`status_from_error`].

pub mod audit;
pub mod benchmark_service;
pub mod conversion;
pub mod customer_service;
pub mod follow_up_service;
pub mod invitation_service;
pub mod open_calls;
pub mod paging;
pub mod rating_service;
pub mod report_service;
pub mod survey_service;

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};
use tracing::error;

use crate::domain::validation::Refusal;
use crate::domain::{FieldViolation, Violations};
use crate::error::Error;

pub use crate::codec::ERROR_DOMAIN;

/// Most violations one status lists; the message counts the others.
const MAX_LISTED_VIOLATIONS: usize = 20;
/// Most bytes of a status in a client's metadata: its message, percent-encoded in `grpc-message`,
/// and its details, base64-encoded in `grpc-status-details-bin`. Default grpc-core clients accept
/// 16 KiB of metadata in all and answer RESOURCE_EXHAUSTED past it, losing the status; half of it
/// leaves room for every other header.
const MAX_STATUS_METADATA_BYTES: usize = 8 * 1024;
/// Longest message, field path and description a status repeats, in bytes: each may echo a value
/// of the request (an attribute key of megabytes in `attributes["…"]`).
pub(crate) const MAX_ECHOED_MESSAGE_BYTES: usize = 1_024;
const MAX_ECHOED_FIELD_BYTES: usize = 128;
const MAX_ECHOED_DESCRIPTION_BYTES: usize = 256;

/// Returns the status a caller receives for `error`: the canonical code, a google.rpc.ErrorInfo,
/// and for bad input a google.rpc.BadRequest naming the first bad fields (all of them, up to 20,
/// as many as fit in a client's metadata; the message counts the others). Internal causes are
/// logged here, once, and never sent.
pub fn status_from_error(error: Error) -> Status {
    match error {
        Error::InvalidArgument(violations) => invalid_argument(&violations),
        Error::NotFound { reason, message } => with_reason(Code::NotFound, reason, message),
        Error::AlreadyExists { reason, message } => {
            with_reason(Code::AlreadyExists, reason, message)
        }
        Error::FailedPrecondition { reason, message } => {
            with_reason(Code::FailedPrecondition, reason, message)
        }
        Error::Aborted { reason, message } => with_reason(Code::Aborted, reason, message),
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

/// The ErrorInfo reason of every INVALID_ARGUMENT: the BadRequest's violations say which fields,
/// each with a reason of its own.
const INVALID_FIELD: &str = "INVALID_FIELD";

/// Returns INVALID_ARGUMENT listing the first of `violations`, as many as fit in a client's
/// metadata, each cut to a length no request can stretch.
fn invalid_argument(violations: &[FieldViolation]) -> Status {
    let listed: Vec<FieldViolation> = violations
        .iter()
        .take(MAX_LISTED_VIOLATIONS)
        .map(|violation| {
            FieldViolation::new(
                echoed(&violation.field, MAX_ECHOED_FIELD_BYTES),
                violation.reason,
                echoed(&violation.description, MAX_ECHOED_DESCRIPTION_BYTES),
            )
        })
        .collect();
    // One violation cut to those lengths always fits; twenty of them may not.
    (1..=listed.len())
        .rev()
        .map(|count| bad_request(&listed[..count], violations.len()))
        .find(|status| metadata_bytes(status) <= MAX_STATUS_METADATA_BYTES)
        .unwrap_or_else(|| bad_request(&[], violations.len()))
}

fn bad_request(listed: &[FieldViolation], total: usize) -> Status {
    let named: Vec<String> = listed
        .iter()
        .map(|violation| format!("{}: {}", violation.field, violation.description))
        .collect();
    let message = match total - listed.len() {
        0 => format!("invalid argument: {}", named.join("; ")),
        more => format!("invalid argument: {}; and {more} more", named.join("; ")),
    };
    let mut details = ErrorDetails::with_error_info(
        INVALID_FIELD,
        ERROR_DOMAIN,
        HashMap::<String, String>::new(),
    );
    if !listed.is_empty() {
        details.set_bad_request(
            listed
                .iter()
                .map(|violation| tonic_types::FieldViolation {
                    field: violation.field.clone(),
                    description: violation.description.clone(),
                    reason: violation.reason.name().into(),
                    localized_message: None,
                })
                .collect::<Vec<_>>(),
        );
    }
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// Returns the bytes `status` takes in a response's metadata, as tonic writes it.
fn metadata_bytes(status: &Status) -> usize {
    let mut headers = tonic::codegen::http::HeaderMap::new();
    if status.add_header(&mut headers).is_err() {
        return usize::MAX;
    }
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum()
}

/// Returns `text` as an answer repeats it: cut to at most `max_bytes` bytes on a character
/// boundary, and then marked with an ellipsis.
pub fn echoed(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_string();
    }
    format!("{}…", &text[..text.floor_char_boundary(max_bytes)])
}

/// Lets handlers answer an [`Error`] with `?`: the one mapping is [`status_from_error`].
impl From<Error> for Status {
    fn from(error: Error) -> Status {
        status_from_error(error)
    }
}

/// Returns the value of a request's one checked field, or INVALID_ARGUMENT naming it.
pub fn only_field<T>(field: &str, parsed: Result<T, Refusal>) -> Result<T, Error> {
    Ok(Violations::only(field, parsed)?)
}

pub(crate) fn with_reason(code: Code, reason: &str, message: String) -> Status {
    with_reason_and_metadata(code, reason, HashMap::new(), message)
}

/// The same, with ErrorInfo metadata (such as the `scope` a SCOPE_MISSING names).
pub(crate) fn with_reason_and_metadata(
    code: Code,
    reason: &str,
    metadata: HashMap<String, String>,
    message: String,
) -> Status {
    let details = ErrorDetails::with_error_info(reason, ERROR_DOMAIN, metadata);
    Status::with_error_details(code, echoed(&message, MAX_ECHOED_MESSAGE_BYTES), details)
}

/// What every service needs: storage, the writer, the feed, the survey cache and the shutdown
/// signal that ends open streams. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Context {
    /// Storage.
    pub store: crate::store::Store,
    /// The writer task.
    pub writer: crate::ingest::WriterHandle,
    /// The invitation writer task.
    pub invitations: crate::invitations::InvitationWriter,
    /// Committed ratings, live.
    pub feed: crate::feed::Feed,
    /// Recently read surveys.
    pub surveys: crate::store::SurveyCache,
    /// The report engine.
    pub reports: crate::reports::Reports,
    /// Open WatchReport calls, grouped by query.
    pub watchers: crate::reports::watchers::Watchers,
    /// Slots of StreamRatings calls.
    pub rating_streams: open_calls::OpenCalls,
    /// Slots of WatchReport calls.
    pub report_watchers: open_calls::OpenCalls,
    /// Turns true when the server starts shutting down.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::StatusExt;

    fn violations(count: usize, field: &str, description: &str) -> Error {
        Error::InvalidArgument(
            (0..count)
                .map(|index| {
                    FieldViolation::new(
                        format!("{field}{index}"),
                        crate::domain::FieldReason::OutOfRange,
                        description,
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn a_few_violations_are_all_listed_and_named_in_the_message() {
        let status = status_from_error(violations(3, "ratings.score", "off the scale"));
        assert_eq!(
            status
                .get_details_bad_request()
                .unwrap()
                .field_violations
                .len(),
            3
        );
        assert_eq!(
            status.message(),
            "invalid argument: ratings.score0: off the scale; ratings.score1: off the scale; \
             ratings.score2: off the scale"
        );
    }

    #[test]
    fn many_violations_list_the_first_twenty_and_count_the_others() {
        let status = status_from_error(violations(150, "filter.survey_ids", "must match"));
        let listed = status.get_details_bad_request().unwrap().field_violations;
        assert_eq!(listed.len(), 20);
        assert_eq!(listed[19].field, "filter.survey_ids19");
        assert!(
            status.message().ends_with("; and 130 more"),
            "{}",
            status.message()
        );
        assert!(metadata_bytes(&status) <= MAX_STATUS_METADATA_BYTES);
    }

    #[test]
    fn violations_of_any_length_fit_in_a_clients_metadata() {
        // Spaces and non-ASCII characters take three bytes each once percent-encoded.
        let long = " é".repeat(100_000);
        for count in [1, 2, 20, 1_000] {
            let status = status_from_error(violations(count, &long, &long));
            assert!(
                metadata_bytes(&status) <= MAX_STATUS_METADATA_BYTES,
                "{count}: {}",
                metadata_bytes(&status)
            );
            let listed = status.get_details_bad_request().unwrap().field_violations;
            assert!(!listed.is_empty());
            assert!(listed[0].field.len() <= MAX_ECHOED_FIELD_BYTES + '…'.len_utf8());
        }
        let not_found = status_from_error(Error::NotFound {
            reason: "SURVEY_NOT_FOUND",
            message: long,
        });
        assert!(metadata_bytes(&not_found) <= MAX_STATUS_METADATA_BYTES);
    }

    #[test]
    fn echoed_text_is_cut_on_a_character_boundary() {
        assert_eq!(echoed("short", 8), "short");
        assert_eq!(echoed("ééééé", 5), "éé…");
    }
}
