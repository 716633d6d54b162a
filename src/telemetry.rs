//! Traces over OTLP, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set. Unset, no OpenTelemetry layer is installed
//! at all, so a call costs what it did before: the per-call span has the fields it always had
//! and no work of this module runs on the request path.
//!
//! Set, three kinds of span are exported, all under the caller's trace when its `traceparent`
//! says one: the call (`server::trace`), the writer's commit of the batch its ratings went into,
//! and the fsync that made that commit durable. The standard variables are honoured by the
//! OpenTelemetry SDK itself: `OTEL_SERVICE_NAME` (default `csat` here),
//! `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` and `_ARG`, `OTEL_BSP_*`,
//! `OTEL_EXPORTER_OTLP_{TRACES_,}{TIMEOUT,HEADERS,COMPRESSION,INSECURE}`. The protocol is gRPC;
//! `http/protobuf` would need an HTTP client the SDK can drive from its own export thread
//! (reqwest's blocking client, a second HTTP stack in the tree), so it is refused at start.

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer, TracerProvider};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{WithExportConfig, WithTonicConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;
use crate::error::{Error, Result};

/// The service name exported when neither `OTEL_SERVICE_NAME` nor `OTEL_RESOURCE_ATTRIBUTES`
/// names one (the SDK would say `unknown_service`).
const DEFAULT_SERVICE_NAME: &str = "csat";

/// Most links an fsync span carries to the other commits it served; OpenTelemetry's
/// default `OTEL_SPAN_LINK_COUNT_LIMIT` drops any beyond 128 anyway.
const MAX_LINKS: usize = 127;

/// How long the exit waits for the last spans to reach the collector.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The target of every span exported, and of no other: the OpenTelemetry layer listens to this
/// target only, so no log line turns into a span event.
pub const TARGET: &str = "csat::traces";

/// Returns whether spans are exported (an OTLP endpoint was configured at start): whether the
/// calls' tracer is set, which is read on the request path instead of asking the subscriber,
/// which costs a downcast per call.
pub fn traces_on() -> bool {
    CALL_TRACER.get().is_some()
}

/// The tracer of the calls' spans. A call's span is made with the SDK directly, not as a
/// `tracing` span turned into one by the OpenTelemetry layer: that layer works at every poll of
/// the call (entering and leaving the span), which cost SubmitRating a fifth of its rate with
/// every call sampled. The writer's commit and fsync spans, one per batch, go through the layer.
static CALL_TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// Starts the OpenTelemetry server span of a call named `name`, a child of `parent` (the caller's
/// context from its `traceparent`, or an empty one), and returns the context that holds it; `None`
/// when traces are off. The span is ended by whoever holds the context when the call is done.
pub fn start_call_span(name: &str, attributes: Vec<KeyValue>, parent: &Context) -> Option<Context> {
    let tracer = CALL_TRACER.get()?;
    let span = tracer
        .span_builder(name.to_string())
        .with_kind(SpanKind::Server)
        .with_attributes(attributes)
        .start_with_context(tracer, parent);
    Some(parent.with_span(span))
}

/// What [`init`] installed; [`Telemetry::shutdown`] flushes the spans still queued.
#[must_use = "without shutdown, spans of the last seconds are lost at exit"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still queued and stops the exporter. Runs the SDK's blocking flush on a
    /// thread of its own: the gRPC exporter needs this runtime free to send.
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else {
            return;
        };
        let flushed =
            tokio::task::spawn_blocking(move || provider.shutdown_with_timeout(SHUTDOWN_TIMEOUT))
                .await;
        match flushed {
            Ok(Ok(())) => {}
            Ok(Err(cause)) => {
                tracing::warn!(error = %cause, "traces: the last spans were not exported")
            }
            Err(cause) => tracing::warn!(error = %cause, "traces: the flush panicked"),
        }
    }
}

