//! Assembles the gRPC server: our services, health, reflection (v1 and v1alpha) and gRPC-Web on
//! one port. It runs in phases: start (health NOT_SERVING while the database is prepared), wire
//! (feed, writer, mirror, the services' context), serve, and stop (graceful shutdown).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinHandle;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};
use tower::util::option_layer;
use tower_http::cors::CorsLayer;
use tracing::{info, warn};

pub mod auth;
mod connect;
pub(crate) mod connections;
mod deadline;
mod gate;
pub mod metrics;
mod tls;
mod trace;

use auth::keys::KeysFileWatch;
use auth::{Access, AuthLayer};
use connect::ConnectLayer;
pub use connect::Transcoder;
use connections::{Connection, accept_each};
use metrics::MetricsLayer;
use metrics::endpoint::MetricsEndpoint;
use tls::{Tls, TlsFiles};

use crate::api::Context;
use crate::api::benchmark_service::BenchmarkApi;
use crate::api::customer_service::CustomerApi;
use crate::api::follow_up_service::FollowUpApi;
use crate::api::invitation_service::InvitationApi;
use crate::api::open_calls::OpenCalls;
use crate::api::rating_service::RatingApi;
use crate::api::report_service::ReportApi;
use crate::api::survey_service::SurveyApi;
use crate::config::{Config, CorsOrigin};
use crate::error::{Error, Result};
use crate::feed::Feed;
use crate::ingest::{WriterHandle, WriterStop};
use crate::invitations::InvitationWriter;
use crate::pb::benchmark_service_server::BenchmarkServiceServer;
use crate::pb::customer_service_server::CustomerServiceServer;
use crate::pb::follow_up_service_server::FollowUpServiceServer;
use crate::pb::invitation_service_server::InvitationServiceServer;
use crate::pb::rating_service_server::RatingServiceServer;
use crate::pb::report_service_server::ReportServiceServer;
use crate::pb::survey_service_server::SurveyServiceServer;
use crate::reports::Reports;
use crate::reports::mirror::RollupMirror;
use crate::reports::watchers::Watchers;
use crate::store::rollups::RollupZone;
use crate::store::{Probe, Store, SurveyCache};

/// The encoded descriptors of `proto/csat/v1`, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/csat_descriptor.bin"));

/// Health service names reported besides `""`.
pub const SERVICE_NAMES: [&str; 7] = [
    "csat.v1.SurveyService",
    "csat.v1.RatingService",
    "csat.v1.ReportService",
    "csat.v1.BenchmarkService",
    "csat.v1.FollowUpService",
    "csat.v1.CustomerService",
    "csat.v1.InvitationService",
];

/// Idle connections are pinged this often, and closed when a ping goes unanswered this long: a
/// client whose host vanished without closing its connection (a node lost, a network cut) would
/// otherwise hold its calls open for ever, a followed StreamRatings with no new ratings most of
/// all, since nothing is ever written to it that could fail.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(60);
const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a browser may reuse the answer to a preflight request.
const CORS_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest wait, after the drain, for the writer's last commit and the pools to close.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the database is probed, to drive health: a probe takes at most a second more, so
/// an outage shows within about one and a half, and calls are refused at once after two failed
/// probes in a row.
const DATABASE_CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// HTTP/2 receive windows. gRPC clients built on grpc-core (Python, C++, Ruby, C#, PHP) send each
/// message of a stream in a DATA frame of its own, a rating in well under 256 bytes. While an
/// import waits for the writer, such frames queue unread up to the stream's window, and the
/// HTTP/2 layer closes the whole connection (`ENHANCE_YOUR_CALM`) once their framing overhead
/// exceeds half the connection window. A small stream window stops the client first: a paused
/// stream of minimal ratings (12-byte frames) queues 1.3 MiB of overhead against a budget of
/// 8 MiB, and larger windows would not make loopback or LAN uploads faster.
const STREAM_RECEIVE_WINDOW: u32 = 64 * 1024;
const CONNECTION_RECEIVE_WINDOW: u32 = 16 * 1024 * 1024;

