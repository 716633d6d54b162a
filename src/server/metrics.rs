//! Per-call metrics with the names and labels of grpc-go's go-grpc-prometheus: calls started and
//! handled (by status code), their latency, and the messages received and sent. The layer sits
//! inside the Connect and gRPC-Web conversions, so that an HTTP/JSON or browser call counts as the
//! gRPC method it stands for, and outside every layer that may refuse a call (auth, the database
//! gate), so that refusals count too. The served `/metrics` endpoint is [`endpoint`].
//!
//! A call's code is its `grpc-status`: in the response headers when nothing else was sent
//! (trailers-only), else in the trailers after the last message, so a stream counts as handled
//! when its body ends, not when its handler returns. A call whose body is dropped before that
//! (the client cancelled, the connection broke) counts as `Canceled`, as grpc-go reports it.
//!
//! Recording allocates nothing on the way of a unary call: each method's counters are registered
//! once per process and looked up by path; only the counter of a code a method had never
//! answered before is registered on the spot.

pub mod endpoint;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use metrics::{Counter, Histogram, Label};
use prost::Message as _;
use tonic::Code;
use tonic::body::Body;
use tonic::codegen::http::{HeaderMap, Request, Response};
use tower::{Layer, Service};

use crate::error::{Error, Result};
use crate::monitoring;

/// `grpc_code` values, indexed by the code's number: the names grpc-go's `codes.Code.String()`
/// gives, which go-grpc-prometheus writes.
const CODE_NAMES: [&str; 17] = [
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated",
];

/// The label values of a path that names no method the server knows: one series for all of
/// them, whatever a scanner tries.
const UNKNOWN: &str = "unknown";

/// Adds [`MetricsService`] in front of a service; does nothing when metrics are off.
#[derive(Clone, Copy, Debug)]
pub struct MetricsLayer {
    methods: Option<&'static Methods>,
}

impl MetricsLayer {
    /// Returns a layer that passes calls through untouched.
    pub fn off() -> MetricsLayer {
        MetricsLayer { methods: None }
    }

    /// Returns a layer that measures calls into the process's recorder (installed first, by
    /// [`endpoint::MetricsEndpoint::bind`]: counters registered before it would record nowhere).
    pub fn on() -> Result<MetricsLayer> {
        static METHODS: OnceLock<Methods> = OnceLock::new();
        if let Some(methods) = METHODS.get() {
            return Ok(MetricsLayer {
                methods: Some(methods),
            });
        }
        let built = Methods::of_every_service()?;
        Ok(MetricsLayer {
            methods: Some(METHODS.get_or_init(|| built)),
        })
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            methods: self.methods,
        }
    }
}

/// See the module's description.
#[derive(Clone, Debug)]
pub struct MetricsService<S> {
    inner: S,
    methods: Option<&'static Methods>,
}

impl<S, ResponseBody> Service<Request<Body>> for MetricsService<S>
where
    S: Service<Request<Body>, Response = Response<ResponseBody>>,
{
    type Response = Response<MeteredBody<ResponseBody>>;
    type Error = S::Error;
    type Future = MeteredFuture<S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let Some(methods) = self.methods else {
            return MeteredFuture {
                inner: self.inner.call(request),
                call: None,
            };
        };
        let method = methods.of_path(request.uri().path());
        method.started.increment(1);
        let request = if method.kind.client_streams() {
            request.map(|body| {
                Body::new(CountedRequest {
                    inner: body,
                    frames: FrameCounter::default(),
                    received: &method.received,
                })
            })
        } else {
            // One request message, as go-grpc-prometheus counts it for unary and server-streaming
            // calls; no need to read the body for it.
            method.received.increment(1);
            request
        };
        MeteredFuture {
            inner: self.inner.call(request),
            call: Some(Call {
                method,
                started: Instant::now(),
                code: None,
                sent_frames: FrameCounter::default(),
                recorded: false,
            }),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response of a measured call, its body wrapped to see its end.
    pub struct MeteredFuture<F> {
        #[pin]
        inner: F,
        call: Option<Call>,
    }
}

impl<F, ResponseBody, E> Future for MeteredFuture<F>
where
    F: Future<Output = std::result::Result<Response<ResponseBody>, E>>,
{
    type Output = std::result::Result<Response<MeteredBody<ResponseBody>>, E>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answered = ready!(this.inner.poll(context));
        let mut call = this.call.take();
        Poll::Ready(match answered {
            Ok(response) => {
                if let Some(call) = call.as_mut() {
                    call.code = code_in(response.headers());
                }
                Ok(response.map(|inner| MeteredBody { inner, call }))
            }
            Err(failure) => {
                if let Some(mut call) = call {
                    call.finish(Code::Unknown);
                }
                Err(failure)
            }
        })
    }
}

