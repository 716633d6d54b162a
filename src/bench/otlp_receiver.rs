//! A small OTLP/gRPC trace receiver, in process, on a loopback port: what the traces test checks
//! the exported spans against, and where a benchmark with traces on points the exporter
//! (`OTEL_EXPORTER_OTLP_ENDPOINT` = [`OtlpReceiver::endpoint`]) so that exporting costs what it
//! costs against a real collector, minus the collector's own work: the counting receiver of a
//! benchmark decodes a request only as deep as its spans' count needs, because it shares the
//! machine's cores with the server it measures, as a collector on another machine would not.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub use opentelemetry_proto::tonic::trace::v1::Span as ReceivedSpan;

/// Largest export request accepted: the SDK's batches (512 spans by default) are far below it.
const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;

/// A running receiver; it stops when dropped.
pub struct OtlpReceiver {
    address: SocketAddr,
    received: Arc<Received>,
    server: JoinHandle<()>,
}

/// What the receiver was sent.
#[derive(Default)]
struct Received {
    /// Every span, unless the receiver only counts.
    spans: Mutex<Vec<ReceivedSpan>>,
    count: AtomicUsize,
    arrived: Notify,
}

impl OtlpReceiver {
    /// Starts a receiver that keeps every span it is sent, for tests.
    pub async fn start() -> std::io::Result<OtlpReceiver> {
        OtlpReceiver::bind(true).await
    }

    /// Starts a receiver that only counts the spans, so that a benchmark's millions of spans do
    /// not accumulate in memory.
    pub async fn start_counting() -> std::io::Result<OtlpReceiver> {
        OtlpReceiver::bind(false).await
    }

    async fn bind(keeps_spans: bool) -> std::io::Result<OtlpReceiver> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let received = Arc::new(Received::default());
        let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
        let mut builder = tonic::transport::Server::builder();
        let serving = if keeps_spans {
            let service = TraceServiceServer::new(Collector(received.clone()))
                .max_decoding_message_size(MAX_EXPORT_BYTES);
            builder.add_service(service)
        } else {
            builder.add_service(CountingCollector(received.clone()))
        };
        let server = tokio::spawn(async move {
            let served = serving.serve_with_incoming(incoming).await;
            if let Err(cause) = served {
                tracing::error!(error = %cause, "the OTLP receiver stopped");
            }
        });
        Ok(OtlpReceiver {
            address,
            received,
            server,
        })
    }

    /// Returns the URL to set as `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns how many spans have arrived.
    pub fn span_count(&self) -> usize {
        self.received.count.load(Ordering::Relaxed)
    }

    /// Returns the spans kept so far (none for a counting receiver).
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        lock(&self.received.spans).clone()
    }

    /// Waits until the spans kept satisfy `complete`, for at most `timeout`, and returns them
    /// either way: the caller's assertions then say what is missing.
    pub async fn wait_for_spans(
        &self,
        timeout: Duration,
        complete: impl Fn(&[ReceivedSpan]) -> bool,
    ) -> Vec<ReceivedSpan> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.received.arrived.notified();
            let spans = self.spans();
            if complete(&spans) {
                return spans;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.spans();
            }
        }
    }
}

impl Drop for OtlpReceiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The receiver's gRPC service.
struct Collector(Arc<Received>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let spans = request
            .into_inner()
            .resource_spans
            .into_iter()
            .flat_map(|resource| resource.scope_spans)
            .flat_map(|scope| scope.spans);
        let received = &self.0;
        let mut kept = lock(&received.spans);
        let before = kept.len();
        kept.extend(spans);
        received
            .count
            .fetch_add(kept.len() - before, Ordering::Relaxed);
        received.arrived.notify_waiters();
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

/// An export request decoded no deeper than its spans, each left as its bytes.
#[derive(Clone, PartialEq, prost::Message)]
struct CountedExport {
    #[prost(message, repeated, tag = "1")]
    resource_spans: Vec<CountedResourceSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct CountedResourceSpans {
    #[prost(message, repeated, tag = "2")]
    scope_spans: Vec<CountedScopeSpans>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct CountedScopeSpans {
    #[prost(bytes = "bytes", repeated, tag = "2")]
    spans: Vec<bytes::Bytes>,
}

/// The counting receiver's gRPC service: `Export`, with requests decoded as [`CountedExport`].
#[derive(Clone)]
struct CountingCollector(Arc<Received>);

impl tonic::server::NamedService for CountingCollector {
    const NAME: &'static str = "opentelemetry.proto.collector.trace.v1.TraceService";
}

impl tower::Service<tonic::codegen::http::Request<tonic::body::Body>> for CountingCollector {
    type Response = tonic::codegen::http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::codegen::http::Request<tonic::body::Body>) -> Self::Future {
        let export = CountExport(self.0.clone());
        Box::pin(async move {
            let codec =
                tonic_prost::ProstCodec::<ExportTraceServiceResponse, CountedExport>::default();
            let mut grpc = tonic::server::Grpc::new(codec)
                .apply_max_message_size_config(Some(MAX_EXPORT_BYTES), None);
            Ok(grpc.unary(export, request).await)
        })
    }
}

struct CountExport(Arc<Received>);

impl tonic::server::UnaryService<CountedExport> for CountExport {
    type Response = ExportTraceServiceResponse;
    type Future = std::future::Ready<Result<tonic::Response<Self::Response>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<CountedExport>) -> Self::Future {
        let spans: usize = request
            .into_inner()
            .resource_spans
            .iter()
            .flat_map(|resource| &resource.scope_spans)
            .map(|scope| scope.spans.len())
            .sum();
        self.0.count.fetch_add(spans, Ordering::Relaxed);
        self.0.arrived.notify_waiters();
        std::future::ready(Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        })))
    }
}

/// Locks `spans`, recovering them if a panicking holder poisoned the lock: a receiver for tests
/// and benchmarks has nothing to protect.
fn lock(spans: &Mutex<Vec<ReceivedSpan>>) -> std::sync::MutexGuard<'_, Vec<ReceivedSpan>> {
    spans
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};

    use super::*;

    fn spans(names: &[&str]) -> ScopeSpans {
        ScopeSpans {
            spans: names
                .iter()
                .map(|name| ReceivedSpan {
                    name: name.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn the_counting_receiver_counts_every_span_of_every_scope_and_resource() {
        let receiver = OtlpReceiver::start_counting().await.unwrap();
        let mut client = TraceServiceClient::connect(receiver.endpoint())
            .await
            .unwrap();
        let request = ExportTraceServiceRequest {
            resource_spans: vec![
                ResourceSpans {
                    scope_spans: vec![spans(&["a", "b"]), spans(&["c"])],
                    ..Default::default()
                },
                ResourceSpans {
                    scope_spans: vec![spans(&[]), spans(&["d", "e", "f"])],
                    ..Default::default()
                },
            ],
        };
        client.export(request.clone()).await.unwrap();
        client.export(request).await.unwrap();
        assert_eq!(receiver.span_count(), 12);
        assert!(
            receiver.spans().is_empty(),
            "a counting receiver keeps none"
        );
    }
}
