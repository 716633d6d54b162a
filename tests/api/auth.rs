//! Keys and scopes (API.md, "Access"): every method of every service, over gRPC, gRPC-Web and
//! HTTP/JSON, with no key, a wrong key, a key without the scope and one with it; the keys file
//! re-read without a restart; the refusal to listen beyond loopback with nobody authenticated;
//! per-key rate limits; and the other per-call limits: deadlines, message size, reflection off.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use csat::config::Config;
use csat::pb;
use csat::pb::customer_service_client::CustomerServiceClient;
use csat::pb::follow_up_service_client::FollowUpServiceClient;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use csat::server::Server;
use csat::server::auth::keys::sha256_hex;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prost_reflect::DescriptorPool;
use tonic::Code;
use tonic::codegen::http::{HeaderMap, Request};
use tonic::transport::Channel;
use tonic_types::StatusExt;

use crate::common::{Backend, TestDatabase, TestServer, connect, error_reason, rating, with_key};

/// The scope each key of the test's file holds, by the key's name (and the key is its name).
const SCOPED_KEYS: [(&str, &str); 9] = [
    ("ratings-writer", "ratings:write"),
    ("ratings-reader", "ratings:read"),
    ("reports-reader", "reports:read"),
    ("surveys-writer", "surveys:write"),
    ("surveys-reader", "surveys:read"),
    ("followups-writer", "followups:write"),
    ("ratings-excluder", "ratings:exclude"),
    ("customers-eraser", "customers:erase"),
    ("invitations-writer", "invitations:write"),
];

fn key_entry(name: &str, key: &str, scopes: &str, extra: &str) -> String {
    format!(
        "  - name: {name}\n    sha256: {}\n    scopes: [{scopes}]\n{extra}",
        sha256_hex(key)
    )
}

fn scoped_keys_file() -> String {
    scoped_keys_file_without("")
}

/// The test's keys file, without the key named `left_out`.
fn scoped_keys_file_without(left_out: &str) -> String {
    let mut file = String::from("keys:\n");
    for (name, scope) in SCOPED_KEYS
        .into_iter()
        .filter(|(name, _)| *name != left_out)
    {
        file.push_str(&key_entry(name, name, scope, ""));
    }
    file.push_str(&key_entry("operator", "operator", "admin", ""));
    file
}

/// A keys file in a folder of its own, removed when dropped.
struct KeysFile {
    path: PathBuf,
    _folder: tempfile::TempDir,
}

impl KeysFile {
    fn holding(text: &str) -> KeysFile {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("keys.yaml");
        std::fs::write(&path, text).unwrap();
        KeysFile {
            path,
            _folder: folder,
        }
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.path, text).unwrap();
    }
}

/// Starts a server that reads its keys from a file holding `text`.
async fn spawn_with_keys(text: &str) -> (TestServer, KeysFile) {
    let keys = KeysFile::holding(text);
    let database = TestDatabase::create(Backend::Sqlite).await;
    let path = keys.path.clone();
    let server = TestServer::spawn_with(database, move |config| {
        config.api_keys_file = Some(path);
    })
    .await;
    (server, keys)
}

/// The code a call ended with, and its ErrorInfo reason and metadata `scope`.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: Code,
    reason: String,
    scope: String,
}

impl Outcome {
    fn of_status(status: &tonic::Status) -> Outcome {
        let info = status.get_details_error_info();
        Outcome {
            code: status.code(),
            reason: info
                .as_ref()
                .map(|info| info.reason.clone())
                .unwrap_or_default(),
            scope: info
                .and_then(|info| info.metadata.get("scope").cloned())
                .unwrap_or_default(),
        }
    }