pin_project_lite::pin_project! {
    /// A response body that records its call once it ends (or is dropped unfinished).
    pub struct MeteredBody<B> {
        #[pin]
        inner: B,
        call: Option<Call>,
    }
}

impl<B> HttpBody for MeteredBody<B>
where
    B: HttpBody<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        let polled = ready!(this.inner.poll_frame(context));
        if let Some(call) = this.call.as_mut() {
            match &polled {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        call.sent(data);
                    } else if let Some(trailers) = frame.trailers_ref() {
                        let code = code_in(trailers).or(call.code).unwrap_or(Code::Unknown);
                        call.finish(code);
                    }
                }
                Some(Err(_)) => call.finish(Code::Unknown),
                None => {
                    let code = call.code.unwrap_or(Code::Unknown);
                    call.finish(code);
                }
            }
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A call being measured.
struct Call {
    method: &'static MethodMetrics,
    started: Instant,
    /// The code of a trailers-only response, from its headers.
    code: Option<Code>,
    sent_frames: FrameCounter,
    recorded: bool,
}

impl Call {
    fn sent(&mut self, data: &[u8]) {
        if self.method.kind.server_streams() {
            let messages = self.sent_frames.messages_completed(data);
            if messages > 0 {
                self.method.sent.increment(messages);
            }
        }
    }

    fn finish(&mut self, code: Code) {
        if self.recorded {
            return;
        }
        self.recorded = true;
        self.method.handled(code).increment(1);
        self.method.handling.record(self.started.elapsed());
        // One response message, sent only on success, as go-grpc-prometheus counts it.
        if !self.method.kind.server_streams() && code == Code::Ok {
            self.method.sent.increment(1);
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        // Dropped before its status: the client went away, or a trailers-only answer whose empty
        // body was never polled.
        let code = self.code.unwrap_or(Code::Cancelled);
        self.finish(code);
    }
}

fn code_in(headers: &HeaderMap) -> Option<Code> {
    headers
        .get("grpc-status")
        .map(|status| Code::from_bytes(status.as_bytes()))
}

pin_project_lite::pin_project! {
    /// The request body of a client-streaming call, counting the messages it brings.
    struct CountedRequest {
        #[pin]
        inner: Body,
        frames: FrameCounter,
        received: &'static Counter,
    }
}

impl HttpBody for CountedRequest {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, tonic::Status>>> {
        let this = self.project();
        let polled = ready!(this.inner.poll_frame(context));
        if let Some(Ok(frame)) = &polled
            && let Some(data) = frame.data_ref()
        {
            let messages = this.frames.messages_completed(data);
            if messages > 0 {
                this.received.increment(messages);
            }
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Follows gRPC's framing (a flag byte, a 4-byte big-endian length, the message) across the
/// chunks of a body, however they cut it.
#[derive(Debug, Default, Clone, Copy)]
struct FrameCounter {
    /// Bytes of the current prefix seen (0 to 5).
    prefix_seen: u8,
    /// The length read from the prefix so far.
    length: u32,
    /// Bytes of the current message still to come, once its prefix is complete.
    remaining: u32,
}

impl FrameCounter {
    const PREFIX_BYTES: u8 = 5;

    /// Reads `chunk` and returns how many messages ended in it.
    fn messages_completed(&mut self, mut chunk: &[u8]) -> u64 {
        let mut completed = 0;
        while let Some((&byte, rest)) = chunk.split_first() {
            if self.prefix_seen < Self::PREFIX_BYTES {
                // The first byte is the compression flag; the next four the length.
                if self.prefix_seen > 0 {
                    self.length = (self.length << 8) | u32::from(byte);
                }
                self.prefix_seen += 1;
                chunk = rest;
                if self.prefix_seen == Self::PREFIX_BYTES {
                    self.remaining = self.length;
                }
            } else {
                let taken = chunk.len().min(self.remaining as usize);
                self.remaining -= taken as u32;
                chunk = &chunk[taken..];
            }
            if self.prefix_seen == Self::PREFIX_BYTES && self.remaining == 0 {
                completed += 1;
                *self = FrameCounter::default();
            }
        }
        completed
    }
}

/// What a method's calls stream, from its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Unary,
    ClientStream,
    ServerStream,
    BidiStream,
}

impl CallKind {
    fn of(client_streaming: bool, server_streaming: bool) -> CallKind {
        match (client_streaming, server_streaming) {
            (false, false) => CallKind::Unary,
            (true, false) => CallKind::ClientStream,
            (false, true) => CallKind::ServerStream,
            (true, true) => CallKind::BidiStream,
        }
    }

