//! The Connect protocol on the gRPC port, as `curl` and Connect clients speak it: unary calls in
//! JSON and binary protobuf, streaming calls in Connect's envelopes, errors as Connect error JSON
//! with the same details gRPC carries, HTTP 415 for what the port does not speak.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use csat::pb;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prost::Message;
use serde_json::{Value, json};
use tonic::codegen::http::{HeaderMap, Request, StatusCode};

use crate::common::{Backend, TestServer};

/// What a call answered.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|cause| {
            panic!(
                "not JSON ({cause}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap())
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Http {
    One,
    Two,
}

async fn post(
    address: SocketAddr,
    path: &str,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
    http: Http,
) -> Answer {
    let client = Client::builder(TokioExecutor::new())
        .http2_only(http == Http::Two)
        .build_http::<Full<Bytes>>();
    let mut request = Request::post(format!("http://{address}{path}"));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client
        .request(request.body(Full::new(body.into())).unwrap())
        .await
        .expect("the port answers HTTP");
    let (parts, body) = response.into_parts();
    let body = tokio::time::timeout(Duration::from_secs(20), body.collect())
        .await
        .expect("the answer ends")
        .unwrap()
        .to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

pub(crate) async fn json_call(address: SocketAddr, path: &str, request: Value) -> Answer {
    post(
        address,
        path,
        Some("application/json"),
        &[],
        request.to_string(),
        Http::One,
    )
    .await
}

/// A Connect envelope: flags, big-endian length, message.
fn envelope(flags: u8, message: &[u8]) -> Vec<u8> {
    let mut framed = vec![flags];
    framed.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    framed.extend_from_slice(message);
    framed
}

/// Splits a Connect stream's body into its messages and the end-stream message's JSON.
fn envelopes(mut body: &[u8]) -> (Vec<Vec<u8>>, Value) {
    let mut messages = Vec::new();
    while body.len() >= 5 {
        let flags = body[0];
        let length = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        let message = body[5..5 + length].to_vec();
        body = &body[5 + length..];
        if flags == 0x02 {
            assert!(body.is_empty(), "the end-stream message comes last");
            return (messages, serde_json::from_slice(&message).unwrap());
        }
        assert_eq!(flags, 0);
        messages.push(message);
    }
    panic!("the stream has no end-stream message");
}

fn survey_request(survey_id: &str) -> Value {
    json!({"surveyId": survey_id, "survey": {"displayName": "Support chat",
        "question": "How satisfied were you with this chat?", "touchpoint": "support_chat",
        "metric": "METRIC_CSAT", "dimensions": ["agent"]}})
}

fn rating_request(rating_id: &str, score: i32, agent: &str) -> Value {
    json!({"rating": {"survey_id": "chat", "rating_id": rating_id, "score": score,
        "channel": "CHANNEL_WEB_CHAT", "attributes": {"agent": agent}}})
}

/// The detail of `type_name` in a Connect error, as its `debug` JSON, after checking that its
/// binary `value` is the same message.
fn detail(error: &Value, type_name: &str) -> Value {
    let detail = error["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|detail| detail["type"] == type_name)
        .unwrap_or_else(|| panic!("no {type_name} in {error}"))
        .clone();
    let value = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(detail["value"].as_str().unwrap())
        .unwrap();
    if type_name == "google.rpc.BadRequest" {
        let decoded = tonic_types::pb::BadRequest::decode(value.as_slice()).unwrap();
        let first = &detail["debug"]["fieldViolations"][0];
        assert_eq!(first["field"], decoded.field_violations[0].field.as_str());
    }
    detail["debug"].clone()
}

async fn unary_json_serves_writes_reads_reports_and_errors(backend: Backend) {
    let server = TestServer::spawn(backend).await;
    let address = server.address;
    let rpc = |service: &str, method: &str| format!("/csat.v1.{service}/{method}");

    let created = json_call(
        address,
        &rpc("SurveyService", "CreateSurvey"),
        survey_request("chat"),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.json());
    assert_eq!(created.header("content-type"), "application/json");
    assert_eq!(created.json()["survey"]["surveyId"], "chat");

    let scores = [(5, "a-1"), (4, "a-1"), (2, "a-2"), (5, "a-2"), (1, "a-2")];
    for (index, (score, agent)) in scores.iter().enumerate() {
        let submitted = json_call(
            address,
            &rpc("RatingService", "SubmitRating"),
            rating_request(&format!("t-{index}"), *score, agent),
        )
        .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.json());
        // int64 in the proto3 JSON mapping: a string.
        assert_eq!(
            submitted.json()["rating"]["sequence"],
            (index + 1).to_string()
        );
    }
    let again = json_call(
        address,
        &rpc("RatingService", "SubmitRating"),
        rating_request("t-0", 5, "a-1"),
    )
    .await;
    assert_eq!(again.json()["duplicate"], true);

    let refused = json_call(
        address,
        &rpc("RatingService", "SubmitRating"),
        rating_request("t-9", 9, "a-1"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let error = refused.json();
    assert_eq!(error["code"], "invalid_argument");
    assert_eq!(
        detail(&error, "google.rpc.ErrorInfo")["reason"],
        "INVALID_FIELD"
    );
    let violation = detail(&error, "google.rpc.BadRequest")["fieldViolations"][0].clone();
    assert_eq!(violation["field"], "rating.score");
    assert_eq!(violation["reason"], "OUT_OF_RANGE");

    let missing = json_call(
        address,
        &rpc("SurveyService", "GetSurvey"),
        json!({"surveyId": "nope"}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "not_found");
    assert_eq!(
        detail(&missing.json(), "google.rpc.ErrorInfo")["reason"],
        "SURVEY_NOT_FOUND"
    );

    // Paged to the end, two at a time.
    let mut listed = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = json_call(
            address,
            &rpc("RatingService", "ListRatings"),
            json!({"filter": {"surveyIds": ["chat"]}, "pageSize": 2, "pageToken": page_token}),
        )
        .await
        .json();
        for rating in page["ratings"].as_array().cloned().unwrap_or_default() {
            listed.push(rating["ratingId"].as_str().unwrap().to_owned());
        }
        page_token = page["nextPageToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if page_token.is_empty() {
            break;
        }
    }
    listed.sort();
    assert_eq!(listed, ["t-0", "t-1", "t-2", "t-3", "t-4"]);

    let report = json_call(
        address,
        &rpc("ReportService", "GetReport"),
        json!({"query": {"filter": {"surveyIds": ["chat"]}, "groupBy": ["attributes.agent"]}}),
    )
    .await
    .json();
    for group in report["report"]["groups"].as_array().unwrap() {
        let agent = group["key"]["attributes.agent"]
            .as_str()
            .unwrap()
            .to_owned();
        let given: Vec<i32> = scores
            .iter()
            .filter(|(_, of)| *of == agent)
            .map(|(score, _)| *score)
            .collect();
        let satisfied = given.iter().filter(|score| **score >= 4).count();
        let metrics = &group["metrics"];
        assert_eq!(metrics["ratingCount"], given.len().to_string(), "{group}");
        assert_eq!(
            metrics["satisfiedCount"].as_str().unwrap_or("0"),
            satisfied.to_string()
        );
    }
    assert_eq!(report["report"]["groups"].as_array().unwrap().len(), 2);

    // The same method in binary protobuf.
    let request = pb::GetSurveyRequest {
        survey_id: "chat".into(),
    };
    let answer = post(
        address,
        &rpc("SurveyService", "GetSurvey"),
        Some("application/proto"),
        &[],
        request.encode_to_vec(),
        Http::Two,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "application/proto");
    let survey = pb::GetSurveyResponse::decode(answer.body)
        .unwrap()
        .survey
        .unwrap();
    assert_eq!(survey.dimensions, ["agent"]);
    server.stop().await;
}

on_both_backends!(unary_json_serves_writes_reads_reports_and_errors);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_port_does_not_speak_is_answered_415_and_bad_calls_clearly() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let address = server.address;
    let submit = "/csat.v1.RatingService/SubmitRating";
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/xml"),
        None,
    ] {
        let answer = post(address, submit, content_type, &[], "{}", Http::One).await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(answer.header("accept-post").contains("application/json"));
    }
    // A unary method in the streaming form, a streaming one in the unary form.
    let answer = post(
        address,
        submit,
        Some("application/connect+json"),
        &[],
        envelope(0, b"{}"),
        Http::One,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let answer = post(
        address,
        "/csat.v1.RatingService/StreamRatings",
        Some("application/json"),
        &[],
        "{}",
        Http::One,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let unknown_field = json_call(
        address,
        "/csat.v1.SurveyService/GetSurvey",
        json!({"survey": "x"}),
    )
    .await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
    let error = unknown_field.json();
    assert_eq!(
        detail(&error, "google.rpc.ErrorInfo")["reason"],
        "MALFORMED_MESSAGE"
    );
    assert!(
        error["message"].as_str().unwrap().contains("survey"),
        "{error}"
    );
    let not_json = post(
        address,
        "/csat.v1.SurveyService/GetSurvey",
        Some("application/json"),
        &[],
        "survey_id=x",
        Http::One,
    )
    .await;
    assert_eq!(not_json.json()["code"], "invalid_argument");

    for (content_type, body) in [
        ("application/json", Bytes::from("{}")),
        ("application/proto", Bytes::new()),
    ] {
        let answer = post(
            address,
            "/csat.v1.SurveyService/Nope",
            Some(content_type),
            &[],
            body,
            Http::One,
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED, "{content_type}");
        assert_eq!(answer.json()["code"], "unimplemented");
    }

    let compressed = post(
        address,
        "/csat.v1.SurveyService/ListSurveys",
        Some("application/json"),
        &[("content-encoding", "gzip")],
        "{}",
        Http::One,
    )
    .await;
    assert_eq!(compressed.json()["code"], "unimplemented");
    let bad_timeout = post(
        address,
        "/csat.v1.SurveyService/ListSurveys",
        Some("application/json"),
        &[("connect-timeout-ms", "soon")],
        "{}",
        Http::One,
    )
    .await;
    assert_eq!(bad_timeout.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_timeout.json()["message"]
            .as_str()
            .unwrap()
            .contains("connect-timeout-ms")
    );
    let timed = post(
        address,
        "/csat.v1.SurveyService/ListSurveys",
        Some("application/json"),
        &[
            ("connect-timeout-ms", "5000"),
            ("connect-protocol-version", "1"),
        ],
        "",
        Http::One,
    )
    .await;
    assert_eq!(timed.status, StatusCode::OK, "{}", timed.json());

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let get = client
        .get(
            format!("http://{address}/csat.v1.SurveyService/ListSurveys")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get.headers()["allow"], "POST");

    // gRPC on the same port is untouched: the test server's own client works.
    let mut surveys = server.surveys.clone();
    surveys
        .list_surveys(pb::ListSurveysRequest::default())
        .await
        .unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_stream_in_connect_json_receives_a_rating_submitted_after_it_opened() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    let address = server.address;
    json_call(
        address,
        "/csat.v1.SurveyService/CreateSurvey",
        survey_request("chat"),
    )
    .await;
    json_call(
        address,
        "/csat.v1.RatingService/SubmitRating",
        rating_request("before", 2, "a-1"),
    )
    .await;

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = json!({"filter": {"surveyIds": ["chat"], "maxScore": 2}, "follow": true});
    let response = client
        .request(
            Request::post(format!(
                "http://{address}/csat.v1.RatingService/StreamRatings"
            ))
            .header("content-type", "application/connect+json")
            .body(Full::new(Bytes::from(envelope(
                0,
                request.to_string().as_bytes(),
            ))))
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/connect+json"
    );
    let mut body = response.into_body();
    let mut received = Vec::<u8>::new();
    let mut rating_ids = Vec::new();
    let mut submitted_after = false;
    while rating_ids.len() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(20), body.frame())
            .await
            .expect("the followed stream delivers")
            .expect("the stream stays open")
            .unwrap();
        received.extend_from_slice(&frame.into_data().unwrap());
        while received.len() >= 5 {
            let length = u32::from_be_bytes(received[1..5].try_into().unwrap()) as usize;
            if received.len() < 5 + length {
                break;
            }
            assert_eq!(received[0], 0, "a message, not the end of the stream");
            let message: Value = serde_json::from_slice(&received[5..5 + length]).unwrap();
            rating_ids.push(message["rating"]["ratingId"].as_str().unwrap().to_owned());
            received.drain(..5 + length);
        }
        if !rating_ids.is_empty() && !submitted_after {
            // The replayed rating arrived: the stream is open; this one comes live.
            submitted_after = true;
            server
                .submit(crate::common::rating("chat", "after", 1))
                .await;
        }
    }
    assert_eq!(rating_ids, ["before", "after"]);
    drop(body);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_stream_in_both_codecs_and_a_malformed_message_fails_the_stream() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let address = server.address;
    json_call(
        address,
        "/csat.v1.SurveyService/CreateSurvey",
        survey_request("chat"),
    )
    .await;
    let import = "/csat.v1.RatingService/ImportRatings";

    // Binary protobuf over HTTP/2, as connect-es speaks client streaming from Node.
    let mut body = Vec::new();
    for (index, score) in [5, 3, 7].into_iter().enumerate() {
        let request = pb::ImportRatingsRequest {
            rating: Some(crate::common::rating("chat", &format!("p-{index}"), score)),
        };
        body.extend(envelope(0, &request.encode_to_vec()));
    }
    let answer = post(
        address,
        import,
        Some("application/connect+proto"),
        &[],
        body.clone(),
        Http::Two,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let (messages, end) = envelopes(&answer.body);
    assert_eq!(end, json!({}), "no error");
    let summary = pb::ImportRatingsResponse::decode(messages[0].as_slice()).unwrap();
    assert_eq!((summary.accepted_count, summary.rejected_count), (2, 1));
    assert_eq!(summary.errors[0].index, 2);

    // The same file again, in JSON over HTTP/1.1: rating ids make it count nothing twice.
    let mut body = Vec::new();
    for (index, score) in [5, 3, 7].into_iter().enumerate() {
        let request = json!({"rating": {"surveyId": "chat", "ratingId": format!("p-{index}"),
            "score": score, "channel": "CHANNEL_WEB_CHAT"}});
        body.extend(envelope(0, request.to_string().as_bytes()));
    }
    let answer = post(
        address,
        import,
        Some("application/connect+json"),
        &[],
        body,
        Http::One,
    )
    .await;
    let (messages, end) = envelopes(&answer.body);
    assert_eq!(end, json!({}));
    let summary: Value = serde_json::from_slice(&messages[0]).unwrap();
    assert_eq!(summary["duplicateCount"], "2");
    assert!(
        summary.get("acceptedCount").is_none(),
        "0 is left out in proto3 JSON: {summary}"
    );

    // A message that is not JSON of the request type fails the call as a malformed gRPC
    // message would.
    let mut body = envelope(
        0,
        json!({"rating": {"surveyId": "chat", "ratingId": "q-1", "score": 4}})
            .to_string()
            .as_bytes(),
    );
    body.extend(envelope(0, b"{\"rating\": 12}"));
    let answer = post(
        address,
        import,
        Some("application/connect+json"),
        &[],
        body,
        Http::One,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "Connect streams carry errors in the end-stream message"
    );
    let (_, end) = envelopes(&answer.body);
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    assert!(
        end["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ImportRatingsRequest"),
        "{end}"
    );

    // A body cut inside a message.
    let mut cut = envelope(0, b"{\"rating\": {}}");
    cut.truncate(8);
    let answer = post(
        address,
        import,
        Some("application/connect+json"),
        &[],
        cut,
        Http::One,
    )
    .await;
    let (_, end) = envelopes(&answer.body);
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    server.stop().await;
}

/// One command of the README's curl session and what it is shown to print.
struct ShownCommand {
    command: String,
    shown: String,
}

/// The commands between the README's curl-session markers: `$ ` starts a command, a line ending
/// in `\` or inside an open quote continues it, other lines are what it printed.
fn readme_curl_session() -> Vec<ShownCommand> {
    let readme = include_str!("../../README.md");
    let session = readme
        .split("<!-- curl session: begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- curl session: end -->").next())
        .expect("README.md has a curl session");
    let mut commands: Vec<ShownCommand> = Vec::new();
    let mut continuing = false;
    for line in session.lines().filter(|line| !line.trim().is_empty()) {
        let line = line
            .strip_prefix("    ")
            .expect("the session is a code block");
        if let Some(command) = line.strip_prefix("$ ") {
            commands.push(ShownCommand {
                command: command.to_owned(),
                shown: String::new(),
            });
        } else if continuing {
            let last = commands.last_mut().unwrap();
            last.command.push('\n');
            last.command.push_str(line);
        } else {
            let last = commands.last_mut().unwrap();
            last.shown.push_str(line);
        }
        let command = &commands.last().unwrap().command;
        continuing = command.ends_with('\\') || command.matches('\'').count() % 2 == 1;
    }
    commands
}

/// Whether `actual` holds everything `shown` does: objects may have more keys, arrays are
/// compared element by element.
fn holds(actual: &Value, shown: &Value) -> bool {
    match (actual, shown) {
        (Value::Object(actual), Value::Object(shown)) => shown
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|found| holds(found, value))),
        (Value::Array(actual), Value::Array(shown)) => {
            actual.len() == shown.len() && actual.iter().zip(shown).all(|(a, s)| holds(a, s))
        }
        _ => actual == shown,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_curl_session_prints_what_it_shows() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let commands = readme_curl_session();
    assert!(commands.len() >= 4, "the session has its calls");
    for ShownCommand { command, shown } in commands {
        let command = command.replace("127.0.0.1:50051", &server.address.to_string());
        let run = command.clone();
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new("bash")
                .args(["-c", &run])
                .output()
        })
        .await
        .unwrap()
        .expect("bash and curl run");
        assert!(output.status.success(), "{command}: {output:?}");
        let printed = String::from_utf8(output.stdout).unwrap();
        match serde_json::from_str::<Value>(&shown) {
            Ok(shown) => {
                let actual: Value = serde_json::from_str(&printed)
                    .unwrap_or_else(|cause| panic!("{command} printed {printed:?}: {cause}"));
                assert!(
                    holds(&actual, &shown),
                    "{command}\nprinted {actual}\nshown {shown}"
                );
            }
            Err(_) => assert_eq!(printed.trim_end(), shown, "{command}"),
        }
    }
    server.stop().await;
}