    /// The status of a gRPC or gRPC-Web answer: its headers (trailers-only) or its trailers.
    fn of_grpc(headers: &HeaderMap, trailers: Option<&HeaderMap>) -> Outcome {
        let from = |map: &HeaderMap| {
            tonic::Status::from_header_map(map).filter(|_| map.contains_key("grpc-status"))
        };
        let status = from(headers)
            .or_else(|| trailers.and_then(from))
            .unwrap_or_else(|| panic!("no grpc-status in {headers:?} or {trailers:?}"));
        Outcome::of_status(&status)
    }
}

enum Protocol {
    Grpc,
    GrpcWeb,
    Json,
}

/// Calls `path` with an empty request (one empty message for a client stream) in `protocol`,
/// sending `key` as a bearer key if given, and returns how the call ended.
async fn call(
    address: SocketAddr,
    protocol: &Protocol,
    path: &str,
    streams: bool,
    key: Option<&str>,
) -> Outcome {
    let http2 = matches!(protocol, Protocol::Grpc);
    let client = Client::builder(TokioExecutor::new())
        .http2_only(http2)
        .build_http::<Full<Bytes>>();
    let (content_type, body): (&str, Bytes) = match protocol {
        Protocol::Grpc => ("application/grpc", Bytes::from_static(&[0, 0, 0, 0, 0])),
        Protocol::GrpcWeb => (
            "application/grpc-web+proto",
            Bytes::from_static(&[0, 0, 0, 0, 0]),
        ),
        Protocol::Json if streams => (
            "application/connect+json",
            Bytes::from_static(&[0, 0, 0, 0, 2, b'{', b'}']),
        ),
        Protocol::Json => ("application/json", Bytes::from_static(b"{}")),
    };
    let mut request =
        Request::post(format!("http://{address}{path}")).header("content-type", content_type);
    if matches!(protocol, Protocol::Grpc) {
        request = request.header("te", "trailers");
    }
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let response = client
        .request(request.body(Full::new(body)).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    // A refusal ends the call at once; a WatchReport let in streams for ever.
    let Ok(collected) = tokio::time::timeout(Duration::from_secs(1), body.collect()).await else {
        assert!(streams, "{path} did not end");
        return Outcome {
            code: Code::Ok,
            reason: "still streaming".into(),
            scope: String::new(),
        };
    };
    let collected = collected.unwrap();
    let trailers = collected.trailers().cloned();
    let bytes = collected.to_bytes();
    match protocol {
        Protocol::Grpc => Outcome::of_grpc(&parts.headers, trailers.as_ref()),
        Protocol::GrpcWeb => Outcome::of_grpc(&parts.headers, grpc_web_trailers(&bytes).as_ref()),
        Protocol::Json => connect_outcome(parts.status.as_u16(), &bytes, streams),
    }
}

/// The trailers frame (flag 0x80) at the end of a gRPC-Web body.
fn grpc_web_trailers(mut body: &[u8]) -> Option<HeaderMap> {
    while body.len() >= 5 {
        let length = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        let (flags, frame) = (body[0], &body[5..5 + length]);
        if flags & 0x80 != 0 {
            let mut trailers = HeaderMap::new();
            for line in String::from_utf8_lossy(frame).split("\r\n") {
                if let Some((name, value)) = line.split_once(':') {
                    trailers.insert(
                        tonic::codegen::http::HeaderName::from_bytes(name.trim().as_bytes())
                            .unwrap(),
                        value.trim().parse().unwrap(),
                    );
                }
            }
            return Some(trailers);
        }
        body = &body[5 + length..];
    }
    None
}

/// How a Connect call ended: its error JSON (the body of a unary call, the end-stream message
/// of a stream), or OK.
fn connect_outcome(http_status: u16, body: &[u8], streams: bool) -> Outcome {
    let error = if streams {
        let mut rest = body;
        let mut end = serde_json::Value::Null;
        while rest.len() >= 5 {
            let length = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
            if rest[0] & 0x02 != 0 {
                end = serde_json::from_slice(&rest[5..5 + length]).unwrap();
            }
            rest = &rest[5 + length..];
        }
        end.get("error").cloned()
    } else if http_status == 200 {
        None
    } else {
        Some(serde_json::from_slice(body).unwrap())
    };
    let Some(error) = error else {
        return Outcome {
            code: Code::Ok,
            reason: String::new(),
            scope: String::new(),
        };
    };
    let name = error["code"].as_str().unwrap();
    let code = (1..=16)
        .map(Code::from_i32)
        .find(|code| connect_code_name(*code) == name)
        .unwrap_or_else(|| panic!("unknown Connect code {name}: {error}"));
    let info = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|detail| detail["type"] == "google.rpc.ErrorInfo")
        .map(|detail| detail["debug"].clone())
        .unwrap_or_default();
    Outcome {
        code,
        reason: info["reason"].as_str().unwrap_or_default().to_owned(),
        scope: info["metadata"]["scope"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// A code's name in Connect: the gRPC name in snake case.
fn connect_code_name(code: Code) -> String {
    let mut name = String::new();
    for (index, letter) in format!("{code:?}").char_indices() {
        if letter.is_uppercase() && index > 0 {
            name.push('_');
        }
        name.push(letter.to_ascii_lowercase());
    }
    name
}

/// Every csat method: its path, whether the client streams, the scope it needs.
fn methods() -> Vec<(String, bool, &'static str)> {
    let pool = DescriptorPool::decode(csat::server::FILE_DESCRIPTOR_SET).unwrap();
    let mut methods = Vec::new();
    for service in pool.services() {
        for method in service.methods() {
            let path = format!("/{}/{}", service.full_name(), method.name());
            let scope = csat::server::auth::scope_for(&path).unwrap().name();
            let streams = method.is_client_streaming() || method.is_server_streaming();
            methods.push((path, streams, scope));
        }
    }
    assert!(methods.len() >= 18, "{methods:?}");
    methods
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_answers_by_key_and_scope_over_grpc_grpc_web_and_json() {
    let (server, _keys) = spawn_with_keys(&scoped_keys_file()).await;
    for protocol in [Protocol::Grpc, Protocol::GrpcWeb, Protocol::Json] {
        for (path, streams, scope) in methods() {
            let at = |who: &str| format!("{path} with {who}");
            for (who, key) in [
                ("no key", None),
                ("an unknown key", Some("guess")),
                ("an empty key", Some("")),
            ] {
                let outcome = call(server.address, &protocol, &path, streams, key).await;
                assert_eq!(
                    (outcome.code, outcome.reason.as_str()),
                    (Code::Unauthenticated, "API_KEY_INVALID"),
                    "{}",
                    at(who)
                );
            }
            for (name, held) in SCOPED_KEYS {
                let outcome = call(server.address, &protocol, &path, streams, Some(name)).await;
                if held == scope {
                    assert!(
                        !matches!(outcome.code, Code::Unauthenticated | Code::PermissionDenied),
                        "{}: {outcome:?}",
                        at(name)
                    );
                } else {
                    assert_eq!(
                        outcome,
                        Outcome {
                            code: Code::PermissionDenied,
                            reason: "SCOPE_MISSING".into(),
                            scope: scope.into()
                        },
                        "{}",
                        at(name)
                    );
                }
            }
            let outcome = call(server.address, &protocol, &path, streams, Some("operator")).await;
            assert!(
                !matches!(outcome.code, Code::Unauthenticated | Code::PermissionDenied),
                "{}: {outcome:?}",
                at("admin")
            );
        }
    }
    // Health and reflection need no key: probes and `grpcurl list` work.
    let health = call(
        server.address,
        &Protocol::Grpc,
        "/grpc.health.v1.Health/Check",
        false,
        None,
    )
    .await;
    assert_eq!(health.code, Code::Ok);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_key_writes_and_reads_and_the_keys_file_is_re_read_without_a_restart() {
    let (server, keys) = spawn_with_keys(&scoped_keys_file()).await;
    let mut surveys = SurveyServiceClient::new(server.channel.clone());
    let mut ratings = RatingServiceClient::new(server.channel.clone());
    let survey = pb::Survey {
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        display_name: "Chat".into(),
        ..Default::default()
    };
    let created = surveys
        .create_survey(with_key(
            pb::CreateSurveyRequest {
                survey: Some(survey),
                survey_id: "chat".into(),
            },
            "surveys-writer",
        ))
        .await
        .unwrap();
    assert_eq!(created.into_inner().survey.unwrap().survey_id, "chat");
    let submitted = ratings
        .submit_rating(with_key(
            pb::SubmitRatingRequest {
                rating: Some(rating("chat", "r-1", 5)),
            },
            "ratings-writer",
        ))
        .await
        .unwrap();
    assert!(!submitted.into_inner().duplicate);

    // The writer's key is taken out of the file: refused within 2 s, no restart.
    keys.write(&scoped_keys_file_without("ratings-writer"));
    let removed = Instant::now();
    let mut accepted = 1;
    let refused = loop {
        let answer = ratings
            .submit_rating(with_key(
                pb::SubmitRatingRequest {
                    rating: Some(rating("chat", &format!("r-{}", accepted + 1), 4)),
                },
                "ratings-writer",
            ))
            .await;
        match answer {
            Err(status) => break status,
            Ok(_) => {
                accepted += 1;
                assert!(
                    removed.elapsed() < Duration::from_secs(2),
                    "still accepted after 2 s"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
    assert_eq!(error_reason(&refused), "API_KEY_INVALID");
    assert!(removed.elapsed() < Duration::from_secs(2));

    // A broken file is logged and the last good one kept: the reader still reads.
    keys.write("keys: [ {name: x, scopes: [everything]} ]");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let listed = ratings
        .list_ratings(with_key(
            pb::ListRatingsRequest::default(),
            "ratings-reader",
        ))
        .await
        .unwrap();
    assert_eq!(listed.into_inner().ratings.len(), accepted);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_over_its_rate_is_told_when_to_retry_and_others_are_not_slowed() {
    let mut file = String::from("keys:\n");
    file.push_str(&key_entry(
        "batch",
        "batch",
        "surveys:read",
        "    requests_per_second: 2\n",
    ));
    file.push_str(&key_entry("desk", "desk", "surveys:read", ""));
    let (server, _keys) = spawn_with_keys(&file).await;
    let mut surveys = SurveyServiceClient::new(server.channel.clone());
    let mut limited = Vec::new();
    for _ in 0..10 {
        if let Err(status) = surveys
            .list_surveys(with_key(pb::ListSurveysRequest::default(), "batch"))
            .await
        {
            limited.push(status);
        }
        surveys
            .list_surveys(with_key(pb::ListSurveysRequest::default(), "desk"))
            .await
            .expect("a key with no limit is never refused");
    }
    // A burst of 2 then 2 per second: of 10 calls in well under a second, most are refused.
    assert!(limited.len() >= 5, "{} refused", limited.len());
    for status in &limited {
        assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
        assert_eq!(error_reason(status), "RATE_LIMITED");
        let delay = status
            .get_details_retry_info()
            .and_then(|info| info.retry_delay)
            .unwrap();
        assert!(
            delay > Duration::ZERO && delay <= Duration::from_secs(1),
            "{delay:?}"
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    surveys
        .list_surveys(with_key(pb::ListSurveysRequest::default(), "batch"))
        .await
        .expect("the bucket refills");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_keys_only_loopback_is_served_unless_unauthenticated_is_allowed() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let everywhere: SocketAddr = ([0, 0, 0, 0], 0).into();
    let refused = Server::bind(&Config::new(everywhere, &database.url))
        .await
        .err()
        .unwrap();
    let message = refused.to_string();
    for advice in [
        "--api-keys-file",
        "csat keys new",
        "127.0.0.1",
        "--allow-unauthenticated",
    ] {
        assert!(message.contains(advice), "{message}");
    }
    let mut allowed = Config::new(everywhere, &database.url);
    allowed.allow_unauthenticated = true;
    assert!(Server::bind(&allowed).await.is_ok());

    // A keys file that cannot be used stops the start, saying why.
    let keys = KeysFile::holding("keys: [{name: a, sha256: abc, scopes: [admin]}]");
    let mut with_bad_file = Config::new(everywhere, &database.url);
    with_bad_file.api_keys_file = Some(keys.path.clone());
    let refused = Server::bind(&with_bad_file)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        refused.contains("keys.yaml") && refused.contains("64 hexadecimal"),
        "{refused}"
    );
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_made_by_csat_keys_new_is_accepted() {
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args([
            "keys",
            "new",
            "--name",
            "helpdesk",
            "--scopes",
            "ratings:write,surveys:read",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let printed = String::from_utf8(made.stdout).unwrap();
    let (key, entry) = printed.split_once('\n').unwrap();
    assert!(key.starts_with("csat_") && key.len() > 40, "{key}");
    let (server, _keys) = spawn_with_keys(&format!("keys:\n{entry}")).await;
    let mut surveys = SurveyServiceClient::new(server.channel.clone());
    surveys
        .list_surveys(with_key(pb::ListSurveysRequest::default(), key))
        .await
        .expect("the new key is accepted");
    let denied = surveys
        .archive_survey(with_key(
            pb::ArchiveSurveyRequest {
                survey_id: "x".into(),
            },
            key,
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);

    // `csat keys hash` prints the same entry for the same key.
    let mut hashing = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args([
            "keys",
            "hash",
            "--name",
            "helpdesk",
            "--scopes",
            "ratings:write,surveys:read",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(hashing.stdin.take().unwrap(), "{key}").unwrap();
    let hashed = hashing.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(hashed.stdout).unwrap(), entry);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_deadline_answers_deadline_exceeded() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    // An import whose stream never ends: the handler waits for its messages until the deadline.
    let frames = futures_util::stream::pending::<
        Result<http_body::Frame<Bytes>, std::convert::Infallible>,
    >();
    let client = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http::<StreamBody<_>>();
    let request = Request::post(format!(
        "http://{}/csat.v1.RatingService/ImportRatings",
        server.address
    ))
    .header("content-type", "application/grpc")
    .header("te", "trailers")
    .header("grpc-timeout", "300m")
    .body(StreamBody::new(frames))
    .unwrap();
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(10), client.request(request))
        .await
        .expect("answered once the deadline passed")
        .unwrap();
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.unwrap();
    let outcome = Outcome::of_grpc(&parts.headers, collected.trailers());
    assert_eq!(outcome.code, Code::DeadlineExceeded, "{parts:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_the_limit_is_refused_and_reflection_can_be_turned_off() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let server = TestServer::spawn_with(database, |config| {
        config.max_message_bytes = 64 * 1024;
        config.reflection = false;
    })
    .await;
    let mut ratings = RatingServiceClient::new(server.channel.clone());
    let mut big = rating("s", "big", 5);
    big.attributes = (0..2_000)
        .map(|index| (format!("key{index}"), "v".repeat(40)))
        .collect();
    let refused = ratings
        .submit_rating(pb::SubmitRatingRequest { rating: Some(big) })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::OutOfRange, "{refused:?}");
    assert!(refused.message().contains("65536"), "{refused:?}");

    let reflection = call(
        server.address,
        &Protocol::Grpc,
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        true,
        None,
    )
    .await;
    assert_eq!(reflection.code, Code::Unimplemented);
    let channel: Channel = connect(server.address).await;
    crate::common::wait_until_serving(&channel).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_logs_one_audit_line_naming_the_principal() {
    let keys = KeysFile::holding(&scoped_keys_file());
    let folder = tempfile::tempdir().unwrap();
    let address = crate::common::free_address();
    let database_url = format!("sqlite://{}", folder.path().join("csat.db").display());
    let mut process: crate::common::CsatProcess =
        std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
            .args(crate::common::serve_arguments(&database_url, address))
            .args(["--log-format", "json", "--api-keys-file"])
            .arg(&keys.path)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
            .into();
    let channel = connect(address).await;
    crate::common::wait_until_serving(&channel).await;
    let mut surveys = SurveyServiceClient::new(channel.clone());
    let survey = pb::Survey {
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        follow_up: Some(pb::FollowUpRule {
            max_score: 1,
            due_within: None,
        }),
        ..Default::default()
    };
    surveys
        .create_survey(with_key(
            pb::CreateSurveyRequest {
                survey: Some(survey),
                survey_id: "audited".into(),
            },
            "surveys-writer",
        ))
        .await
        .unwrap();
    RatingServiceClient::new(channel.clone())
        .submit_rating(with_key(
            pb::SubmitRatingRequest {
                rating: Some(rating("audited", "r1", 1)),
            },
            "ratings-writer",
        ))
        .await
        .unwrap();
    let follow_up = FollowUpServiceClient::new(channel.clone())
        .add_follow_up_note(with_key(
            pb::AddFollowUpNoteRequest {
                follow_up_id: "1".into(),
                text: "called back".into(),
            },
            "followups-writer",
        ))
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    assert_eq!(follow_up.notes[0].principal, "followups-writer");
    let mut ratings = RatingServiceClient::new(channel.clone());
    let excluded = ratings
        .exclude_rating(with_key(
            pb::ExcludeRatingRequest {
                survey_id: "audited".into(),
                rating_id: "r1".into(),
                reason: pb::ExclusionReason::Test.into(),
                note: "load test".into(),
            },
            "ratings-excluder",
        ))
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();
    assert_eq!(excluded.exclusion.unwrap().principal, "ratings-excluder");
    ratings
        .restore_rating(with_key(
            pb::RestoreRatingRequest {
                survey_id: "audited".into(),
                rating_id: "r1".into(),
            },
            "ratings-excluder",
        ))
        .await
        .unwrap();
    CustomerServiceClient::new(channel.clone())
        .erase_customer(with_key(
            pb::EraseCustomerRequest {
                customer_id: "someone".into(),
            },
            "customers-eraser",
        ))
        .await
        .unwrap();
    surveys
        .archive_survey(with_key(
            pb::ArchiveSurveyRequest {
                survey_id: "audited".into(),
            },
            "operator",
        ))
        .await
        .unwrap();
    let refused = surveys
        .archive_survey(with_key(
            pb::ArchiveSurveyRequest {
                survey_id: "audited".into(),
            },
            "surveys-reader",
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);

    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &process.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let mut output = String::new();
    std::io::Read::read_to_string(process.stdout.as_mut().unwrap(), &mut output).unwrap();
    let audits: Vec<(String, String, String)> = output
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["target"] == "csat::audit")
        .map(|line| {
            let field = |name: &str| line["fields"][name].as_str().unwrap_or_default().to_owned();
            (field("principal"), field("action"), field("resource"))
        })
        .collect();
    assert_eq!(
        audits,
        [
            (
                "surveys-writer".into(),
                "CreateSurvey".into(),
                "audited".into()
            ),
            (
                "followups-writer".into(),
                "AddFollowUpNote".into(),
                "1".into()
            ),
            (
                "ratings-excluder".into(),
                "ExcludeRating".into(),
                "audited/r1".into()
            ),
            (
                "ratings-excluder".into(),
                "RestoreRating".into(),
                "audited/r1".into()
            ),
            // The customer erased is not named: the log would keep it.
            (
                "customers-eraser".into(),
                "EraseCustomer".into(),
                "customers".into()
            ),
            ("operator".into(), "ArchiveSurvey".into(), "audited".into()),
        ],
        "{output}"
    );
}