/// The smallest `--max-message-bytes`: a survey with its longest texts, or a rating with its
/// longest comment and attributes, must fit.
const MIN_MESSAGE_BYTES: usize = 64 * 1024;

/// How many bytes of JSON a call over HTTP may send per byte of protobuf it stands for: field
/// names, quoting and base64 make JSON the larger form, and the codec still enforces
/// `--max-message-bytes` on the protobuf.
const JSON_BYTES_PER_MESSAGE_BYTE: usize = 4;

/// Longest wait for the connections of the starting phase (health and reflection only) to close
/// once the database is ready; a client's health Watch would otherwise hold them open.
const STARTING_DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

/// A server with its port bound and its database connected, ready to run.
pub struct Server {
    listener: TcpListener,
    store: Store,
    drain_timeout: Duration,
    zones: Vec<RollupZone>,
    caps: Caps,
    answering: Answering,
    tls: Option<Tls>,
    metrics: Option<MetricsEndpoint>,
    /// How long comments are kept; `None`: for good.
    comment_retention: Option<Duration>,
}

/// Limits on what clients may hold open.
#[derive(Debug, Clone, Copy)]
struct Caps {
    connections: usize,
    streams_per_connection: u32,
    rating_streams: usize,
    report_watchers: usize,
}

impl Server {
    /// Connects to the database and binds the listen address (port 0 picks a free port: see
    /// [`Server::local_addr`]). Migrations and rollup zones wait for [`Server::run_until_stopped`],
    /// which answers health meanwhile.
    pub async fn bind(config: &Config) -> Result<Server> {
        let zones = config.rollup_time_zones.clone();
        let cors = cors_for(&config.cors_allowed_origins);
        if !(1..=Semaphore::MAX_PERMITS).contains(&config.max_connections) {
            return Err(Error::invalid_field(
                "max_connections",
                "must be at least 1 (with none, no call could ever be answered)",
            ));
        }
        if config.max_streams_per_connection == 0 {
            return Err(Error::invalid_field(
                "max_streams_per_connection",
                "must be at least 1 (with none, no call could ever be made)",
            ));
        }
        if config.max_message_bytes < MIN_MESSAGE_BYTES {
            return Err(Error::invalid_field(
                "max_message_bytes",
                format!("must be at least {MIN_MESSAGE_BYTES} (a survey or a rating must fit)"),
            ));
        }
        let access = access_for(config).await?;
        let tls = TlsFiles::from_flags(
            config.tls_cert.as_deref(),
            config.tls_key.as_deref(),
            config.tls_client_ca.as_deref(),
        )?
        .map(Tls::load)
        .transpose()?;
        let store = Store::connect(&config.database.database_url).await?;
        let listener = TcpListener::bind(config.listen).await.map_err(|cause| {
            Error::internal(format!("cannot listen on {}: {cause}", config.listen))
        })?;
        let metrics = match config.metrics_listen {
            Some(address) => Some(MetricsEndpoint::bind(address).await?),
            None => None,
        };
        // After the endpoint: binding it installs the recorder the layer's counters record into.
        let metrics_layer = match &metrics {
            Some(_) => MetricsLayer::on()?,
            None => MetricsLayer::off(),
        };
        Ok(Server {
            metrics,
            listener,
            store,
            drain_timeout: Duration::from_secs(config.drain_timeout_seconds),
            zones,
            caps: Caps {
                connections: config.max_connections,
                streams_per_connection: config.max_streams_per_connection,
                rating_streams: config.max_rating_streams,
                report_watchers: config.max_report_watchers,
            },
            answering: Answering {
                cors,
                access,
                reflection: config.reflection,
                message_bytes: config.max_message_bytes,
                metrics: metrics_layer,
            },
            tls,
            comment_retention: config
                .comment_retention_days
                .map(|days| Duration::from_secs(u64::from(days) * 86_400)),
        })
    }

