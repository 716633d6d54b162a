//! Traces: the real binary with `OTEL_EXPORTER_OTLP_ENDPOINT` pointed at an OTLP receiver in this
//! process (the OpenTelemetry provider is global to a process). A caller's `traceparent`
//! continues into csat's spans of the call, the writer's commit and the fsync; the JSON log lines
//! of a call carry its trace id; SIGTERM exports what the batch processor still holds.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use csat::bench::otlp_receiver::{OtlpReceiver, ReceivedSpan};
use csat::pb;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use tonic::transport::Channel;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, free_address, rating, serve_arguments,
    wait_until_serving,
};

on_both_backends!(
    a_callers_trace_continues_into_the_call_commit_and_fsync,
    sigterm_exports_the_spans_still_queued,
);

/// The caller's trace, and the span ids of its two calls.
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CREATE_CALLER_SPAN_ID: &str = "00f067aa0ba902b7";
const SUBMIT_CALLER_SPAN_ID: &str = "b7ad6b7169203331";

/// OTLP's `SPAN_KIND_SERVER`.
const SPAN_KIND_SERVER: i32 = 2;

async fn a_callers_trace_continues_into_the_call_commit_and_fsync(backend: Backend) {
    let receiver = OtlpReceiver::start().await.expect("an OTLP receiver");
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    let (mut process, log_lines) = spawn_traced_csat(&database.url, address, &receiver, "50");
    let channel = connect(address).await;
    wait_until_serving(&channel).await;

    create_survey_in_trace(&channel).await;
    submit_rating_in_trace(&channel).await;
    let spans = receiver
        .wait_for_spans(Duration::from_secs(15), |spans| {
            ["SubmitRating", "commit", "fsync"]
                .iter()
                .all(|name| spans.iter().any(|span| span.name.ends_with(name)))
        })
        .await;
    process.kill().expect("the test stops csat");
    process.wait().expect("csat exits");
    database.drop_database().await;

    let call = named(&spans, "csat.v1.RatingService/SubmitRating");
    assert_eq!(
        hex(&call.trace_id),
        TRACE_ID,
        "the call is in the caller's trace"
    );
    assert_eq!(hex(&call.parent_span_id), SUBMIT_CALLER_SPAN_ID);
    assert_eq!(call.kind, SPAN_KIND_SERVER);
    assert_eq!(
        attribute(call, "rpc.system"),
        Some(Value::StringValue("grpc".into()))
    );
    assert_eq!(
        attribute(call, "rpc.service"),
        Some(Value::StringValue("csat.v1.RatingService".into()))
    );
    assert_eq!(
        attribute(call, "rpc.method"),
        Some(Value::StringValue("SubmitRating".into()))
    );
    assert_eq!(
        attribute(call, "rpc.grpc.status_code"),
        Some(Value::IntValue(0))
    );

    let commit = named(&spans, "csat.ingest/commit");
    assert_eq!(hex(&commit.trace_id), TRACE_ID);
    assert_eq!(
        commit.parent_span_id, call.span_id,
        "the commit is the call's child"
    );
    assert_eq!(
        attribute(commit, "csat.batch.ratings"),
        Some(Value::IntValue(1))
    );
    let fsync = named(&spans, "csat.ingest/fsync");
    assert_eq!(hex(&fsync.trace_id), TRACE_ID);
    assert_eq!(
        fsync.parent_span_id, commit.span_id,
        "the fsync is the commit's child"
    );

    let create = named(&spans, "csat.v1.SurveyService/CreateSurvey");
    assert_eq!(hex(&create.parent_span_id), CREATE_CALLER_SPAN_ID);
    let lines = log_lines.lock().expect("the log lines").clone();
    let audit_line = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| {
            line["fields"]["message"] == "audit" && line["fields"]["action"] == "CreateSurvey"
        })
        .unwrap_or_else(|| panic!("the JSON audit line of CreateSurvey among {lines:?}"));
    assert_eq!(
        audit_line["span"]["trace_id"], TRACE_ID,
        "the call's log line names its trace: {audit_line}"
    );
}

