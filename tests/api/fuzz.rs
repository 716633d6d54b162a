//! Random and mutated requests against every unary RPC of the four csat services, sent as raw
//! bytes over real gRPC, on SQLite and PostgreSQL: whatever a client sends, the answer is a
//! status it can read (never INTERNAL or UNKNOWN, never past 8 KiB of metadata), and the server
//! still answers health afterwards. Seeded, so a failure repeats.

use crate::raw_grpc;
use std::collections::BTreeMap;

use crate::common::{Backend, TestServer, rating};
use csat::pb;
use futures_util::StreamExt;
use prost::Message;
use tonic::Code;

on_both_backends!(no_request_fails_the_server_or_answers_what_a_client_cannot_read);

/// Requests per RPC and backend: 15 RPCs of this many took 31 s on both backends at once, in a
/// debug build on two shared cores.
const CASES_PER_RPC: usize = 10_000;
/// Calls in flight at once, so that the writer commits several at a time, as under load.
const CALLS_IN_FLIGHT: usize = 16;
/// Long enough for any call on a loaded machine; a call past it hangs.
const MAX_ANSWER_TIME: std::time::Duration = std::time::Duration::from_secs(30);
/// The most a status may take in a client's metadata (see src/api.rs).
const MAX_STATUS_BYTES: usize = 8 * 1024;

/// xorshift64*: a few lines, seeded, and the same on every platform.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Returns `seed` changed by one to three mutations, or random bytes.
fn mutated(seed: &[u8], random: &mut Random) -> Vec<u8> {
    if random.below(10) == 0 {
        let length = random.below(80);
        return (0..length).map(|_| random.next() as u8).collect();
    }
    let mut bytes = seed.to_vec();
    for _ in 0..=random.below(3) {
        let position = random.below(bytes.len());
        match random.below(7) {
            // Bit flips.
            0 => {
                for _ in 0..=random.below(4) {
                    let at = random.below(bytes.len());
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte ^= 1 << random.below(8);
                    }
                }
            }
            // Truncation.
            1 => bytes.truncate(position),
            // Fields repeated: the message twice (every field again), or a slice of it again.
            2 => {
                let copy = bytes.clone();
                bytes.extend_from_slice(&copy);
            }
            3 => {
                let end = position + random.below(bytes.len() - position.min(bytes.len()));
                let slice = bytes[position.min(end)..end].to_vec();
                for _ in 0..=random.below(50) {
                    bytes.extend_from_slice(&slice);
                }
            }
            // A huge length: a length-delimited field claiming up to 2^35 bytes.
            4 => {
                let tag = ((random.below(12) as u8 + 1) << 3) | 2;
                let huge = [tag, 0xff, 0xff, 0xff, 0xff, 0x0f];
                bytes.splice(position..position, huge);
            }
            // Bytes no text may hold: NUL, a lone UTF-8 lead byte, a byte never in UTF-8.
            5 => {
                if let Some(byte) = bytes.get_mut(position) {
                    *byte = [0x00, 0xc3, 0xff][random.below(3)];
                }
            }
            // Random bytes inserted.
            _ => {
                let inserted: Vec<u8> =
                    (0..=random.below(8)).map(|_| random.next() as u8).collect();
                bytes.splice(position..position, inserted);
            }
        }
    }
    bytes
}