    /// The `grpc_type` label, as go-grpc-prometheus writes it.
    fn label(self) -> &'static str {
        match self {
            CallKind::Unary => "unary",
            CallKind::ClientStream => "client_stream",
            CallKind::ServerStream => "server_stream",
            CallKind::BidiStream => "bidi_stream",
        }
    }

    fn client_streams(self) -> bool {
        matches!(self, CallKind::ClientStream | CallKind::BidiStream)
    }

    fn server_streams(self) -> bool {
        matches!(self, CallKind::ServerStream | CallKind::BidiStream)
    }
}

/// The registered metrics of one method.
struct MethodMetrics {
    kind: CallKind,
    /// `grpc_service`, `grpc_method`, `grpc_type`, for the handled counters registered later.
    labels: [Label; 3],
    started: Counter,
    handling: Histogram,
    received: Counter,
    sent: Counter,
    /// By code number, registered at the first call answered with it.
    handled: [OnceLock<Counter>; 17],
}

impl MethodMetrics {
    fn register(service: &str, method: &str, kind: CallKind, kind_label: &'static str) -> Self {
        let labels = [
            Label::new("grpc_service", service.to_string()),
            Label::new("grpc_method", method.to_string()),
            Label::new("grpc_type", kind_label),
        ];
        MethodMetrics {
            kind,
            started: metrics::counter!(monitoring::GRPC_STARTED, labels.to_vec()),
            handling: metrics::histogram!(monitoring::GRPC_HANDLING_SECONDS, labels.to_vec()),
            received: metrics::counter!(monitoring::GRPC_MSG_RECEIVED, labels.to_vec()),
            sent: metrics::counter!(monitoring::GRPC_MSG_SENT, labels.to_vec()),
            handled: Default::default(),
            labels,
        }
    }

