//! A small OTLP/gRPC trace receiver, in process, on a loopback port: what the traces test checks
//! the exported spans against, and where a benchmark with traces on points the exporter
//! (`OTEL_EXPORTER_OTLP_ENDPOINT` = [`OtlpReceiver::endpoint`]) so that exporting costs what it
//! costs against a real collector, minus the collector's own work.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
    keeps_spans: bool,
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
        let received = Arc::new(Received {
            keeps_spans,
            ..Received::default()
        });
        let service = TraceServiceServer::new(Collector(received.clone()))
            .max_decoding_message_size(MAX_EXPORT_BYTES);
        let server = tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
                .await;
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
        if received.keeps_spans {
            let mut kept = lock(&received.spans);
            let before = kept.len();
            kept.extend(spans);
            received
                .count
                .fetch_add(kept.len() - before, Ordering::Relaxed);
        } else {
            received.count.fetch_add(spans.count(), Ordering::Relaxed);
        }
        received.arrived.notify_waiters();
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

/// Locks `spans`, recovering them if a panicking holder poisoned the lock: a receiver for tests
/// and benchmarks has nothing to protect.
fn lock(spans: &Mutex<Vec<ReceivedSpan>>) -> std::sync::MutexGuard<'_, Vec<ReceivedSpan>> {
    spans
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
