//! `csat bench ingest`: starts a server on a temporary SQLite database and drives it over loopback,
//! measuring in one run an empty RPC (`grpc.health.v1.Health/Check`), `SubmitRating` from many
//! concurrent callers (with time-ordered keys, then with keys from many interleaved sequences, and
//! on a second server keeping the fewest rollups a deployment can, and in JSON over HTTP/1.1 as
//! `curl` or a PHP help desk sends it), `ImportRatings`, `csat import` of a CSV file (and again,
//! counting nothing twice), and how long declaring a dimension over every stored rating holds back a
//! caller that keeps submitting.

pub mod csv_import;
pub mod customers;
pub mod invitations;
pub mod observed;
pub mod otlp_receiver;
pub mod report;
pub mod stream;

use std::time::{Duration, Instant};

use clap::Args;
use tokio::sync::oneshot;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::rating_service_client::RatingServiceClient;
use crate::pb::survey_service_client::SurveyServiceClient;
use crate::server::Server;
use crate::store::rollups::RollupZone;

/// Days the seeding benchmarks spread their ratings over: more than a year, so that reports and
/// health windows have history outside them.
const DAYS: i64 = 400;
const DAY: i64 = 86_400_000_000;

/// A deterministic stream of pseudo-random numbers (xorshift64*), so that runs seed the same data.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

/// Settings of `csat bench ingest`.
#[derive(Debug, Clone, Args)]
pub struct IngestBenchConfig {
    /// Concurrent callers for Health/Check and SubmitRating.
    #[arg(long, default_value_t = 64)]
    pub callers: usize,
    /// Seconds each timed phase runs in each round.
    #[arg(long, default_value_t = 2)]
    pub seconds: u64,
    /// Rounds of the timed phases (Health/Check, then the kinds of SubmitRating, alternating).
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Ratings sent through one ImportRatings stream.
    #[arg(long, default_value_t = 1_000_000)]
    pub import_ratings: usize,
    /// HTTP/2 connections the callers share.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
}

/// Throughput and latency of one phase.
#[derive(Debug, Clone)]
pub struct PhaseResult {
    /// Calls (or ratings, for an import) per second.
    pub rate: f64,
    /// Median latency of one call.
    pub p50: Duration,
    /// 99th percentile latency of one call.
    pub p99: Duration,
    /// Calls completed.
    pub count: usize,
}

/// A server of the benchmark, in this process, on a SQLite file of its own.
pub struct BenchServer {
    /// Where it listens.
    pub address: std::net::SocketAddr,
    /// Connections to it.
    pub channels: Vec<Channel>,
    /// Its database.
    pub database_url: String,
    stop: oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<Result<()>>,
}