fn timestamp(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

fn filter() -> pb::RatingFilter {
    pb::RatingFilter {
        survey_ids: vec!["chat".into(), "other".into()],
        touchpoints: vec!["support_chat".into()],
        channels: vec![pb::Channel::WebChat.into(), pb::Channel::Email.into()],
        customer_id: "cust:1".into(),
        min_score: Some(1),
        max_score: Some(4),
        start_time: timestamp(1_763_000_000),
        end_time: timestamp(1_763_600_000),
        attributes: BTreeMap::from([("agent".into(), "a-1".into())]),
        reason_codes: vec!["long_wait".into()],
        include_excluded: false,
    }
}

fn query() -> pb::ReportQuery {
    pb::ReportQuery {
        filter: Some(filter()),
        group_by: vec!["survey".into(), "attributes.agent".into()],
        granularity: pb::Granularity::Day.into(),
        time_zone: "Europe/Berlin".into(),
        compare_previous: true,
        confidence: Some(0.9),
        min_sample: Some(5),
    }
}

fn survey(survey_id: &str) -> pb::Survey {
    pb::Survey {
        survey_id: survey_id.into(),
        display_name: "Chat".into(),
        question: "How was it?".into(),
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        scale_min: Some(1),
        scale_max: Some(5),
        satisfied_threshold: Some(4),
        target: Some(80.0),
        dimensions: vec!["agent".into(), "team".into()],
        state: pb::SurveyState::Active.into(),
        ..Default::default()
    }
}

fn full_rating(rating_id: &str) -> pb::Rating {
    pb::Rating {
        comment: "kind and quick".into(),
        customer_id: "cust:1".into(),
        attributes: BTreeMap::from([
            ("agent".into(), "a-1".into()),
            ("team".into(), "billing".into()),
        ]),
        occur_time: timestamp(1_763_100_000),
        ..rating("chat", rating_id, 4)
    }
}

fn benchmark() -> pb::Benchmark {
    pb::Benchmark {
        benchmark_id: "goal".into(),
        display_name: "Goal".into(),
        metric: pb::Metric::Csat.into(),
        measure: pb::Measure::SatisfiedPercent.into(),
        value: 85.0,
        source: "ours".into(),
        touchpoint: "support_chat".into(),
        ..Default::default()
    }
}

/// Every unary RPC with a valid request to mutate.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "/csat.v1.SurveyService/CreateSurvey",
            pb::CreateSurveyRequest {
                survey: Some(survey("")),
                survey_id: "fuzzed".into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.SurveyService/GetSurvey",
            pb::GetSurveyRequest {
                survey_id: "chat".into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.SurveyService/ListSurveys",
            pb::ListSurveysRequest {
                page_size: 2,
                page_token: String::new(),
                touchpoint: "support_chat".into(),
                metric: pb::Metric::Csat.into(),
                state: pb::SurveyState::Active.into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.SurveyService/UpdateSurvey",
            pb::UpdateSurveyRequest {
                survey: Some(survey("chat")),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into(), "target".into(), "dimensions".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.SurveyService/ArchiveSurvey",
            pb::ArchiveSurveyRequest {
                survey_id: "other".into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.RatingService/SubmitRating",
            pb::SubmitRatingRequest {
                rating: Some(full_rating("r-2")),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.RatingService/BatchSubmitRatings",
            pb::BatchSubmitRatingsRequest {
                ratings: vec![full_rating("r-3"), full_rating("r-4")],
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.RatingService/GetRating",
            pb::GetRatingRequest {
                survey_id: "chat".into(),
                rating_id: "r-1".into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.RatingService/ListRatings",
            pb::ListRatingsRequest {
                filter: Some(filter()),
                page_size: 3,
                page_token: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.ReportService/GetReport",
            pb::GetReportRequest {
                query: Some(query()),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.ReportService/GetBenchmarkReport",
            pb::GetBenchmarkReportRequest {
                query: Some(query()),
                benchmark_ids: vec!["good-csat".into(), "goal".into()],
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.BenchmarkService/CreateBenchmark",
            pb::CreateBenchmarkRequest {
                benchmark: Some(pb::Benchmark {
                    benchmark_id: "fuzzed".into(),
                    ..benchmark()
                }),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.BenchmarkService/GetBenchmark",
            pb::GetBenchmarkRequest {
                benchmark_id: "goal".into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.BenchmarkService/ListBenchmarks",
            pb::ListBenchmarksRequest {
                page_size: 2,
                page_token: String::new(),
                metric: pb::Metric::Csat.into(),
            }
            .encode_to_vec(),
        ),
        (
            "/csat.v1.BenchmarkService/DeleteBenchmark",
            pb::DeleteBenchmarkRequest {
                benchmark_id: "fuzzed".into(),
            }
            .encode_to_vec(),
        ),
    ]
}

async fn no_request_fails_the_server_or_answers_what_a_client_cannot_read(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("other", "checkout").await;
    server.submit(full_rating("r-1")).await;
    server
        .benchmarks
        .create_benchmark(pb::CreateBenchmarkRequest {
            benchmark: Some(benchmark()),
        })
        .await
        .unwrap();

    let mut failures = Vec::new();
    let mut answered = 0;
    for (index, (path, seed)) in seeds().into_iter().enumerate() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
        let requests: Vec<Vec<u8>> = (0..CASES_PER_RPC)
            .map(|case| {
                if case == 0 {
                    seed.clone()
                } else {
                    mutated(&seed, &mut random)
                }
            })
            .collect();
        let channel = &server.channel;
        let mut answers = futures_util::stream::iter(requests)
            .map(|request| async move {
                let answer = tokio::time::timeout(
                    MAX_ANSWER_TIME,
                    raw_grpc::call(channel, path, request.clone()),
                )
                .await;
                (request, answer)
            })
            .buffer_unordered(CALLS_IN_FLIGHT);
        while let Some((request, answer)) = answers.next().await {
            answered += 1;
            let Ok(answer) = answer else {
                failures.push(format!("{path}: no answer in 30 s to {request:02x?}"));
                continue;
            };
            let Err(status) = answer else { continue };
            let unreadable = matches!(status.code(), Code::Internal | Code::Unknown)
                || raw_grpc::encoded_status_bytes(&status) > MAX_STATUS_BYTES;
            if unreadable {
                failures.push(format!(
                    "{path} {:?} ({} bytes) for {request:02x?}",
                    status,
                    raw_grpc::encoded_status_bytes(&status)
                ));
            }
        }
    }
    let health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone())
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    server.stop().await;

    assert_eq!(answered, 15 * CASES_PER_RPC);
    assert!(
        failures.is_empty(),
        "{} unreadable answers, the first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(
        health,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
}
