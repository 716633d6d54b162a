//! The first call to csat from Rust: connect with a deadline and a bearer token, create a survey,
//! submit a rating (retried while the server is UNAVAILABLE), and decode a bad rating's field
//! violations.
//!
//! ```sh
//! cargo run -- http://127.0.0.1:50051     # CSAT_API_KEY=… adds `authorization: Bearer …`
//! ```

use std::time::Duration;

use csat::client::{error_reason, field_violations};
use csat::proto::rating_service_client::RatingServiceClient;
use csat::proto::survey_service_client::SurveyServiceClient;
use csat::proto::{
    Channel as RatingChannel, CreateSurveyRequest, GetSurveyRequest, Metric, Rating,
    SubmitRatingRequest, Survey,
};
use csat_client_quickstart::{ConnectOptions, connect, retry_unavailable};
use tonic::{Code, Request};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:50051".to_owned());
    // The key comes from the environment, never from source; `https://` addresses use TLS
    // (`ca_pem` for a private CA, `client_identity` for mutual TLS).
    let channel = connect(
        &address,
        ConnectOptions {
            token: std::env::var("CSAT_API_KEY").ok(),
            timeout: Some(Duration::from_secs(10)), // each call's deadline, unless it sets a shorter one
            ..Default::default()
        },
    )
    .await?;
    let mut surveys = SurveyServiceClient::new(channel.clone());
    let mut ratings = RatingServiceClient::new(channel);

    // A survey, created once: the second run finds it taken (ALREADY_EXISTS) and reads it.
    let created = surveys
        .create_survey(CreateSurveyRequest {
            survey_id: "support-chat".into(),
            survey: Some(Survey {
                display_name: "Support chat".into(),
                question: "How satisfied are you with the help you got?".into(),
                touchpoint: "support_chat".into(),
                metric: Metric::Csat.into(),
                dimensions: vec!["agent".into()],
                ..Default::default()
            }),
        })
        .await;
    let survey = match created {
        Ok(response) => response.into_inner().survey,
        Err(status) if status.code() == Code::AlreadyExists => {
            let request = GetSurveyRequest {
                survey_id: "support-chat".into(),
            };
            surveys.get_survey(request).await?.into_inner().survey
        }
        Err(status) => return Err(status.into()),
    }
    .ok_or("the server answered without a survey")?;
    // Optional proto3 fields are Options; the server fills the defaults (CSAT: 1-5, from 4).
    println!(
        "survey {}: scale {}-{}, satisfied from {}",
        survey.survey_id,
        survey.scale_min(),
        survey.scale_max(),
        survey.satisfied_threshold()
    );

    // One rating. rating_id is the idempotency key: sent again (a retry), it is a duplicate,
    // counted once, so a submit is safe to retry.
    let rating = Rating {
        rating_id: "ticket-1042".into(),
        survey_id: survey.survey_id.clone(),
        score: 5,
        comment: "Quick and kind".into(),
        channel: RatingChannel::WebChat.into(),
        attributes: [("agent".to_owned(), "a-17".to_owned())].into(),
        ..Default::default()
    };
    let submitted = retry_unavailable(|| {
        let mut ratings = ratings.clone();
        let mut request = Request::new(SubmitRatingRequest {
            rating: Some(rating.clone()),
        });
        request.set_timeout(Duration::from_secs(2)); // sent as grpc-timeout: the server stops too
        async move { ratings.submit_rating(request).await }
    })
    .await?
    .into_inner();
    let stored = submitted
        .rating
        .ok_or("the server answered without a rating")?;
    println!(
        "rating {} stored at sequence {} (duplicate: {})",
        stored.rating_id, stored.sequence, submitted.duplicate
    );

    // A bad rating: INVALID_ARGUMENT with every bad field named, decoded by csat::client.
    let bad = Rating {
        rating_id: "ticket 1043".into(), // a space is not allowed
        survey_id: survey.survey_id.clone(),
        score: 9, // outside 1-5
        ..Default::default()
    };
    let refused = ratings
        .submit_rating(SubmitRatingRequest { rating: Some(bad) })
        .await
        .err()
        .ok_or("the bad rating was accepted")?;
    println!(
        "bad rating: {:?} {}",
        refused.code(),
        error_reason(&refused).unwrap_or_default()
    );
    for violation in field_violations(&refused) {
        println!(
            "  {} {}: {}",
            violation.field, violation.reason, violation.description
        );
    }
    Ok(())
}