/// Installs the log subscriber in `format` and, when an OTLP endpoint is configured, the
/// OpenTelemetry layer beside it. Must run inside the Tokio runtime (the gRPC exporter's channel
/// is spawned on it). Errs, with logging installed, on an OTLP setting it cannot honour.
pub fn init(format: LogFormat) -> Result<Telemetry> {
    if !endpoint_configured() {
        crate::config::init_tracing(format);
        return Ok(Telemetry { provider: None });
    }
    let provider = match tracer_provider() {
        Ok(provider) => provider,
        Err(cause) => {
            crate::config::init_tracing(format);
            return Err(cause);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let log_layer = match format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer().boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer().json().boxed(),
    };
    // A second installation (tests) keeps the first one; nothing to report.
    let _ = tracing_subscriber::registry()
        .with(log_layer.with_filter(filter))
        .with(exporting_layer(&provider))
        .try_init();
    let _ = CALL_TRACER.set(provider.tracer("csat"));
    tracing::info!(
        endpoint = %configured_endpoint().unwrap_or_default(),
        "traces: exporting over OTLP/gRPC"
    );
    Ok(Telemetry {
        provider: Some(provider),
    })
}

/// The layer that turns the spans of [`TARGET`] into OpenTelemetry spans. It has a filter of its
/// own: the export follows what csat does, not how verbose its logs are (RUST_LOG=warn must not
/// turn the spans off).
fn exporting_layer<S>(provider: &SdkTracerProvider) -> impl Layer<S> + use<S>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    let exported = tracing_subscriber::filter::Targets::new()
        .with_target(TARGET, tracing::Level::INFO)
        .with_default(tracing_subscriber::filter::LevelFilter::OFF);
    tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("csat"))
        // Busy and idle time would cost two clock reads at every poll of a call; the commit and
        // fsync spans already say where a SubmitRating waited.
        .with_tracked_inactivity(false)
        .with_location(false)
        .with_threads(false)
        .with_target(false)
        .with_context_activation(false)
        .with_filter(exported)
}

/// The endpoint the standard variables name for traces, the signal's own first.
fn configured_endpoint() -> Option<String> {
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .into_iter()
    .filter_map(|name| std::env::var(name).ok())
    .find(|value| !value.trim().is_empty())
}

/// Whether traces are wanted: an endpoint is set, and neither `OTEL_SDK_DISABLED=true` nor
/// `OTEL_TRACES_EXPORTER=none` turns them off.
fn endpoint_configured() -> bool {
    let disabled = std::env::var("OTEL_SDK_DISABLED")
        .is_ok_and(|value| value.trim().eq_ignore_ascii_case("true"))
        || std::env::var("OTEL_TRACES_EXPORTER")
            .is_ok_and(|value| value.trim().eq_ignore_ascii_case("none"));
    !disabled && configured_endpoint().is_some()
}

/// The SDK's provider with a batch processor (its own thread; a full queue drops spans rather
/// than wait) in front of the OTLP/gRPC exporter.
fn tracer_provider() -> Result<SdkTracerProvider> {
    check_protocol()?;
    let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
    if configured_endpoint().is_some_and(|endpoint| endpoint.starts_with("https://")) {
        // The exporter's default TLS trusts no root at all; these are the ones the CLI trusts.
        exporter =
            exporter.with_tls_config(tonic::transport::ClientTlsConfig::new().with_enabled_roots());
    }
    let exporter = exporter.with_timeout(Duration::from_secs(10)).build();
    let exporter = exporter.map_err(|cause| Error::internal(format!("traces: {cause}")))?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource())
        .build())
}

/// Refuses a protocol other than gRPC rather than send gRPC to an HTTP receiver's port.
fn check_protocol() -> Result<()> {
    for name in [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ] {
        if let Ok(protocol) = std::env::var(name) {
            let protocol = protocol.trim();
            if protocol.is_empty() {
                continue;
            }
            if protocol.eq_ignore_ascii_case("grpc") {
                return Ok(());
            }
            return Err(Error::invalid_field(
                name,
                format!(
                    "csat exports traces over grpc only, not {protocol:?}: set it to grpc and point the endpoint at the collector's gRPC port (4317)"
                ),
            ));
        }
    }
    Ok(())
}

/// The resource the SDK reads from the environment, named `csat` unless it names itself.
fn resource() -> Resource {
    let detected = Resource::builder().build();
    let named_by_environment = detected
        .get(&opentelemetry::Key::new("service.name"))
        .is_some_and(|name| !name.as_str().starts_with("unknown_service"));
    let builder = Resource::builder()
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    if named_by_environment {
        builder.build()
    } else {
        builder.with_service_name(DEFAULT_SERVICE_NAME).build()
    }
}

