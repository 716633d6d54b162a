//! `/metrics` on `--metrics-listen`, scraped from the real binary (the `metrics` recorder is one
//! per process, and this test binary runs many servers at once): the grpc-go names and codes per
//! method after a mix of OK and failed calls over gRPC and HTTP/JSON, csat's own metrics, HELP for
//! every one, parsed by a Prometheus text parser; and the Grafana dashboard queries no name that
//! csat does not export.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use csat::monitoring::{self, Kind};
use csat::pb;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prometheus_parse::{Sample, Scrape, Value};
use tonic::Code;
use tonic::codegen::http::Request;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, create_csat_survey, free_address, rating,
    serve_arguments, wait_until_serving, with_key,
};
use crate::raw_grpc;

on_both_backends!(calls_are_counted_by_method_and_code_and_ratings_by_outcome);

/// The dashboard deploy/ ships.
const DASHBOARD: &str = "deploy/grafana/csat-dashboard.json";

/// One scrape of `/metrics`, parsed.
struct Scraped(Scrape);

impl Scraped {
    async fn from(metrics_address: SocketAddr) -> Scraped {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let request = Request::get(format!("http://{metrics_address}/metrics"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = tokio::time::timeout(Duration::from_secs(10), client.request(request))
            .await
            .expect("the metrics listener answers in time")
            .expect("the metrics listener answers HTTP");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(body.to_vec()).expect("the text format is UTF-8");
        Scraped(Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap())
    }

    /// The samples named `name` whose labels include `labels`.
    fn matching<'s>(
        &'s self,
        name: &'s str,
        labels: &'s [(&'s str, &'s str)],
    ) -> impl Iterator<Item = &'s Sample> + 's {
        self.0.samples.iter().filter(move |sample| {
            sample.metric == name
                && labels
                    .iter()
                    .all(|(label, value)| sample.labels.get(label) == Some(*value))
        })
    }

    /// The value of the one counter, gauge or histogram count named `name` with `labels`; 0 for
    /// none (a series is created at its first event).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let found: Vec<&Sample> = self.matching(name, labels).collect();
        assert!(
            found.len() <= 1,
            "{name} {labels:?}: {} series",
            found.len()
        );
        match found.first().map(|sample| &sample.value) {
            None => 0.0,
            Some(Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value)) => *value,
            Some(other) => panic!("{name} {labels:?} is not a number: {other:?}"),
        }
    }

    /// Every name a query may use: those of the samples, with `_bucket` for histograms.
    fn names(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for sample in &self.0.samples {
            names.insert(sample.metric.clone());
            if let Value::Histogram(_) = sample.value {
                names.insert(format!("{}_bucket", sample.metric));
            }
        }
        names
    }
}

fn grpc<'l>(
    service: &'l str,
    method: &'l str,
    kind: &'l str,
    code: &'l str,
) -> [(&'l str, &'l str); 4] {
    [
        ("grpc_service", service),
        ("grpc_method", method),
        ("grpc_type", kind),
        ("grpc_code", code),
    ]
}

fn started<'l>(service: &'l str, method: &'l str, kind: &'l str) -> [(&'l str, &'l str); 3] {
    [
        ("grpc_service", service),
        ("grpc_method", method),
        ("grpc_type", kind),
    ]
}

const RATINGS: &str = "csat.v1.RatingService";
const SURVEYS: &str = "csat.v1.SurveyService";

