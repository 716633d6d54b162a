//! A gRPC status as the Connect protocol writes it: `{"code": "invalid_argument", "message":
//! …, "details": [{"type": "google.rpc.BadRequest", "value": <base64>, "debug": {…}}]}`, the
//! same ErrorInfo and BadRequest a gRPC client reads from `grpc-status-details-bin`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use prost::Message;
use tonic::codegen::http::StatusCode;
use tonic::{Code, Status};

use super::json::Transcoder;

/// Connect's name of `code`.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "canceled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

/// The HTTP status of a unary error with `code`, as the Connect protocol maps it.
pub fn http_status(code: Code) -> StatusCode {
    let status = match code {
        Code::Ok => 200,
        Code::Cancelled => 499,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
        Code::DeadlineExceeded => 504,
        Code::NotFound => 404,
        Code::AlreadyExists | Code::Aborted => 409,
        Code::PermissionDenied => 403,
        Code::ResourceExhausted => 429,
        Code::Unimplemented => 501,
        Code::Unavailable => 503,
        Code::Unauthenticated => 401,
        Code::Unknown | Code::Internal | Code::DataLoss => 500,
    };
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The Connect error object of `status`, details decoded for `debug` where `transcoder` knows
/// their type.
pub fn error_json(status: &Status, transcoder: &Transcoder) -> serde_json::Value {
    let mut error = serde_json::Map::new();
    error.insert("code".into(), code_name(status.code()).into());
    if !status.message().is_empty() {
        error.insert("message".into(), status.message().into());
    }
    let details: Vec<serde_json::Value> = tonic_types::pb::Status::decode(status.details())
        .map(|decoded| decoded.details)
        .unwrap_or_default()
        .into_iter()
        .map(|any| {
            let type_name = any
                .type_url
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut detail = serde_json::Map::new();
            if let Some(debug) = transcoder.detail_json(&type_name, &any.value) {
                detail.insert("debug".into(), debug);
            }
            detail.insert("type".into(), type_name.into());
            detail.insert("value".into(), STANDARD_NO_PAD.encode(&any.value).into());
            serde_json::Value::Object(detail)
        })
        .collect();
    if !details.is_empty() {
        error.insert("details".into(), details.into());
    }
    serde_json::Value::Object(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_request_keeps_its_details_in_binary_and_readable_form() {
        let mut details = tonic_types::ErrorDetails::with_error_info(
            "INVALID_FIELD",
            "csat",
            std::collections::HashMap::<String, String>::new(),
        );
        details.set_bad_request(vec![tonic_types::FieldViolation {
            field: "rating.score".into(),
            description: "must be 1 to 5".into(),
            reason: "OUT_OF_RANGE".into(),
            localized_message: None,
        }]);
        let status = <Status as tonic_types::StatusExt>::with_error_details(
            Code::InvalidArgument,
            "invalid argument: rating.score: must be 1 to 5",
            details,
        );
        let transcoder = Transcoder::new().unwrap();
        let json = error_json(&status, &transcoder);
        assert_eq!(json["code"], "invalid_argument");
        let details = json["details"].as_array().unwrap();
        assert_eq!(details[0]["type"], "google.rpc.ErrorInfo");
        assert_eq!(details[0]["debug"]["reason"], "INVALID_FIELD");
        assert_eq!(details[1]["type"], "google.rpc.BadRequest");
        let violation = &details[1]["debug"]["fieldViolations"][0];
        assert_eq!(violation["field"], "rating.score");
        assert_eq!(violation["reason"], "OUT_OF_RANGE");
        let value = STANDARD_NO_PAD
            .decode(details[1]["value"].as_str().unwrap())
            .unwrap();
        let decoded = tonic_types::pb::BadRequest::decode(value.as_slice()).unwrap();
        assert_eq!(decoded.field_violations[0].field, "rating.score");
        assert_eq!(http_status(status.code()), StatusCode::BAD_REQUEST);
    }
}
