//! What a failed client command says: one line naming the call and the status code, the server's
//! ErrorInfo reason, and one line per field violation of a BadRequest.

use std::process::ExitCode;

use tonic_types::StatusExt;

/// Why a client command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag or flag value that cannot be used (exit code 2, as clap's own usage errors).
    #[error("{0}")]
    Usage(String),
    /// The server could not be reached or its TLS settings could not be read.
    #[error("cannot connect to {server}: {cause}")]
    Connect {
        /// The address given.
        server: String,
        /// What went wrong, with its causes.
        cause: String,
    },
    /// A call the server answered with an error.
    #[error("{}", describe_status(call, status))]
    Call {
        /// The method, e.g. `SurveyService/GetSurvey`.
        call: &'static str,
        /// The server's answer.
        status: Box<tonic::Status>,
    },
    /// A file that could not be read or written.
    #[error("{path}: {cause}")]
    File {
        /// The file.
        path: String,
        /// The cause.
        cause: std::io::Error,
    },
    /// A server that answered its health check with anything but SERVING.
    #[error("{0}")]
    Unhealthy(String),
    /// Input that cannot be read as the format it claims.
    #[error("{0}")]
    Input(String),
    /// Standard output was closed by its reader (`csat export | head`): not a failure.
    #[error("standard output closed")]
    BrokenPipe,
}

impl CliError {
    /// Returns the error of `call` answered with `status`.
    pub fn call(call: &'static str, status: tonic::Status) -> CliError {
        CliError::Call {
            call,
            status: Box::new(status),
        }
    }

    /// Returns the error of a failed write to standard output.
    pub fn stdout(cause: std::io::Error) -> CliError {
        if cause.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::File {
                path: "standard output".into(),
                cause,
            }
        }
    }

    /// Returns the exit code of this failure: 2 for a usage error, 1 for the rest.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::BrokenPipe => ExitCode::SUCCESS,
            CliError::Connect { .. }
            | CliError::Call { .. }
            | CliError::File { .. }
            | CliError::Unhealthy(_)
            | CliError::Input(_) => ExitCode::FAILURE,
        }
    }
}

/// Client results.
pub type CliResult<T> = std::result::Result<T, CliError>;

/// Returns `status` as the user reads it: `SurveyService/GetSurvey: NOT_FOUND (SURVEY_NOT_FOUND):
/// survey "x" does not exist`, then `  field: description (REASON)` for each violation.
pub fn describe_status(call: &str, status: &tonic::Status) -> String {
    let mut text = format!("{call}: {}", code_name(status.code()));
    if let Some(info) = status.get_details_error_info() {
        text.push_str(&format!(" ({})", info.reason));
    }
    text.push_str(&format!(": {}", status.message()));
    for violation in crate::client::field_violations(status) {
        text.push_str(&format!(
            "\n  {}: {}",
            violation.field, violation.description
        ));
        if !violation.reason.is_empty() {
            text.push_str(&format!(" ({})", violation.reason));
        }
    }
    text
}

/// Returns the canonical name of a status code, as in the gRPC spec and in ImportRatingError.
pub fn code_name(code: tonic::Code) -> &'static str {
    match code {
        tonic::Code::Ok => "OK",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unknown => "UNKNOWN",
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::AlreadyExists => "ALREADY_EXISTS",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Aborted => "ABORTED",
        tonic::Code::OutOfRange => "OUT_OF_RANGE",
        tonic::Code::Unimplemented => "UNIMPLEMENTED",
        tonic::Code::Internal => "INTERNAL",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DataLoss => "DATA_LOSS",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
    }
}