async fn sigterm_exports_the_spans_still_queued(backend: Backend) {
    let receiver = OtlpReceiver::start().await.expect("an OTLP receiver");
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    // Far longer than the test: only the flush at exit can send the spans.
    let (mut process, _log_lines) = spawn_traced_csat(&database.url, address, &receiver, "600000");
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    create_survey_in_trace(&channel).await;
    submit_rating_in_trace(&channel).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before_sigterm = receiver.span_count();

    let signalled = Command::new("kill")
        .args(["-TERM", &process.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let status = tokio::task::spawn_blocking(move || process.wait().expect("csat exits"))
        .await
        .expect("the wait");
    database.drop_database().await;

    assert_eq!(before_sigterm, 0, "nothing exported before the flush");
    assert!(status.success(), "csat exits 0 on SIGTERM: {status}");
    let spans = receiver.spans();
    let call = named(&spans, "csat.v1.RatingService/SubmitRating");
    assert_eq!(hex(&call.trace_id), TRACE_ID);
    named(&spans, "csat.ingest/commit");
    named(&spans, "csat.ingest/fsync");
}

/// Starts csat exporting to `receiver` every `schedule_delay_ms`, with JSON logs at info, and
/// returns it with the log lines it prints, collected as they come.
fn spawn_traced_csat(
    database_url: &str,
    address: SocketAddr,
    receiver: &OtlpReceiver,
    schedule_delay_ms: &str,
) -> (CsatProcess, Arc<Mutex<Vec<String>>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(database_url, address))
        .args(["--log-format", "json"])
        .env("RUST_LOG", "info")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_BSP_SCHEDULE_DELAY", schedule_delay_ms)
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_PROTOCOL")
        .env_remove("OTEL_TRACES_SAMPLER")
        .env_remove("OTEL_SDK_DISABLED")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the csat binary starts");
    let stdout = child.stdout.take().expect("csat's stdout");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collected = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            collected.lock().expect("the log lines").push(line);
        }
    });
    (CsatProcess::from(child), lines)
}

/// A `traceparent` header of the caller's trace, from its span `span_id`, sampled.
fn traceparent(span_id: &str) -> tonic::metadata::MetadataValue<tonic::metadata::Ascii> {
    format!("00-{TRACE_ID}-{span_id}-01")
        .parse()
        .expect("an ASCII header")
}

async fn create_survey_in_trace(channel: &Channel) {
    let mut request = tonic::Request::new(pb::CreateSurveyRequest {
        survey_id: "chat".into(),
        survey: Some(pb::Survey {
            display_name: "chat survey".into(),
            question: "How satisfied were you?".into(),
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Csat.into(),
            ..Default::default()
        }),
    });
    request
        .metadata_mut()
        .insert("traceparent", traceparent(CREATE_CALLER_SPAN_ID));
    SurveyServiceClient::new(channel.clone())
        .create_survey(request)
        .await
        .expect("CreateSurvey");
}

async fn submit_rating_in_trace(channel: &Channel) {
    let mut request = tonic::Request::new(pb::SubmitRatingRequest {
        rating: Some(rating("chat", "traced-1", 5)),
    });
    request
        .metadata_mut()
        .insert("traceparent", traceparent(SUBMIT_CALLER_SPAN_ID));
    RatingServiceClient::new(channel.clone())
        .submit_rating(request)
        .await
        .expect("SubmitRating");
}

/// The one span named `name` among `spans`.
fn named<'a>(spans: &'a [ReceivedSpan], name: &str) -> &'a ReceivedSpan {
    let matching: Vec<&ReceivedSpan> = spans.iter().filter(|span| span.name == name).collect();
    let names: Vec<&str> = spans.iter().map(|span| span.name.as_str()).collect();
    assert_eq!(matching.len(), 1, "one span {name} among {names:?}");
    matching[0]
}

fn attribute(span: &ReceivedSpan, key: &str) -> Option<Value> {
    span.attributes
        .iter()
        .find(|attribute| attribute.key == key)
        .and_then(|attribute| attribute.value.clone())
        .and_then(|value| value.value)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
