//! Keys and scopes against a server started with a keys file: `connect`'s token reaches every
//! call, a followed stream included, and the refusals decode with csat::client.

// Shared with tests/bar.rs, which uses the parts this file does not.
#[allow(dead_code)]
mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use csat::client::{error_info, error_reason, retry_delay};
use csat::proto::rating_service_client::RatingServiceClient;
use csat::proto::survey_service_client::SurveyServiceClient;
use csat::proto::{
    CreateSurveyRequest, GetSurveyRequest, ListSurveysRequest, Metric, Rating, RatingFilter,
    StreamRatingsRequest, SubmitRatingRequest, Survey,
};
use csat_client_quickstart::{ConnectOptions, CsatChannel, connect};
use std::io::Write;
use support::Server;
use tonic::Code;

const ADMIN_KEY: &str = "csat-rust-test-admin-key";
const READER_KEY: &str = "csat-rust-test-reader-key";
const LIMITED_KEY: &str = "csat-rust-test-limited-key";

/// The keys-file entry of `key`, as `csat keys hash` prints it (the hash computed by csat).
fn keys_file_entry(key: &str, name: &str, scopes: &str) -> String {
    let binary = std::env::var("CSAT_BIN").expect("CSAT_BIN");
    let mut child = Command::new(binary)
        .args(["keys", "hash", "--name", name, "--scopes", scopes])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("csat keys hash starts");
    writeln!(child.stdin.take().expect("stdin"), "{key}").expect("the key is written");
    let output = child.wait_with_output().expect("csat keys hash ends");
    assert!(output.status.success(), "csat keys hash: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

async fn client_with(server: &Server, token: Option<&str>) -> CsatChannel {
    let options = ConnectOptions {
        token: token.map(str::to_owned),
        timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    };
    connect(&server.url, options).await.expect("connected")
}

#[tokio::test]
async fn keys_and_scopes_are_sent_on_every_call_and_refusals_decode() {
    let mut file = String::from("keys:\n");
    file.push_str(&keys_file_entry(ADMIN_KEY, "admin", "admin"));
    file.push_str(&keys_file_entry(READER_KEY, "reader", "surveys:read"));
    file.push_str(&keys_file_entry(LIMITED_KEY, "limited", "surveys:read"));
    file.push_str("    requests_per_second: 1\n");
    let keys_path =
        std::env::temp_dir().join(format!("csat-rust-keys-{}.yaml", std::process::id()));
    std::fs::write(&keys_path, file).expect("the keys file is written");
    let server = Server::start_with(&["--api-keys-file", keys_path.to_str().expect("UTF-8")]).await;

    // A call with the key works.
    let admin = client_with(&server, Some(ADMIN_KEY)).await;
    let created = SurveyServiceClient::new(admin.clone())
        .create_survey(CreateSurveyRequest {
            survey_id: "keyed".into(),
            survey: Some(Survey {
                display_name: "Keyed".into(),
                question: "Happy?".into(),
                touchpoint: "support_chat".into(),
                metric: Metric::Csat.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("the admin key creates a survey");
    assert_eq!(
        created.into_inner().survey.expect("a survey").survey_id,
        "keyed"
    );

    // Without a key: UNAUTHENTICATED, API_KEY_INVALID.
    let anonymous = client_with(&server, None).await;
    let refused = SurveyServiceClient::new(anonymous)
        .get_survey(GetSurveyRequest {
            survey_id: "keyed".into(),
        })
        .await
        .expect_err("no key is refused");
    assert_eq!(refused.code(), Code::Unauthenticated);
    assert_eq!(error_reason(&refused).as_deref(), Some("API_KEY_INVALID"));

    // A key without the scope: PERMISSION_DENIED, SCOPE_MISSING naming the scope.
    let reader = client_with(&server, Some(READER_KEY)).await;
    let denied = RatingServiceClient::new(reader)
        .submit_rating(SubmitRatingRequest {
            rating: Some(Rating {
                survey_id: "keyed".into(),
                rating_id: "denied".into(),
                score: 5,
                ..Default::default()
            }),
        })
        .await
        .expect_err("a reader cannot submit");
    let info = error_info(&denied).expect("an ErrorInfo");
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert_eq!(info.reason, "SCOPE_MISSING");
    assert_eq!(
        info.metadata.get("scope").map(String::as_str),
        Some("ratings:write")
    );

    // A followed stream with the key receives a rating submitted after it opened.
    let mut ratings = RatingServiceClient::new(admin.clone());
    let mut stream_request = tonic::Request::new(StreamRatingsRequest {
        filter: Some(RatingFilter {
            survey_ids: vec!["keyed".into()],
            ..Default::default()
        }),
        follow: true,
        ..Default::default()
    });
    stream_request.set_timeout(Duration::from_secs(20));
    let mut stream = ratings
        .stream_ratings(stream_request)
        .await
        .expect("the stream opens with the key")
        .into_inner();
    ratings
        .submit_rating(SubmitRatingRequest {
            rating: Some(Rating {
                survey_id: "keyed".into(),
                rating_id: "streamed".into(),
                score: 4,
                ..Default::default()
            }),
        })
        .await
        .expect("the admin key submits");
    let received = stream
        .message()
        .await
        .expect("the stream goes on")
        .and_then(|message| message.rating)
        .expect("a rating");
    assert_eq!(
        (received.rating_id.as_str(), received.score),
        ("streamed", 4)
    );
    drop(stream);

    // A key over its rate: RESOURCE_EXHAUSTED, RATE_LIMITED, with the delay to wait.
    let mut limited = SurveyServiceClient::new(client_with(&server, Some(LIMITED_KEY)).await);
    let mut over_rate = None;
    for _ in 0..5 {
        if let Err(status) = limited.list_surveys(ListSurveysRequest::default()).await {
            over_rate = Some(status);
            break;
        }
    }
    let over_rate = over_rate.expect("a call over the rate is refused");
    assert_eq!(over_rate.code(), Code::ResourceExhausted);
    assert_eq!(error_reason(&over_rate).as_deref(), Some("RATE_LIMITED"));
    let delay = retry_delay(&over_rate).expect("a RetryInfo");
    assert!(
        delay > Duration::ZERO && delay <= Duration::from_secs(1),
        "{delay:?}"
    );

    server.stop().await;
    let _ = std::fs::remove_file(keys_path);
}