/// Returns the trace id of `span` once its parent is set, for log lines, or `None` when the span
/// is not exported.
pub fn trace_id_of(span: &Span) -> Option<opentelemetry::trace::TraceId> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| span_context.trace_id())
}

/// Where a piece of the writer's work hangs in a trace: the span of a call waiting for its
/// commit, or of the commit an fsync makes durable. Empty when traces are off or the span is not
/// sampled, which is then all it costs.
#[derive(Clone, Default)]
pub struct TraceParent(Option<Context>);

impl TraceParent {
    /// The span of the call being answered (its context is current while the call is polled,
    /// see `server::trace`), if it is sampled.
    pub fn of_current_call() -> TraceParent {
        if !traces_on() {
            return TraceParent(None);
        }
        let context = Context::current();
        let sampled = context.span().span_context().is_sampled();
        TraceParent(sampled.then_some(context))
    }

    /// The OpenTelemetry span behind `span`, if it is sampled.
    pub fn of(span: &Span) -> TraceParent {
        if !traces_on() || span.is_none() {
            return TraceParent(None);
        }
        let context = span.context();
        let sampled = context.span().span_context().is_sampled();
        TraceParent(sampled.then_some(context))
    }
}

/// Returns the span of one commit of the writer, serving the calls whose parents are `callers`.
///
/// A commit serves many calls, each in a trace of its own. It becomes a child of the first
/// sampled caller, so that at least one trace shows the whole path of a rating (call, commit,
/// fsync) as a tree; every other sampled caller gets a link to the commit, so each of their
/// traces leads to the commit that stored its ratings. Links rather than a copy of the commit in
/// every trace: a batch of 4,096 submissions would otherwise export 4,096 commit spans. No links
/// back from the commit to those callers: `csat.batch.traced_requests` counts them, and a link
/// each way cost SubmitRating more than every other part of its tracing.
/// `Span::none()` when no caller is sampled.
pub fn commit_span<'a>(callers: impl IntoIterator<Item = &'a TraceParent>, ratings: usize) -> Span {
    if !traces_on() {
        return Span::none();
    }
    let mut sampled = callers.into_iter().filter_map(|parent| parent.0.as_ref());
    let Some(first) = sampled.next() else {
        return Span::none();
    };
    let span = tracing::info_span!(
        target: TARGET,
        "commit",
        otel.name = "csat.ingest/commit",
        csat.batch.ratings = as_attribute(ratings),
        csat.batch.traced_requests = Empty,
        trace_id = Empty,
    );
    adopt(&span, first);
    let commit = span.context().span().span_context().clone();
    let mut traced_requests = 1;
    for caller in sampled {
        traced_requests += 1;
        caller.span().add_link(commit.clone(), Vec::new());
    }
    span.record("csat.batch.traced_requests", as_attribute(traced_requests));
    span
}

/// Returns the span of one fsync, making durable the commits whose spans are `commits`: a child
/// of the first, linked to the others (one fsync serves every commit waiting when it starts).
/// `Span::none()` when none of them is traced.
pub fn fsync_span<'a>(commits: impl IntoIterator<Item = &'a TraceParent>) -> Span {
    if !traces_on() {
        return Span::none();
    }
    let mut traced = commits.into_iter().filter_map(|parent| parent.0.as_ref());
    let Some(first) = traced.next() else {
        return Span::none();
    };
    let span = tracing::info_span!(
        target: TARGET,
        "fsync",
        otel.name = "csat.ingest/fsync",
        trace_id = Empty,
    );
    adopt(&span, first);
    for commit in traced.take(MAX_LINKS) {
        span.add_link(commit.span().span_context().clone());
    }
    span
}

/// A count as an OpenTelemetry integer: a `usize` field would be exported as a string.
fn as_attribute(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Makes `span` a child of `parent` and names its trace in the log lines inside it.
fn adopt(span: &Span, parent: &Context) {
    let _ = span.set_parent(parent.clone());
    if let Some(trace_id) = trace_id_of(span) {
        span.record("trace_id", tracing::field::display(trace_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_traces_off_the_writer_spans_are_none() {
        let parents = [TraceParent::default(), TraceParent::default()];

        assert!(commit_span(&parents, 2).is_none());
        assert!(fsync_span(&parents).is_none());
        assert!(TraceParent::of_current_call().0.is_none());
    }
}
