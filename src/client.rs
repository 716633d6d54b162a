//! What a Rust program needs to call csat, beside the generated clients in [`crate::pb`]: the
//! error details of a status, decoded. Built with the `client` feature alone, without the
//! server's dependencies:
//!
//! ```toml
//! csat = { path = "…/csat", default-features = false, features = ["client"] }
//! ```

use tonic::Status;
use tonic_types::StatusExt;

pub use crate::codec::ERROR_DOMAIN;

/// One bad field of a refused request: its path (`rating.score`, `rating.attributes["k"]`), what
/// is wrong, and a reason a program can match (`REQUIRED`, `BAD_FORMAT`, `OUT_OF_RANGE`,
/// `TOO_LONG`, `TOO_MANY`, `UNKNOWN_VALUE`, `REPEATED`, `INCONSISTENT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's path in the request.
    pub field: String,
    /// What is wrong with it, for a person.
    pub description: String,
    /// Why, for a program.
    pub reason: String,
}

/// The bad fields an INVALID_ARGUMENT names in its `google.rpc.BadRequest`; empty for any other
/// status.
pub fn field_violations(status: &Status) -> Vec<FieldViolation> {
    status
        .get_details_bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .into_iter()
                .map(|violation| FieldViolation {
                    field: violation.field,
                    description: violation.description,
                    reason: violation.reason,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `google.rpc.ErrorInfo` reason of a csat status (`SURVEY_NOT_FOUND`, `INVALID_FIELD`…),
/// `None` when it carries none from csat (a status from a proxy, say).
pub fn error_reason(status: &Status) -> Option<String> {
    status
        .get_details_error_info()
        .filter(|info| info.domain == ERROR_DOMAIN)
        .map(|info| info.reason)
}

/// The `google.rpc.ErrorInfo` of a csat status, with its `metadata` (SCOPE_MISSING's `scope`,
/// say); `None` when it carries none from csat.
pub fn error_info(status: &Status) -> Option<tonic_types::ErrorInfo> {
    status
        .get_details_error_info()
        .filter(|info| info.domain == ERROR_DOMAIN)
}

/// The delay of a status's `google.rpc.RetryInfo`: csat sends one with RESOURCE_EXHAUSTED,
/// reason RATE_LIMITED (a key over its `requests_per_second`). Wait it, then call again.
pub fn retry_delay(status: &Status) -> Option<std::time::Duration> {
    status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn details_decode_from_a_status_and_others_give_nothing() {
        let mut details = tonic_types::ErrorDetails::with_error_info(
            "INVALID_FIELD",
            ERROR_DOMAIN,
            std::collections::HashMap::<String, String>::new(),
        );
        details.set_bad_request(vec![tonic_types::FieldViolation {
            field: "rating.score".into(),
            description: "9 is outside the survey's scale 1-5".into(),
            reason: "OUT_OF_RANGE".into(),
            localized_message: None,
        }]);
        let status = Status::with_error_details(Code::InvalidArgument, "bad", details);
        assert_eq!(error_reason(&status).as_deref(), Some("INVALID_FIELD"));
        assert_eq!(field_violations(&status)[0].reason, "OUT_OF_RANGE");
        assert_eq!(
            error_info(&status).map(|info| info.reason).as_deref(),
            Some("INVALID_FIELD")
        );
        let plain = Status::unavailable("proxy");
        assert!(error_info(&plain).is_none() && retry_delay(&plain).is_none());
        assert_eq!(error_reason(&plain), None);
        assert!(field_violations(&plain).is_empty());
    }
}