    /// Returns the address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        local_addr(&self.listener)
    }

    /// Returns the address `/metrics` is served on, if it is.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(MetricsEndpoint::local_addr)
    }

    /// Serves until `stop` completes, then shuts down gracefully: health turns NOT_SERVING, open
    /// streams end with OK, calls in flight finish, the writer commits what it has, and this returns.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()> + Send) -> Result<()> {
        let Server {
            listener,
            store,
            drain_timeout,
            zones,
            caps,
            answering,
            tls,
            metrics,
            comment_retention,
        } = self;
        let mut stop = std::pin::pin!(stop);
        let preparing = prepare_database(&store, &zones);
        // Served from the start, through migrations, until this returns (dropping it stops it).
        let served_metrics = metrics.map(|endpoint| endpoint.serve(store.clone()));
        // Not closing the store on the way out: a connection may still wait on PostgreSQL for
        // another replica's migration lock, and closing would wait with it.
        let Some(port) = start(
            listener,
            caps.connections,
            answering,
            tls,
            preparing,
            stop.as_mut(),
        )
        .await?
        else {
            info!("stopped while starting");
            return Ok(());
        };
        let Wired {
            context,
            shutdown,
            background,
        } = wire(store, caps, &port.health).await?;
        if let Some(served) = &served_metrics {
            served.follow_feed(&context.feed);
        }
        if let Some(retention) = comment_retention {
            tokio::spawn(sweep_comments(
                context.store.clone(),
                retention,
                context.shutdown.clone(),
            ));
        }
        let served = serve(
            port,
            context,
            shutdown,
            caps.streams_per_connection,
            drain_timeout,
            stop,
        )
        .await;
        background.stop().await;
        served?;
        info!("stopped");
        Ok(())
    }
}

/// The listening socket and what every phase answers on it alike: the cap on connections, TLS,
/// CORS for gRPC-Web, the Connect protocol (HTTP/JSON), metrics, health, and reflection if served.
struct Port {
    listener: Arc<TcpListener>,
    connection_places: Arc<Semaphore>,
    tls: Option<Tls>,
    connect: ConnectLayer,
    health: HealthReporter,
    answering: Answering,
}

/// How the port answers callers, from the settings.
struct Answering {
    cors: Option<CorsLayer>,
    access: Access,
    reflection: bool,
    message_bytes: usize,
    /// Measures calls when `/metrics` is served.
    metrics: MetricsLayer,
}

impl Port {
    /// Returns the connections to serve, each once a place under the cap is free.
    fn incoming(&self) -> impl Stream<Item = io::Result<Connection>> + use<> {
        accept_each(
            self.listener.clone(),
            self.connection_places.clone(),
            self.tls.clone(),
        )
    }

    /// The same, for the last phase: the stream holds the listening socket's last reference, so
    /// dropping it (tonic does at the stop signal) closes the socket. Connections made during the
    /// drain are then refused, and clients retry them elsewhere at once, instead of waiting in
    /// the kernel's backlog, unanswered, until the process exits (past their deadline when a
    /// long call such as a health Watch holds the drain open).
    fn into_incoming(self) -> impl Stream<Item = io::Result<Connection>> {
        accept_each(self.listener, self.connection_places, self.tls)
    }

    /// Returns a health service that answers what `health` reports.
    fn health_service(&self) -> HealthServer<HealthService> {
        HealthServer::new(HealthService::from_health_reporter(self.health.clone()))
    }
}