    fn handled(&self, code: Code) -> &Counter {
        // Code's numbers are gRPC's, 0 to 16; one from a future tonic counts as Unknown.
        let index = match code as usize {
            known if known < CODE_NAMES.len() => known,
            _ => Code::Unknown as usize,
        };
        self.handled[index].get_or_init(|| {
            let mut labels = self.labels.to_vec();
            labels.push(Label::new("grpc_code", CODE_NAMES[index]));
            metrics::counter!(monitoring::GRPC_HANDLED, labels)
        })
    }
}

impl std::fmt::Debug for MethodMetrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MethodMetrics")
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

/// Every method the server serves, by path (`/csat.v1.RatingService/SubmitRating`).
#[derive(Debug)]
struct Methods {
    by_path: HashMap<String, MethodMetrics>,
    unknown: MethodMetrics,
}

impl Methods {
    /// Registers the metrics of csat's services, health and reflection (v1 and v1alpha), from
    /// their descriptors.
    fn of_every_service() -> Result<Methods> {
        let mut by_path = HashMap::new();
        for encoded in [
            crate::server::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
        ] {
            let files = prost_types::FileDescriptorSet::decode(encoded).map_err(Error::internal)?;
            for file in &files.file {
                for service in &file.service {
                    let service_name = match file.package() {
                        "" => service.name().to_string(),
                        package => format!("{package}.{}", service.name()),
                    };
                    for method in &service.method {
                        let kind =
                            CallKind::of(method.client_streaming(), method.server_streaming());
                        by_path.insert(
                            format!("/{service_name}/{}", method.name()),
                            MethodMetrics::register(
                                &service_name,
                                method.name(),
                                kind,
                                kind.label(),
                            ),
                        );
                    }
                }
            }
        }
        Ok(Methods {
            by_path,
            unknown: MethodMetrics::register(UNKNOWN, UNKNOWN, CallKind::Unary, UNKNOWN),
        })
    }

    fn of_path(&self, path: &str) -> &MethodMetrics {
        self.by_path.get(path).unwrap_or(&self.unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(messages: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        for message in messages {
            body.push(0);
            body.extend_from_slice(&(message.len() as u32).to_be_bytes());
            body.extend_from_slice(message);
        }
        body
    }

    #[test]
    fn messages_are_counted_however_the_chunks_cut_them() {
        let body = framed(&[b"first", b"", &[7; 300], b"last"]);

        for chunk_size in [1, 2, 3, 5, 6, 7, 64, body.len()] {
            let mut counter = FrameCounter::default();
            let counted: u64 = body
                .chunks(chunk_size)
                .map(|chunk| counter.messages_completed(chunk))
                .sum();

            assert_eq!(counted, 4, "chunks of {chunk_size}");
        }
    }

    #[test]
    fn a_message_counts_once_its_last_byte_arrives() {
        let body = framed(&[b"abc"]);
        let mut counter = FrameCounter::default();

        assert_eq!(counter.messages_completed(&body[..7]), 0);
        assert_eq!(counter.messages_completed(&body[7..]), 1);
    }

    #[test]
    fn code_names_are_grpc_gos_in_code_order() {
        for (code, name) in [
            (Code::Ok, "OK"),
            (Code::Cancelled, "Canceled"),
            (Code::InvalidArgument, "InvalidArgument"),
            (Code::NotFound, "NotFound"),
            (Code::PermissionDenied, "PermissionDenied"),
            (Code::ResourceExhausted, "ResourceExhausted"),
            (Code::Unavailable, "Unavailable"),
            (Code::Unauthenticated, "Unauthenticated"),
        ] {
            assert_eq!(CODE_NAMES[code as usize], name);
        }
    }

    #[test]
    fn every_method_is_known_with_its_type() {
        let methods = Methods::of_every_service().unwrap();
        let kind_of = |path: &str| methods.by_path.get(path).map(|method| method.kind);

        assert_eq!(
            kind_of("/csat.v1.RatingService/SubmitRating"),
            Some(CallKind::Unary)
        );
        assert_eq!(
            kind_of("/csat.v1.RatingService/StreamRatings"),
            Some(CallKind::ServerStream)
        );
        assert_eq!(
            kind_of("/grpc.health.v1.Health/Watch"),
            Some(CallKind::ServerStream)
        );
        assert_eq!(
            kind_of("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            Some(CallKind::BidiStream)
        );
        assert_eq!(kind_of("/csat.v1.RatingService/Nope"), None);
    }
}
