//! `GET /metrics` in Prometheus text on a listener of its own (`--metrics-listen`), rendered by
//! metrics-exporter-prometheus from the process's recorder. What is cheaper to read than to
//! track (connections taken from the pools, the feed's lag behind storage) is read at each scrape.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::codegen::http::header::CONTENT_TYPE;
use tracing::{info, warn};

use crate::error::{Error, Result};
use crate::feed::Feed;
use crate::monitoring;
use crate::store::Store;

/// The content type of Prometheus' text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Longest a scrape waits for the database to tell its last sequence: a scrape must answer while
/// the database does not, since that is when its metrics matter most.
const STORAGE_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// The metrics listener, bound, with the process's recorder installed.
#[derive(Debug)]
pub struct MetricsEndpoint {
    listener: TcpListener,
    recorder: PrometheusHandle,
}

impl MetricsEndpoint {
    /// Installs the process's recorder (once) and binds `address`.
    pub async fn bind(address: SocketAddr) -> Result<MetricsEndpoint> {
        let recorder = monitoring::install()?;
        let listener = TcpListener::bind(address).await.map_err(|cause| {
            Error::internal(format!("cannot listen for metrics on {address}: {cause}"))
        })?;
        Ok(MetricsEndpoint { listener, recorder })
    }

    /// Returns the address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        super::super::local_addr(&self.listener)
    }

    /// Serves `/metrics` until [`ServedMetrics::stop`], reading `store`'s pools at each scrape.
    pub fn serve(self, store: Store) -> ServedMetrics {
        info!(address = %self.local_addr(), "metrics served at /metrics");
        let scraped = Arc::new(Scraped {
            recorder: self.recorder,
            store,
            feed: OnceLock::new(),
        });
        let router = axum::Router::new()
            .route("/metrics", get(scrape))
            .with_state(scraped.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .accept_http1(true)
                .add_routes(router.into())
                .serve_with_incoming_shutdown(TcpListenerStream::new(self.listener), async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(cause) = served {
                warn!(error = %cause, "the metrics listener failed");
            }
        });
        ServedMetrics {
            scraped,
            stop,
            serving,
        }
    }
}

/// What a scrape reads besides the recorder.
struct Scraped {
    recorder: PrometheusHandle,
    store: Store,
    /// Set once the feed runs, after the start phase.
    feed: OnceLock<Feed>,
}

/// The metrics listener, serving.
#[derive(Debug)]
pub struct ServedMetrics {
    scraped: Arc<Scraped>,
    stop: oneshot::Sender<()>,
    serving: JoinHandle<()>,
}

impl std::fmt::Debug for Scraped {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Scraped").finish_non_exhaustive()
    }
}

impl ServedMetrics {
    /// Shows the lag of `feed` behind storage from now on.
    pub fn follow_feed(&self, feed: &Feed) {
        let _ = self.scraped.feed.set(feed.clone());
    }

    /// Stops serving, once the process has nothing left to count.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.serving.await;
    }
}

async fn scrape(
    State(scraped): State<Arc<Scraped>>,
) -> (
    [(tonic::codegen::http::HeaderName, &'static str); 1],
    String,
) {
    let store = &scraped.store;
    metrics::gauge!(monitoring::DATABASE_CONNECTIONS_IN_USE).set(store.connections_in_use());
    if let Some(feed) = scraped.feed.get() {
        // Published first: storage only moves ahead of it, so the lag is never made negative.
        let published = feed.published_through();
        // On a database that does not answer, the gauge keeps its last value: health and the
        // calls' codes show the outage.
        let stored = tokio::time::timeout(STORAGE_READ_TIMEOUT, store.last_committed_sequence());
        if let Ok(Ok(stored)) = stored.await {
            let lag = stored.saturating_sub(published).max(0);
            metrics::gauge!(monitoring::FEED_LAG_SEQUENCES).set(lag as f64);
        }
    }
    ([(CONTENT_TYPE, TEXT_FORMAT)], scraped.recorder.render())
}