/// The start phase: turns health NOT_SERVING and answers it (and reflection, and UNAVAILABLE to
/// every other call) while `preparing` runs. Migrations and a new rollup zone can take minutes
/// on a large database, and an orchestrator's probes must see a process starting, not a dead
/// one. Returns the port once the database is ready and the phase's connections are closed,
/// or `None` if `stop` completed first.
async fn start(
    listener: TcpListener,
    max_connections: usize,
    answering: Answering,
    tls: Option<Tls>,
    preparing: impl Future<Output = Result<()>>,
    stop: impl Future<Output = ()>,
) -> Result<Option<Port>> {
    let port = Port {
        tls,
        health: HealthReporter::new(),
        connect: ConnectLayer::new(
            Transcoder::new()?,
            answering
                .message_bytes
                .saturating_mul(JSON_BYTES_PER_MESSAGE_BYTE),
        ),
        connection_places: Arc::new(Semaphore::new(max_connections)),
        listener: Arc::new(listener),
        answering,
    };
    set_health(&port.health, ServingStatus::NotServing).await;
    info!(address = %local_addr(&port.listener), "csat listening");

    let (ready_sender, ready) = oneshot::channel::<()>();
    let starting = spawn_starting_server(&port, ready)?;
    let prepared = tokio::select! {
        prepared = preparing => Some(prepared),
        _ = stop => None,
    };
    let _ = ready_sender.send(());
    let starting_abort = starting.abort_handle();
    if tokio::time::timeout(STARTING_DRAIN_TIMEOUT, starting)
        .await
        .is_err()
    {
        starting_abort.abort();
    }
    match prepared {
        Some(Ok(())) => Ok(Some(port)),
        Some(Err(cause)) => Err(cause),
        None => Ok(None),
    }
}

/// Serves health, reflection and [`still_starting`] on `port` until `ready` fires.
fn spawn_starting_server(
    port: &Port,
    ready: oneshot::Receiver<()>,
) -> Result<JoinHandle<std::result::Result<(), tonic::transport::Error>>> {
    let mut starting_routes = tonic::service::Routes::new(port.health_service());
    if port.answering.reflection {
        starting_routes = starting_routes
            .add_service(reflection_v1()?)
            .add_service(reflection_v1alpha()?);
    }
    let starting_routes = starting_routes.into_axum_router().fallback(still_starting);
    Ok(tokio::spawn(
        tonic::transport::Server::builder()
            .accept_http1(true)
            .layer(option_layer(port.answering.cors.clone()))
            .layer(port.connect.clone())
            .layer(tonic_web::GrpcWebLayer::new())
            .layer(port.answering.metrics)
            .add_routes(starting_routes.into())
            .serve_with_incoming_shutdown(port.incoming(), async {
                let _ = ready.await;
            }),
    ))
}

/// What the wire phase starts: the context the services share, the signal that tells its
/// streams and watchers to end, and what the stop phase ends after the serve phase.
struct Wired {
    context: Context,
    shutdown: watch::Sender<bool>,
    background: Background,
}

/// The wire phase: the feed, the writer and the rollup mirror, the context of every service, and
/// the database watch that drives health from now on.
async fn wire(store: Store, caps: Caps, health: &HealthReporter) -> Result<Wired> {
    let (shutdown_sender, shutdown) = watch::channel(false);
    let feed = Feed::start(store.clone(), shutdown.clone()).await?;
    let (writer, writer_stop, mirror) = spawn_writer_and_mirror(&store, &feed, &shutdown)?;
    let reports = Reports::new(store.clone(), mirror);
    let context = Context {
        store: store.clone(),
        writer,
        invitations: InvitationWriter::spawn(store.clone())?,
        watchers: Watchers::new(reports.clone(), feed.clone(), shutdown.clone()),
        feed,
        surveys: SurveyCache::default(),
        reports,
        rating_streams: OpenCalls::new(
            caps.rating_streams,
            "TOO_MANY_RATING_STREAMS",
            "StreamRatings calls",
            "--max-rating-streams",
            crate::monitoring::OPEN_RATING_STREAMS,
        ),
        report_watchers: OpenCalls::new(
            caps.report_watchers,
            "TOO_MANY_REPORT_WATCHERS",
            "WatchReport calls",
            "--max-report-watchers",
            crate::monitoring::OPEN_REPORT_WATCHERS,
        ),
        shutdown: shutdown.clone(),
    };
    let health_watch = tokio::spawn(watch_database(store.clone(), health.clone(), shutdown));
    Ok(Wired {
        context,
        shutdown: shutdown_sender,
        background: Background {
            health_watch,
            writer_stop,
            store,
        },
    })
}