async fn calls_are_counted_by_method_and_code_and_ratings_by_outcome(backend: Backend) {
    // Arrange
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    let metrics_address = free_address();
    let _process: CsatProcess = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(&database.url, address))
        .args(["--metrics-listen", &metrics_address.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the csat binary starts")
        .into();
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    let mut surveys = SurveyServiceClient::new(channel.clone());
    let mut ratings = RatingServiceClient::new(channel.clone());
    create_csat_survey(&mut surveys, "chat", "support_chat").await;
    let before = Scraped::from(metrics_address).await;

    // Act
    let submit = |rating_id: &str, score| pb::SubmitRatingRequest {
        rating: Some(rating("chat", rating_id, score)),
    };
    ratings.submit_rating(submit("r-1", 4)).await.unwrap();
    let again = ratings.submit_rating(submit("r-1", 4)).await.unwrap();
    assert!(again.into_inner().duplicate);
    let conflict = ratings.submit_rating(submit("r-1", 2)).await.unwrap_err();
    assert_eq!(conflict.code(), Code::AlreadyExists);
    let off_scale = ratings.submit_rating(submit("r-2", 9)).await.unwrap_err();
    assert_eq!(off_scale.code(), Code::InvalidArgument);
    let missing = surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "nowhere".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let json = Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>()
        .request(
            Request::post(format!("http://{address}/{RATINGS}/SubmitRating"))
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(
                    r#"{"rating": {"survey_id": "chat", "rating_id": "r-json", "score": 5, "channel": "CHANNEL_WEB_CHAT"}}"#,
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(json.status(), 200);
    json.into_body().collect().await.unwrap();
    let imports = (1..=3).map(|index| pb::ImportRatingsRequest {
        rating: Some(rating("chat", &format!("i-{index}"), index)),
    });
    ratings
        .import_ratings(tokio_stream::iter(imports))
        .await
        .unwrap();
    let mut stream = ratings
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut streamed = 0;
    while stream.message().await.unwrap().is_some() {
        streamed += 1;
    }
    assert_eq!(streamed, 5, "r-1, r-json and three imported");
    let unknown = raw_grpc::call(&channel, "/csat.v1.RatingService/NoSuchMethod", Vec::new())
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::Unimplemented);
    // The feed publishes a commit after its callers are answered (on PostgreSQL, once it has
    // read the commit back): the lag returns to 0 when it has caught up, not at once.
    let mut after = Scraped::from(metrics_address).await;
    let caught_up_by = std::time::Instant::now() + Duration::from_secs(10);
    while after.value(monitoring::FEED_LAG_SEQUENCES, &[]) != 0.0
        && std::time::Instant::now() < caught_up_by
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = Scraped::from(metrics_address).await;
    }

    // Assert
    let moved = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    let handled = monitoring::GRPC_HANDLED;
    for (labels, expected) in [
        (grpc(RATINGS, "SubmitRating", "unary", "OK"), 3.0),
        (grpc(RATINGS, "SubmitRating", "unary", "AlreadyExists"), 1.0),
        (
            grpc(RATINGS, "SubmitRating", "unary", "InvalidArgument"),
            1.0,
        ),
        (grpc(SURVEYS, "GetSurvey", "unary", "NotFound"), 1.0),
        (grpc(RATINGS, "ImportRatings", "client_stream", "OK"), 1.0),
        (grpc(RATINGS, "StreamRatings", "server_stream", "OK"), 1.0),
        (grpc("unknown", "unknown", "unknown", "Unimplemented"), 1.0),
    ] {
        assert_eq!(moved(handled, &labels), expected, "{handled} {labels:?}");
    }
    assert_eq!(
        after.value(handled, &grpc(SURVEYS, "CreateSurvey", "unary", "OK")),
        1.0
    );
    assert!(
        after.value(
            handled,
            &grpc("grpc.health.v1.Health", "Check", "unary", "OK")
        ) >= 1.0,
        "health checks are counted"
    );
    let submit_labels = started(RATINGS, "SubmitRating", "unary");
    let import_labels = started(RATINGS, "ImportRatings", "client_stream");
    let stream_labels = started(RATINGS, "StreamRatings", "server_stream");
    for (name, labels, expected) in [
        (monitoring::GRPC_STARTED, submit_labels, 5.0),
        (monitoring::GRPC_MSG_RECEIVED, submit_labels, 5.0),
        (monitoring::GRPC_MSG_SENT, submit_labels, 3.0),
        (monitoring::GRPC_MSG_RECEIVED, import_labels, 3.0),
        (monitoring::GRPC_MSG_SENT, import_labels, 1.0),
        (monitoring::GRPC_MSG_RECEIVED, stream_labels, 1.0),
        (monitoring::GRPC_MSG_SENT, stream_labels, 5.0),
        ("grpc_server_handling_seconds_count", submit_labels, 5.0),
    ] {
        assert_eq!(moved(name, &labels), expected, "{name} {labels:?}");
    }
    let buckets: Vec<&Sample> = after
        .matching(monitoring::GRPC_HANDLING_SECONDS, &submit_labels)
        .collect();
    match buckets.as_slice() {
        [histogram] => match &histogram.value {
            Value::Histogram(counts) => {
                assert_eq!(counts.last().unwrap().less_than, f64::INFINITY);
                assert_eq!(counts.last().unwrap().count, 5.0);
            }
            other => panic!("not a histogram: {other:?}"),
        },
        other => panic!("one SubmitRating histogram expected: {other:?}"),
    }

    for (outcome, expected) in [("accepted", 5.0), ("duplicate", 1.0), ("refused", 1.0)] {
        assert_eq!(
            moved(monitoring::RATINGS, &[("outcome", outcome)]),
            expected,
            "{outcome}"
        );
    }
    assert!(moved("csat_writer_batch_ratings_count", &[]) >= 1.0);
    assert_eq!(moved("csat_writer_batch_ratings_sum", &[]), 7.0);
    assert!(moved("csat_writer_commit_seconds_count", &[]) >= 1.0);
    let fsyncs = moved("csat_fsync_seconds_count", &[]);
    match backend {
        Backend::Sqlite => assert!(fsyncs >= 1.0, "{fsyncs}"),
        Backend::Postgres => assert_eq!(fsyncs, 0.0, "PostgreSQL is durable at commit"),
    }
    assert_eq!(
        after.value(
            monitoring::BUILD_INFO,
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    assert_eq!(after.value(monitoring::OPEN_RATING_STREAMS, &[]), 0.0);
    assert_eq!(after.value(monitoring::FEED_LAG_SEQUENCES, &[]), 0.0);
    assert!(after.value(monitoring::ROLLUP_CELLS, &[]) >= 64.0);

    let names = after.names();
    for metric in monitoring::METRICS {
        assert!(names.contains(metric.name), "{} not exported", metric.name);
        assert_eq!(
            after.0.docs.get(metric.name).map(String::as_str),
            Some(metric.help),
            "HELP of {}",
            metric.name
        );
    }
    let dashboard_names = names_in_dashboard();
    let unknown: Vec<&String> = dashboard_names.difference(&names).collect();
    assert!(
        unknown.is_empty(),
        "{DASHBOARD} queries names csat does not export: {unknown:?}"
    );
    database.drop_database().await;
}

/// Every metric name the dashboard's queries use: csat's own start with `csat_`, grpc-go's with
/// `grpc_server_` (its labels, `grpc_code` and the like, do not).
fn names_in_dashboard() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DASHBOARD)).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut expressions = Vec::new();
    collect_expressions(&dashboard, &mut expressions);
    assert!(expressions.len() >= 10, "{expressions:?}");
    let mut names = BTreeSet::new();
    for expression in expressions {
        let identifiers = expression
            .split(|character: char| !(character.is_ascii_alphanumeric() || character == '_'));
        names.extend(
            identifiers
                .filter(|word| word.starts_with("csat_") || word.starts_with("grpc_server_"))
                .map(str::to_owned),
        );
    }
    names
}

