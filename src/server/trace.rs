//! The span of every call, so that each log line of a call names its method, and, with traces on
//! (`crate::telemetry`), the OpenTelemetry server span of the call: named after the gRPC method
//! (`csat.v1.RatingService/SubmitRating`) with the RPC semantic conventions' attributes, a child
//! of the caller's span when a W3C `traceparent` header says one, ended when the answer's last
//! frame is sent, with its `rpc.grpc.status_code`. The layer sits inside the Connect and
//! gRPC-Web layers, so it sees every call in gRPC form (the header is the same in all three),
//! and outside the auth layer and the database gate, so refused calls are traced too.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http_body::{Body as HttpBody, Frame, SizeHint};
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry::{Context as OtelContext, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tonic::body::Body;
use tonic::codegen::http::{HeaderMap, Request, Response};
use tower::{Layer, Service};
use tracing::instrument::{Instrument, Instrumented};

use crate::telemetry;

/// Adds [`CallSpan`] in front of a service.
#[derive(Clone, Copy, Debug)]
pub struct CallSpanLayer {
    exported: bool,
}

impl CallSpanLayer {
    /// Makes exported spans if traces are on, log spans only otherwise.
    pub fn new() -> Self {
        Self {
            exported: telemetry::traces_on(),
        }
    }
}

impl<S> Layer<S> for CallSpanLayer {
    type Service = CallSpan<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallSpan {
            inner,
            traces_on: self.exported,
        }
    }
}

/// See the module's description.
#[derive(Clone, Debug)]
pub struct CallSpan<S> {
    inner: S,
    traces_on: bool,
}

impl<S, B> Service<Request<B>> for CallSpan<S>
where
    S: Service<Request<B>, Response = Response<Body>>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = CallFuture<S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let exported = if self.traces_on {
            exported_call_span(&request)
        } else {
            None
        };
        let span = match exported
            .as_ref()
            .map(|call| call.span().span_context().trace_id())
        {
            Some(trace_id) => {
                tracing::info_span!("rpc", method = %request.uri().path(), trace_id = %trace_id)
            }
            None => tracing::info_span!("rpc", method = %request.uri().path()),
        };
        let answer = {
            let _attached = exported.clone().map(OtelContext::attach);
            span.in_scope(|| self.inner.call(request))
        };
        CallFuture {
            answer: answer.instrument(span),
            exported,
        }
    }
}

/// Starts the OpenTelemetry span of a call with traces on, with the RPC semantic conventions'
/// attributes, a child of the caller's span when its `traceparent` says one (without one the
/// call starts a trace of its own).
fn exported_call_span<B>(request: &Request<B>) -> Option<OtelContext> {
    let path = request.uri().path();
    let (service, method) = service_and_method(path);
    let attributes = vec![
        KeyValue::new("rpc.system", "grpc"),
        KeyValue::new("rpc.service", service.to_string()),
        KeyValue::new("rpc.method", method.to_string()),
    ];
    let caller = TraceContextPropagator::new().extract(&HeaderExtractor(request.headers()));
    telemetry::start_call_span(path.trim_start_matches('/'), attributes, &caller)
}

/// Splits `/csat.v1.RatingService/SubmitRating` into the service and the method; a path of
/// another shape (not a gRPC call) is all service.
fn service_and_method(path: &str) -> (&str, &str) {
    let trimmed = path.trim_start_matches('/');
    trimmed.rsplit_once('/').unwrap_or((trimmed, ""))
}

/// Reads the `traceparent` and `tracestate` headers (gRPC metadata is HTTP headers).
struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

pin_project_lite::pin_project! {
    /// The answer of a call, in its log span; with traces on, the call's OpenTelemetry context
    /// is current while it is polled (the writer finds its parent there), and its body carries
    /// the span until the last frame, where the status is.
    pub struct CallFuture<F> {
        #[pin]
        answer: Instrumented<F>,
        exported: Option<OtelContext>,
    }
}

impl<F, E> Future for CallFuture<F>
where
    F: Future<Output = Result<Response<Body>, E>>,
{
    type Output = Result<Response<Body>, E>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answer = {
            let _attached = this.exported.clone().map(OtelContext::attach);
            ready!(this.answer.poll(context))
        };
        let Some(call) = this.exported.take() else {
            return Poll::Ready(answer);
        };
        Poll::Ready(match answer {
            Ok(response) => {
                // A trailers-only answer (an error) has its status in the headers, and an empty
                // body.
                if let Some(code) = status_code(response.headers()) {
                    record_status(&call, code);
                }
                Ok(response.map(|body| Body::new(TracedBody { body, call })))
            }
            Err(error) => {
                call.span().end();
                Err(error)
            }
        })
    }
}

/// A response body that holds the call's span until it is dropped, when the span ends, and
/// records the status the trailers carry.
struct TracedBody {
    body: Body,
    call: OtelContext,
}

impl Drop for TracedBody {
    fn drop(&mut self) {
        self.call.span().end();
    }
}

impl HttpBody for TracedBody {
    type Data = bytes::Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let frame = ready!(Pin::new(&mut self.body).poll_frame(context));
        if let Some(Ok(frame)) = &frame
            && let Some(code) = frame.trailers_ref().and_then(status_code)
        {
            record_status(&self.call, code);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The `grpc-status` of a header or trailer map.
fn status_code(headers: &HeaderMap) -> Option<i32> {
    headers
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

/// Records `code` on the call's span, and marks it failed for the codes the RPC conventions call
/// server errors (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS).
fn record_status(call: &OtelContext, code: i32) {
    let span = call.span();
    span.set_attribute(KeyValue::new("rpc.grpc.status_code", i64::from(code)));
    if matches!(code, 2 | 4 | 12 | 13 | 14 | 15) {
        span.set_status(Status::error(""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grpc_path_splits_into_service_and_method() {
        assert_eq!(
            service_and_method("/csat.v1.RatingService/SubmitRating"),
            ("csat.v1.RatingService", "SubmitRating")
        );
        assert_eq!(service_and_method("/favicon.ico"), ("favicon.ico", ""));
    }

    #[test]
    fn the_status_comes_from_grpc_status() {
        let mut headers = HeaderMap::new();
        assert_eq!(status_code(&headers), None);
        headers.insert("grpc-status", "14".parse().unwrap());
        assert_eq!(status_code(&headers), Some(14));
    }
}