/// Starts the writer and the copy of the rollups in memory that follows the feed.
fn spawn_writer_and_mirror(
    store: &Store,
    feed: &Feed,
    shutdown: &watch::Receiver<bool>,
) -> Result<(WriterHandle, WriterStop, RollupMirror)> {
    let (writer, writer_stop) = WriterHandle::spawn(store.clone(), feed.clone())?;
    let mirror = RollupMirror::new(store.clone());
    tokio::spawn(mirror.clone().follow(feed.clone(), shutdown.clone()));
    Ok((writer, writer_stop, mirror))
}

/// The serve phase: every service, behind the database gate, until `stop` completes; then the
/// port closes (new connections are refused), health turns NOT_SERVING, `shutdown` ends the
/// streams, and the calls in flight have `drain_timeout` to finish.
async fn serve(
    port: Port,
    context: Context,
    shutdown: watch::Sender<bool>,
    streams_per_connection: u32,
    drain_timeout: Duration,
    stop: impl Future<Output = ()> + Send,
) -> Result<()> {
    let stop_reporter = port.health.clone();
    let (stopping_sender, stopping) = oneshot::channel::<()>();
    let graceful_stop = async move {
        stop.await;
        info!("shutting down: draining calls");
        set_health(&stop_reporter, ServingStatus::NotServing).await;
        let _ = shutdown.send(true);
        let _ = stopping_sender.send(());
    };
    // Calls that never end by themselves (a client's health Watch) must not hold the process.
    let drain_deadline = async move {
        if stopping.await.is_ok() {
            tokio::time::sleep(drain_timeout).await;
        } else {
            std::future::pending::<()>().await;
        }
    };

    let message_bytes = port.answering.message_bytes;
    let serving = tonic::transport::Server::builder()
        .initial_stream_window_size(STREAM_RECEIVE_WINDOW)
        .initial_connection_window_size(CONNECTION_RECEIVE_WINDOW)
        // tonic leaves it unlimited: 3,000 calls on one connection held 681 MB.
        .max_concurrent_streams(streams_per_connection)
        .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(KEEPALIVE_TIMEOUT))
        .accept_http1(true)
        .layer(option_layer(port.answering.cors.clone()))
        .layer(port.connect.clone())
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(port.answering.metrics)
        // One span per call, so every log line of a call names its method (and, with traces on,
        // its trace id): the call's OpenTelemetry span.
        .layer(trace::CallSpanLayer::new())
        .layer(deadline::DeadlineLayer)
        .layer(AuthLayer::new(port.answering.access.clone()))
        .layer(gate::DatabaseGateLayer::new(context.store.clone()))
        .add_service(port.health_service())
        .add_optional_service(port.answering.reflection.then(reflection_v1).transpose()?)
        .add_optional_service(
            port.answering
                .reflection
                .then(reflection_v1alpha)
                .transpose()?,
        )
        .add_service(
            SurveyServiceServer::new(SurveyApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            RatingServiceServer::new(RatingApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            ReportServiceServer::new(ReportApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            BenchmarkServiceServer::new(BenchmarkApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            FollowUpServiceServer::new(FollowUpApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            InvitationServiceServer::new(InvitationApi::new(context.clone()))
                .max_decoding_message_size(message_bytes),
        )
        .add_service(
            CustomerServiceServer::new(CustomerApi::new(context))
                .max_decoding_message_size(message_bytes),
        )
        .serve_with_incoming_shutdown(port.into_incoming(), graceful_stop);
    tokio::select! {
        served = serving => served.map_err(Error::internal),
        _ = drain_deadline => {
            warn!(seconds = drain_timeout.as_secs(), "drain timeout: closing the calls still open");
            Ok(())
        }
    }
}

/// What the wire phase started that outlives the serve phase.
struct Background {
    health_watch: JoinHandle<()>,
    writer_stop: WriterStop,
    store: Store,
}

impl Background {
    /// The stop phase, once the calls are drained or the drain timed out: connections that
    /// outlived the drain may still hold writer handles, so the writer is stopped explicitly, and
    /// the clean-up is bounded so that nothing a lingering call holds keeps the process alive.
    async fn stop(self) {
        self.health_watch.abort();
        if tokio::time::timeout(CLEANUP_TIMEOUT, async {
            self.writer_stop.stop().await;
            self.store.close().await;
        })
        .await
        .is_err()
        {
            warn!("clean-up timed out: exiting anyway");
        }
    }
}

/// Returns how the server authenticates, from the settings: a keys file read now (a bad one stops
/// the start), or no one on a loopback address or with `--allow-unauthenticated`. Anything else
/// would let any host of the network write and read personal data, so the start stops and says
/// what to do.
async fn access_for(config: &Config) -> Result<Access> {
    if let Some(path) = &config.api_keys_file {
        return KeysFileWatch::open(path)
            .await
            .map(Access::Keys)
            .map_err(|reason| Error::invalid_field("api_keys_file", reason));
    }
    if config.listen.ip().is_loopback() {
        return Ok(Access::Open);
    }
    if config.allow_unauthenticated {
        warn!(
            address = %config.listen,
            "--allow-unauthenticated: any host that reaches this address may write and read \
             ratings, comments and customer ids, and change surveys; give --api-keys-file to \
             require keys"
        );
        return Ok(Access::Open);
    }
    Err(Error::invalid_field(
        "listen",
        format!(
            "refusing to listen on {} with no authentication: give --api-keys-file with the \
             callers' keys (`csat keys new` makes an entry) and, with --tls-client-ca, the \
             scopes of each client certificate's principal under `clients:`; or listen on \
             127.0.0.1, or pass --allow-unauthenticated to let any host that reaches this \
             address do anything",
            config.listen
        ),
    ))
}

fn local_addr(listener: &TcpListener) -> SocketAddr {
    // A bound listener always has an address; the fallback is unreachable in practice.
    listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
}

/// Applies migrations and makes the stored rollup zones the configured ones.
async fn prepare_database(store: &Store, zones: &[RollupZone]) -> Result<()> {
    store.migrate().await?;
    store.sync_rollup_zones(zones).await
}

/// The answer to every call but health and reflection while the database is being prepared:
/// UNAVAILABLE, which gRPC clients retry, rather than the UNIMPLEMENTED of an unknown service.
async fn still_starting() -> tonic::codegen::http::Response<tonic::body::Body> {
    let status = tonic::Status::unavailable(
        "csat is starting (migrations or rollup builds are running); retry shortly",
    );
    let (parts, ()) = status.into_http::<()>().into_parts();
    tonic::codegen::http::Response::from_parts(parts, tonic::body::Body::empty())
}

/// CORS for gRPC-Web from pages of `origins` (`*`: any), `None` for none. The browser asks
/// first (a preflight OPTIONS), and lets a page read a call's status from the response headers
/// (`grpc-status`, and the BadRequest in `grpc-status-details-bin`) only if told it may.
fn cors_for(origins: &[CorsOrigin]) -> Option<CorsLayer> {
    use tower_http::cors::{AllowHeaders, AllowOrigin};
    let mut any = false;
    let mut listed = Vec::new();
    for entry in origins {
        match entry {
            CorsOrigin::Nothing => {}
            CorsOrigin::Any => any = true,
            CorsOrigin::Listed(origin) => listed.push(origin.clone()),
        }
    }
    let allowed = match (any, listed.is_empty()) {
        (true, _) => AllowOrigin::any(),
        (false, false) => AllowOrigin::list(listed),
        (false, true) => return None,
    };
    let header = tonic::codegen::http::HeaderName::from_static;
    Some(
        CorsLayer::new()
            .allow_origin(allowed)
            .allow_methods([tonic::codegen::http::Method::POST])
            // Whatever metadata the page sends (an authorization header, a request id).
            .allow_headers(AllowHeaders::mirror_request())
            .expose_headers([
                header("grpc-status"),
                header("grpc-message"),
                header("grpc-status-details-bin"),
            ])
            .max_age(CORS_MAX_AGE),
    )
}

/// Reflection v1 over our protos, health's, and the error details (so that grpcurl and others
/// can decode ErrorInfo and BadRequest).
fn reflection_v1() -> Result<
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
> {
    reflection_builder().build_v1().map_err(Error::internal)
}

/// The same for v1alpha, the only version grpcurl speaks.
fn reflection_v1alpha() -> Result<
    tonic_reflection::server::v1alpha::ServerReflectionServer<
        impl tonic_reflection::server::v1alpha::ServerReflection,
    >,
> {
    reflection_builder()
        .build_v1alpha()
        .map_err(Error::internal)
}

fn reflection_builder() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
}

async fn set_health(reporter: &HealthReporter, status: ServingStatus) {
    reporter.set_service_status("", status).await;
    for service_name in SERVICE_NAMES {
        reporter.set_service_status(service_name, status).await;
    }
}

/// Keeps health SERVING while the database takes reads and writes, NOT_SERVING while it does
/// not, until shutdown.
async fn watch_database(store: Store, reporter: HealthReporter, shutdown: watch::Receiver<bool>) {
    let mut probe = Probe::open(&store);
    let mut serving = false;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let can_serve = probe.check().await;
        if can_serve != serving && !*shutdown.borrow() {
            serving = can_serve;
            if serving {
                info!("the database takes reads and writes: serving");
                set_health(&reporter, ServingStatus::Serving).await;
            } else {
                warn!(
                    out_of_reach = store.health().out_of_reach(),
                    writes_failing = store.health().writes_failing(),
                    "the database does not answer or take writes: not serving"
                );
                set_health(&reporter, ServingStatus::NotServing).await;
            }
        }
        tokio::time::sleep(DATABASE_CHECK_INTERVAL).await;
    }
}

/// How often the retention sweep looks for comments past their time.
const COMMENT_SWEEP_INTERVAL: Duration = Duration::from_secs(3_600);

/// Erases the comments older than `retention`, at start and every [`COMMENT_SWEEP_INTERVAL`].
/// Every replica sweeps: a sweep is idempotent, and replicas sweeping at once only find less.
async fn sweep_comments(store: Store, retention: Duration, mut shutdown: watch::Receiver<bool>) {
    let retention_micros = i64::try_from(retention.as_micros()).unwrap_or(i64::MAX);
    loop {
        let before = crate::domain::now_micros().saturating_sub(retention_micros);
        match store.erase_comments_before(before).await {
            Ok(0) => {}
            Ok(erased) => info!(erased, "erased the comments past their retention"),
            Err(error) => warn!(%error, "the comment retention sweep failed; it runs again later"),
        }
        tokio::select! {
            _ = tokio::time::sleep(COMMENT_SWEEP_INTERVAL) => {}
            _ = shutdown.wait_for(|stopping| *stopping) => return,
        }
    }
}

/// Completes on SIGTERM (how Kubernetes stops a pod) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(cause) => {
                warn!(error = %cause, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = terminate => info!("SIGTERM received"),
        _ = tokio::signal::ctrl_c() => info!("SIGINT received"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_is_off_unless_an_origin_is_allowed() {
        assert!(cors_for(&[]).is_none());
        assert!(cors_for(&[CorsOrigin::Nothing]).is_none());
        assert!(cors_for(&[CorsOrigin::Any]).is_some());
        let origin = tonic::codegen::http::HeaderValue::from_static("https://a.example");
        assert!(cors_for(&[CorsOrigin::Listed(origin)]).is_some());
    }
}