/// Collects the `expr` of every target, nested panels and rows included.
fn collect_expressions(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                match (key.as_str(), field) {
                    ("expr", serde_json::Value::String(expression)) => {
                        found.push(expression.clone())
                    }
                    _ => collect_expressions(field, found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_expressions(item, found);
            }
        }
        _ => {}
    }
}

#[test]
fn the_dashboard_queries_only_listed_metrics_from_a_datasource_variable() {
    let mut listed = BTreeSet::new();
    for metric in monitoring::METRICS {
        listed.insert(metric.name.to_string());
        if let Kind::Histogram(_) = metric.kind {
            for suffix in ["_bucket", "_sum", "_count"] {
                listed.insert(format!("{}{suffix}", metric.name));
            }
        }
    }

    let used = names_in_dashboard();

    let unknown: Vec<&String> = used.difference(&listed).collect();
    assert!(unknown.is_empty(), "not exported: {unknown:?}");
    for name in [
        "grpc_server_handled_total",
        "grpc_server_handling_seconds_bucket",
        "csat_ratings_total",
        "csat_auth_refusals_total",
        "csat_feed_lag_sequences",
    ] {
        assert!(used.contains(name), "the dashboard shows {name}");
    }
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DASHBOARD)).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    let variables = dashboard["templating"]["list"].as_array().unwrap();
    assert!(
        variables
            .iter()
            .any(|variable| variable["type"] == "datasource" && variable["query"] == "prometheus"),
        "a Prometheus datasource variable"
    );
}