impl BenchServer {
    /// Starts a server on `folder/name.db` with settings changed by `configure`, connected by
    /// `connections` HTTP/2 connections.
    pub async fn start(
        folder: &std::path::Path,
        name: &str,
        connections: usize,
        configure: impl FnOnce(&mut Config),
    ) -> Result<BenchServer> {
        let database_url = format!("sqlite://{}", folder.join(format!("{name}.db")).display());
        let mut server_config = Config::new(([127, 0, 0, 1], 0).into(), &database_url);
        configure(&mut server_config);
        let server = Server::bind(&server_config).await?;
        let address = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = tokio::spawn(server.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let channels = connect_serving(address, connections).await?;
        Ok(BenchServer {
            address,
            channels,
            database_url,
            stop,
            serving,
        })
    }

    /// Creates a survey.
    pub async fn create_survey(&self, survey_id: &str, survey: pb::Survey) -> Result<()> {
        SurveyServiceClient::new(self.channels[0].clone())
            .create_survey(pb::CreateSurveyRequest {
                survey_id: survey_id.into(),
                survey: Some(survey),
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?;
        Ok(())
    }

    /// Stops the server gracefully.
    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.serving.await.map_err(Error::internal)?
    }
}

/// Returns the rollup zones named, which are IANA names written in the benchmark.
fn bench_zones(names: &[&str]) -> Vec<RollupZone> {
    names
        .iter()
        .map(|name| crate::config::rollup_zone(name).expect("the benchmark names IANA zones"))
        .collect()
}

/// Returns a new temporary folder for a benchmark's databases.
pub fn bench_folder() -> Result<std::path::PathBuf> {
    let folder = std::env::temp_dir().join(format!("csat-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&folder).map_err(Error::internal)?;
    Ok(folder)
}

/// Runs the ingest benchmark and prints its report.
pub async fn run_ingest(config: IngestBenchConfig) -> Result<()> {
    let folder = bench_folder()?;
    let servers = IngestServers::start(&folder, config.connections).await?;
    let channels = servers.deployment.channels.clone();
    println!(
        "csat bench ingest: {} callers over {} connections, {} rounds of {} s per phase, SQLite in {}",
        config.callers,
        channels.len(),
        config.rounds,
        config.seconds,
        folder.display()
    );
    let rounds = run_rounds(&config, &servers).await;
    rounds.print(config.callers);

    let cost = observed::observed_cost(
        &folder,
        config.connections,
        config.callers,
        config.rounds,
        Duration::from_secs(config.seconds),
    )
    .await?;
    print_phase("SubmitRating", "ratings/s", &cost.plain);
    println!(
        "  csat serve in a child process, {} off",
        observed::SAFEGUARDS
    );
    print_phase("SubmitRating", "ratings/s", &cost.observed);
    println!(
        "  the same with {} on ({} spans exported): on / off = {:.2} (bar: >= 0.9)",
        observed::SAFEGUARDS,
        cost.spans_received,
        cost.observed.rate / cost.plain.rate
    );

    let import = import_phase(&channels[0], config.import_ratings, bench_rating).await?;
    print_phase("ImportRatings", "ratings/s", &import);
    let import_kept = import_phase(&channels[0], config.import_ratings, kept_rating).await?;
    print_phase("ImportRatings", "ratings/s", &import_kept);
    println!("  with customer ids and a follow-up rule (bar: >= 100,000/s)");

    let csv =
        csv_import::csv_import_phase(&channels[0], &folder, "bench", config.import_ratings).await?;
    println!(
        "csat import    {:>10.0} ratings/s  {} CSV rows, progress bar drawn: {} new, {} rejected \
         (bar: >= 100,000/s); again: {:.0} rows/s, {} new, {} duplicates",
        csv.first_rate,
        csv.first.rows,
        csv.first.accepted,
        csv.first.rejected,
        csv.rerun_rate,
        csv.rerun.accepted,
        csv.rerun.duplicates
    );
    if csv.first.accepted != config.import_ratings as u64 || csv.rerun.accepted != 0 {
        return Err(Error::internal(
            "csat import did not count each row exactly once",
        ));
    }

    let stored = rounds.submit_time_ordered.count
        + rounds.submit_kept.count
        + rounds.submit_interleaved.count
        + import.count
        + import_kept.count
        + csv.first.accepted as usize;
    let declaring = declare_dimension_phase(&channels).await?;
    println!(
        "UpdateSurvey declaring a dimension over {stored} ratings: {:.2} s; meanwhile {} SubmitRating \
         calls, the slowest {:.1} ms",
        declaring.update.as_secs_f64(),
        declaring.submits,
        declaring.slowest_submit.as_secs_f64() * 1_000.0
    );

    servers.minimal.stop().await?;
    println!(
        "resident memory after {stored} ratings stored: {} MB (server and load generator in one process)",
        resident_megabytes().map_or("unknown".into(), |megabytes| megabytes.to_string())
    );
    servers.deployment.stop().await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

/// The two servers of the ingest benchmark, each with the survey `bench`.
struct IngestServers {
    /// Rollups in two zones for a survey with one dimension, as a deployment keeps them: four
    /// cells per rating.
    deployment: BenchServer,
    /// The fewest rollups a deployment can keep, UTC only for a survey without dimensions: one
    /// cell per rating. Against `deployment`, it measures what a zone and a dimension cost.
    minimal: BenchServer,
}

impl IngestServers {
    async fn start(folder: &std::path::Path, connections: usize) -> Result<IngestServers> {
        let survey = pb::Survey {
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Csat.into(),
            dimensions: vec!["agent".into()],
            ..Default::default()
        };
        let deployment = BenchServer::start(folder, "bench", connections, |server_config| {
            server_config.rollup_time_zones = bench_zones(&["UTC", "America/New_York"]);
        })
        .await?;
        deployment.create_survey("bench", survey.clone()).await?;
        let kept = pb::Survey {
            follow_up: Some(pb::FollowUpRule {
                max_score: 2,
                due_within: None,
            }),
            ..survey.clone()
        };
        deployment.create_survey(KEPT_SURVEY, kept).await?;
        let minimal = BenchServer::start(folder, "minimal", connections, |server_config| {
            server_config.rollup_time_zones = bench_zones(&["UTC"]);
        })
        .await?;
        let survey_without_dimensions = pb::Survey {
            dimensions: Vec::new(),
            ..survey
        };
        minimal
            .create_survey("bench", survey_without_dimensions)
            .await?;
        Ok(IngestServers {
            deployment,
            minimal,
        })
    }
}

/// The survey of the deployment server whose ratings keep more at ingest: they carry a customer
/// id (a customer summary is kept) and the survey's rule opens a follow-up for scores of 2 or less
/// (two ratings in five).
const KEPT_SURVEY: &str = "kept";

/// The timed phases of every round, summed up.
struct IngestRounds {
    check: PhaseResult,
    submit_time_ordered: PhaseResult,
    submit_kept: PhaseResult,
    submit_interleaved: PhaseResult,
    submit_minimal_rollups: PhaseResult,
    submit_json: PhaseResult,
}

impl IngestRounds {
    fn print(&self, callers: usize) {
        print_phase("Health/Check", "calls/s", &self.check);
        print_phase("SubmitRating", "ratings/s", &self.submit_time_ordered);
        println!(
            "  keys UUIDv7: SubmitRating / Health/Check = {:.2} (bar: >= 0.5)",
            self.submit_time_ordered.rate / self.check.rate
        );
        print_phase("SubmitRating", "ratings/s", &self.submit_kept);
        println!(
            "  keys UUIDv7, with customer ids and a follow-up rule: this / without = {:.2} \
             (bar: >= 0.85)",
            self.submit_kept.rate / self.submit_time_ordered.rate
        );
        print_phase("SubmitRating", "ratings/s", &self.submit_interleaved);
        println!(
            "  keys from {callers} interleaved sequences: SubmitRating / Health/Check = {:.2}",
            self.submit_interleaved.rate / self.check.rate
        );
        print_phase("SubmitRating", "ratings/s", &self.submit_minimal_rollups);
        println!(
            "  keys UUIDv7, rollups in UTC only, no dimension: two zones and a dimension / this = \
             {:.2} (bar: >= 0.8)",
            self.submit_time_ordered.rate / self.submit_minimal_rollups.rate
        );
        print_phase("SubmitRating JSON", "ratings/s", &self.submit_json);
        println!(
            "  keys UUIDv7, Connect JSON over HTTP/1.1 keep-alive: JSON / gRPC = {:.2} (bar: >= 0.5)",
            self.submit_json.rate / self.submit_time_ordered.rate
        );
    }
}

/// Runs the rounds of timed phases. Keys decide where each rating lands in the
/// (survey_id, rating_id) index: time-ordered keys (UUIDv7, what the server generates and what
/// the proto recommends) append to it; keys from many independent sequences (ticket numbers of as
/// many systems) land on as many index pages. The phases alternate in short rounds, so that each
/// sees the machine in the same state: on a shared virtual machine the rate of an empty RPC
/// drifts by a third within a minute.
async fn run_rounds(config: &IngestBenchConfig, servers: &IngestServers) -> IngestRounds {
    let channels = &servers.deployment.channels;
    let duration = Duration::from_secs(config.seconds);
    let mut check = PhaseTotals::default();
    let mut submit_time_ordered = PhaseTotals::default();
    let mut submit_kept = PhaseTotals::default();
    let mut submit_interleaved = PhaseTotals::default();
    let mut submit_minimal_rollups = PhaseTotals::default();
    let mut submit_json = PhaseTotals::default();
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let submit_url = format!(
        "http://{}/csat.v1.RatingService/SubmitRating",
        servers.deployment.address
    );
    let submit_json_keys = move |_, _, call| {
        let http = http.clone();
        let submit_url = submit_url.clone();
        async move {
            let body = json_submit_body(uuid::Uuid::now_v7().to_string(), call);
            let Ok(request) = tonic::codegen::http::Request::post(submit_url)
                .header("content-type", "application/json")
                .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            else {
                return false;
            };
            match http.request(request).await {
                Ok(answer) => {
                    let ok = answer.status().is_success();
                    // Read to the end, so that the connection goes back to the pool.
                    http_body_util::BodyExt::collect(answer.into_body())
                        .await
                        .is_ok()
                        && ok
                }
                Err(_) => false,
            }
        }
    };
    let submit_time_ordered_keys = |channel, _, call| {
        let mut client = RatingServiceClient::new(channel);
        async move {
            let rating = bench_rating(uuid::Uuid::now_v7().to_string(), call);
            let request = pb::SubmitRatingRequest {
                rating: Some(rating),
            };
            client.submit_rating(request).await.is_ok()
        }
    };
    for round in 0..config.rounds.max(1) {
        check.add(
            timed_phase(channels, config.callers, duration, |channel, _, _| {
                let mut client = HealthClient::new(channel);
                async move {
                    let request = HealthCheckRequest {
                        service: String::new(),
                    };
                    client.check(request).await.is_ok()
                }
            })
            .await,
        );
        submit_time_ordered
            .add(timed_phase(channels, config.callers, duration, submit_time_ordered_keys).await);
        submit_kept.add(
            timed_phase(channels, config.callers, duration, |channel, _, call| {
                let mut client = RatingServiceClient::new(channel);
                async move {
                    let rating = kept_rating(uuid::Uuid::now_v7().to_string(), call);
                    let request = pb::SubmitRatingRequest {
                        rating: Some(rating),
                    };
                    client.submit_rating(request).await.is_ok()
                }
            })
            .await,
        );
        submit_minimal_rollups.add(
            timed_phase(
                &servers.minimal.channels,
                config.callers,
                duration,
                submit_time_ordered_keys,
            )
            .await,
        );
        submit_json
            .add(timed_phase(channels, config.callers, duration, submit_json_keys.clone()).await);
        let first_call = round * CALLS_PER_ROUND_BOUND;
        submit_interleaved.add(
            timed_phase(
                channels,
                config.callers,
                duration,
                move |channel, caller, call| {
                    let mut client = RatingServiceClient::new(channel);
                    async move {
                        let rating_id = format!("submit-{caller}-{}", first_call + call);
                        let request = pb::SubmitRatingRequest {
                            rating: Some(bench_rating(rating_id, call)),
                        };
                        client.submit_rating(request).await.is_ok()
                    }
                },
            )
            .await,
        );
    }
    IngestRounds {
        check: check.summarize(),
        submit_time_ordered: submit_time_ordered.summarize(),
        submit_kept: submit_kept.summarize(),
        submit_interleaved: submit_interleaved.summarize(),
        submit_minimal_rollups: submit_minimal_rollups.summarize(),
        submit_json: submit_json.summarize(),
    }
}

/// The JSON body of a SubmitRating of the same rating as [`bench_rating`], as a caller without a
/// gRPC library writes it.
fn json_submit_body(rating_id: String, call: usize) -> String {
    serde_json::json!({"rating": {
        "ratingId": rating_id,
        "surveyId": "bench",
        "score": (call % 5) + 1,
        "channel": "CHANNEL_WEB_CHAT",
        "attributes": {"agent": format!("agent-{}", call % 50)},
    }})
    .to_string()
}

fn bench_rating(rating_id: String, call: usize) -> pb::Rating {
    pb::Rating {
        rating_id,
        survey_id: "bench".into(),
        score: (call % 5) as i32 + 1,
        channel: pb::Channel::WebChat.into(),
        attributes: [("agent".to_string(), format!("agent-{}", call % 50))].into(),
        ..Default::default()
    }
}

/// A rating of [`KEPT_SURVEY`] by one of 100,000 customers.
fn kept_rating(rating_id: String, call: usize) -> pb::Rating {
    pb::Rating {
        survey_id: KEPT_SURVEY.into(),
        customer_id: format!("customer-{}", call.wrapping_mul(7919) % 100_000),
        ..bench_rating(rating_id, call)
    }
}

/// Opens `connections` HTTP/2 connections (at least one) to the server at `address`, once it
/// listens, and waits until it says SERVING.
async fn connect_serving(
    address: std::net::SocketAddr,
    connections: usize,
) -> Result<Vec<Channel>> {
    let endpoint = Channel::from_shared(format!("http://{address}")).map_err(Error::internal)?;
    let mut channels = Vec::new();
    let mut refused = 0;
    while channels.len() < connections.max(1) {
        match endpoint.connect().await {
            Ok(channel) => channels.push(channel),
            // A server process just spawned may take a few seconds to listen.
            Err(_) if channels.is_empty() && refused < 200 => {
                refused += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(cause) => return Err(Error::internal(cause)),
        }
    }
    wait_until_serving(&channels[0]).await?;
    Ok(channels)
}

/// Waits until health says SERVING on `channel`.
pub async fn wait_until_serving(channel: &Channel) -> Result<()> {
    let mut client = HealthClient::new(channel.clone());
    for _ in 0..100 {
        let status = client
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .map(|response| response.into_inner().status)
            .ok();
        if status == Some(tonic_health::pb::health_check_response::ServingStatus::Serving as i32) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(Error::internal("the benchmark server never became SERVING"))
}

/// Keeps the interleaved keys of different rounds apart: more calls than any caller makes in one.
const CALLS_PER_ROUND_BOUND: usize = 100_000_000;

/// Latencies of successful calls and the time they took, over the rounds of one phase.
#[derive(Default)]
struct PhaseTotals {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl PhaseTotals {
    fn add(&mut self, (latencies, elapsed): (Vec<Duration>, Duration)) {
        self.latencies.extend(latencies);
        self.elapsed += elapsed;
    }

    fn summarize(self) -> PhaseResult {
        summarize(self.latencies, self.elapsed)
    }
}

/// Runs `callers` loops of `call` for `duration` and returns the latencies of the successful
/// calls and the time taken.
async fn timed_phase<F, Fut>(
    channels: &[Channel],
    callers: usize,
    duration: Duration,
    call: F,
) -> (Vec<Duration>, Duration)
where
    F: Fn(Channel, usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(callers);
    for caller in 0..callers {
        let channel = channels[caller % channels.len()].clone();
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut index = 0usize;
            while Instant::now() < deadline {
                let sent = Instant::now();
                if call(channel.clone(), caller, index).await {
                    latencies.push(sent.elapsed());
                } else {
                    failures += 1;
                }
                index += 1;
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        if let Ok((caller_latencies, caller_failures)) = task.await {
            latencies.extend(caller_latencies);
            failures += caller_failures;
        }
    }
    if failures > 0 {
        println!("  warning: {failures} calls failed");
    }
    (latencies, started.elapsed())
}

/// Imports `ratings` ratings made by `rating` from an id and an index.
async fn import_phase(
    channel: &Channel,
    ratings: usize,
    rating: fn(String, usize) -> pb::Rating,
) -> Result<PhaseResult> {
    let mut client = RatingServiceClient::new(channel.clone());
    let requests = tokio_stream::iter((0..ratings).map(move |index| pb::ImportRatingsRequest {
        rating: Some(rating(format!("import-{index}"), index)),
    }));
    let started = Instant::now();
    let response = client
        .import_ratings(requests)
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    let elapsed = started.elapsed();
    if response.accepted_count != ratings as i64 {
        return Err(Error::internal(format!(
            "import accepted {} of {ratings} ratings",
            response.accepted_count
        )));
    }
    Ok(PhaseResult {
        rate: ratings as f64 / elapsed.as_secs_f64(),
        p50: elapsed,
        p99: elapsed,
        count: ratings,
    })
}

/// What declaring a dimension over the stored ratings cost, and how long it held submissions.
struct DeclaringDimension {
    update: Duration,
    submits: usize,
    slowest_submit: Duration,
}

/// Declares a new dimension on the benchmark's survey, whose cells are built from every stored
/// rating, while one caller keeps submitting.
async fn declare_dimension_phase(channels: &[Channel]) -> Result<DeclaringDimension> {
    let (done, mut stopped) = oneshot::channel::<()>();
    let mut client = RatingServiceClient::new(channels[0].clone());
    let submitter = tokio::spawn(async move {
        let mut latencies = Vec::new();
        while stopped.try_recv() == Err(oneshot::error::TryRecvError::Empty) {
            let started = Instant::now();
            let rating = bench_rating(uuid::Uuid::now_v7().to_string(), latencies.len());
            client
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(rating),
                })
                .await
                .map_err(|status| Error::internal(status.to_string()))?;
            latencies.push(started.elapsed());
        }
        Ok::<_, Error>(latencies)
    });
    // The submitter's first calls set up its connection; the update starts once it runs steadily.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    SurveyServiceClient::new(channels[0].clone())
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "bench".into(),
                dimensions: vec!["agent".into(), "team".into()],
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["dimensions".into()],
            }),
        })
        .await
        .map_err(|status| Error::internal(status.to_string()))?;
    let update = started.elapsed();
    let _ = done.send(());
    let latencies = submitter.await.map_err(Error::internal)??;
    Ok(DeclaringDimension {
        update,
        submits: latencies.len(),
        slowest_submit: latencies.iter().max().copied().unwrap_or_default(),
    })
}

/// Returns the `fraction` percentile of sorted `latencies` (zero when there are none).
pub fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 * fraction) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}

fn summarize(mut latencies: Vec<Duration>, elapsed: Duration) -> PhaseResult {
    latencies.sort_unstable();
    PhaseResult {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        count: latencies.len(),
    }
}

fn print_phase(name: &str, unit: &str, result: &PhaseResult) {
    println!(
        "{name:<14} {:>10.0} {unit:<10} p50 {:>8.2} ms  p99 {:>8.2} ms  ({} done)",
        result.rate,
        result.p50.as_secs_f64() * 1e3,
        result.p99.as_secs_f64() * 1e3,
        result.count
    );
}

/// Returns this process's resident memory in megabytes.
pub fn resident_megabytes() -> Option<u64> {
    resident_megabytes_of("self").map(|megabytes| megabytes as u64)
}

/// Returns the resident memory of `process` (a pid, or `self`) in megabytes.
pub fn resident_megabytes_of(process: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes / 1024.0)
}
