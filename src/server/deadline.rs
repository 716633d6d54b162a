//! A call whose `grpc-timeout` passes before it is answered ends with DEADLINE_EXCEEDED, as the
//! gRPC specification says. tonic's own timeout, which runs in front of every layer of ours,
//! answers CANCELLED instead, so this layer answers a little earlier than tonic would: at the
//! deadline less [`MARGIN`]. tonic polls the call before its own timer, so whenever both have
//! fired, this layer's answer is the one sent.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::Either;
use tonic::Status;
use tonic::codegen::http;
use tower::{Layer, Service};

/// How much sooner than the caller's deadline the call is ended: more than the time between
/// tonic starting its timer and this layer starting its own, and more than a tick of tokio's
/// millisecond timer wheel.
const MARGIN: Duration = Duration::from_millis(5);

/// Adds [`Deadline`] in front of a service.
#[derive(Clone, Copy, Default)]
pub struct DeadlineLayer;

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadline { inner }
    }
}

/// See the module's description.
#[derive(Clone)]
pub struct Deadline<S> {
    inner: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for Deadline<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Either<S::Future, BoxFuture<Result<Self::Response, Self::Error>>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let Some(timeout) = request
            .headers()
            .get("grpc-timeout")
            .and_then(|value| value.to_str().ok())
            .and_then(parse_grpc_timeout)
        else {
            return Either::Left(self.inner.call(request));
        };
        let answer = self.inner.call(request);
        Either::Right(Box::pin(async move {
            match tokio::time::timeout(timeout.saturating_sub(MARGIN), answer).await {
                Ok(answered) => answered,
                Err(_) => Ok(Status::deadline_exceeded(
                    "the call's deadline (grpc-timeout) passed before it was answered",
                )
                .into_http()),
            }
        }))
    }
}

/// Reads a `grpc-timeout` value: at most 8 digits and a unit (H, M, S, m, u, n), as the gRPC
/// specification writes it; `None` for anything else, which tonic ignores too.
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let unit = value.chars().last()?;
    let digits = &value[..value.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        'H' => Duration::from_secs(amount * 3_600),
        'M' => Duration::from_secs(amount * 60),
        'S' => Duration::from_secs(amount),
        'm' => Duration::from_millis(amount),
        'u' => Duration::from_micros(amount),
        'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_are_read_in_every_unit() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7_200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(
            parse_grpc_timeout("99999999S"),
            Some(Duration::from_secs(99_999_999))
        );
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout("1n"), Some(Duration::from_nanos(1)));
    }

    #[test]
    fn malformed_grpc_timeouts_are_ignored() {
        for value in [
            "",
            "S",
            "100",
            "123456789S",
            "1s",
            "-1S",
            "1.5S",
            "1 S",
            "é",
        ] {
            assert_eq!(parse_grpc_timeout(value), None, "{value:?}");
        }
    }
}