#[tokio::test]
async fn auth_refusals_are_counted_by_reason() {
    // Arrange
    let database = TestDatabase::create(Backend::Sqlite).await;
    let folder = tempfile::tempdir().unwrap();
    let keys = folder.path().join("keys.yaml");
    std::fs::write(
        &keys,
        format!(
            "keys:\n  - name: reader\n    sha256: {}\n    scopes: [surveys:read]\n    \
             requests_per_second: 1\n",
            csat::server::auth::keys::sha256_hex("reader-key")
        ),
    )
    .unwrap();
    let address = free_address();
    let metrics_address = free_address();
    let _process: CsatProcess = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(&database.url, address))
        .args(["--metrics-listen", &metrics_address.to_string()])
        .arg("--api-keys-file")
        .arg(&keys)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the csat binary starts")
        .into();
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    let mut surveys = SurveyServiceClient::new(channel);
    let before = Scraped::from(metrics_address).await;
    let refusals =
        |scraped: &Scraped, reason| scraped.value(monitoring::AUTH_REFUSALS, &[("reason", reason)]);

    // Act: a wrong key twice, a write with a read key, then reads past the key's rate.
    for key in ["wrong", ""] {
        let refused = surveys
            .list_surveys(with_key(pb::ListSurveysRequest::default(), key))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::Unauthenticated);
    }
    let refused = surveys
        .get_survey(with_key(
            pb::GetSurveyRequest {
                survey_id: "chat".into(),
            },
            "reader-key",
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound, "a read is in scope");
    let write = surveys
        .archive_survey(with_key(
            pb::ArchiveSurveyRequest {
                survey_id: "chat".into(),
            },
            "reader-key",
        ))
        .await
        .unwrap_err();
    assert_eq!(write.code(), Code::PermissionDenied);
    let mut rate_limited = 0;
    for _ in 0..3 {
        if let Err(status) = surveys
            .list_surveys(with_key(pb::ListSurveysRequest::default(), "reader-key"))
            .await
        {
            assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
            rate_limited += 1;
        }
    }
    let after = Scraped::from(metrics_address).await;

    // Assert
    assert!(rate_limited >= 1, "three reads at once exceed 1 per second");
    let counted = |reason| refusals(&after, reason) - refusals(&before, reason);
    assert_eq!(counted("API_KEY_INVALID"), 2.0);
    assert_eq!(counted("SCOPE_MISSING"), 1.0);
    assert_eq!(counted("RATE_LIMITED"), f64::from(rate_limited));
    assert_eq!(
        after.value(
            "grpc_server_handled_total",
            &[
                ("grpc_method", "ArchiveSurvey"),
                ("grpc_code", "PermissionDenied")
            ]
        ),
        1.0,
        "a refused call is still a handled call"
    );
    database.drop_database().await;
}
