//! Two small pieces a Rust program that calls csat needs beside `csat::proto` and `csat::client`,
//! and that tonic does not ship: an interceptor that sends a bearer token, and a retry of the
//! calls that are safe to repeat. Copy them into your program (clients/rust/README.md shows
//! them); `src/main.rs` is the quickstart that uses them.

use std::future::Future;
use std::time::Duration;

use tonic::metadata::{AsciiMetadataValue, errors::InvalidMetadataValue};
use tonic::service::Interceptor;
use tonic::{Code, Request, Status};

/// Adds `authorization: Bearer <token>` to every call, when there is a token.
#[derive(Clone, Default)]
pub struct BearerToken(Option<AsciiMetadataValue>);

impl BearerToken {
    /// The header for `token`, or none for `None` (a server without keys ignores it anyway).
    pub fn new(token: Option<&str>) -> Result<Self, InvalidMetadataValue> {
        token
            .map(|token| format!("Bearer {token}").parse())
            .transpose()
            .map(Self)
    }
}

impl Interceptor for BearerToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// The attempts [`retry_unavailable`] makes at most, as in clients/retry-service-config.json.
pub const MAX_ATTEMPTS: u32 = 5;

/// Calls `call` again while it fails with UNAVAILABLE (the server restarting, a connection
/// lost), at most [`MAX_ATTEMPTS`], waiting 0.1 s, 0.2 s, 0.4 s… (at most 5 s) between them. Only for
/// idempotent calls: reads, and submits, which the rating id makes safe to repeat.
pub async fn retry_unavailable<T, F, Fut>(mut call: F) -> Result<T, Status>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let mut backoff = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(status) if status.code() == Code::Unavailable && attempt < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            result => return result,
        }
    }
}
