//! The real `csat` binary as a process: a kill -9 in the middle of a load loses no acknowledged
//! rating, and SIGTERM drains and exits 0. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Backend, TestDatabase, create_csat_survey, free_address, rating, start_csat};
use csat::pb;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;

on_both_backends!(
    kill_9_under_load_loses_no_acknowledged_rating,
    sigterm_drains_and_exits_zero,
);

async fn kill_9_under_load_loses_no_acknowledged_rating(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    let (mut process, channel) = start_csat(&database.url, address).await;
    create_csat_survey(
        &mut SurveyServiceClient::new(channel.clone()),
        "chat",
        "support_chat",
    )
    .await;

    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let mut callers = Vec::new();
    for caller in 0..16 {
        let mut client = RatingServiceClient::new(channel.clone());
        let acknowledged = acknowledged.clone();
        callers.push(tokio::spawn(async move {
            for index in 0.. {
                let rating_id = format!("c{caller}-{index}");
                let submitted = client
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(rating("chat", &rating_id, index % 5 + 1)),
                    })
                    .await;
                match submitted {
                    Ok(_) => {
                        acknowledged.lock().unwrap().insert(rating_id);
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    process.kill().unwrap();
    process.wait().unwrap();
    for caller in callers {
        caller.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 100,
        "the load ran: {} acknowledged",
        acknowledged.len()
    );

    let (mut restarted, channel) = start_csat(&database.url, address).await;
    let mut stream = RatingServiceClient::new(channel)
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut stored = HashSet::new();
    let mut sequences = Vec::new();
    while let Some(message) = stream.message().await.unwrap() {
        let rating = message.rating.unwrap();
        sequences.push(rating.sequence);
        stored.insert(rating.rating_id);
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    database.drop_database().await;

    let lost: Vec<&String> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged ratings lost: {lost:?}",
        lost.len()
    );
    assert_eq!(stored.len(), sequences.len(), "no rating stored twice");
    assert!(
        sequences.windows(2).all(|pair| pair[0] < pair[1]),
        "sequences increase"
    );
}

async fn sigterm_drains_and_exits_zero(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    let (mut process, channel) = start_csat(&database.url, address).await;
    let mut follower = RatingServiceClient::new(channel)
        .stream_ratings(pb::StreamRatingsRequest {
            follow: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let signalled = Command::new("kill")
        .args(["-TERM", &process.id().to_string()])
        .status()
        .unwrap();
    let stream_end = tokio::time::timeout(Duration::from_secs(10), follower.message()).await;
    let exit = tokio::task::spawn_blocking(move || process.wait().unwrap())
        .await
        .unwrap();
    database.drop_database().await;

    assert!(signalled.success());
    assert!(
        matches!(stream_end, Ok(Ok(None))),
        "the follow stream ends with OK: {stream_end:?}"
    );
    assert_eq!(exit.code(), Some(0));
}
