//! `csat bench stream`: StreamRatings replay from the start over stored ratings; live delivery
//! latency (SubmitRating sent to rating received) with many followers on one replica, and with
//! followers spread over two replicas on PostgreSQL; SubmitRating's latency while watchers follow
//! a report that scans; and the resident memory of a `csat serve` process, and the time of an
//! import into it, while one stream, then many, that do not read sit open.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::Mutex;
use tonic::transport::Channel;

use super::{BenchServer, bench_folder, percentile, resident_megabytes_of, wait_until_serving};
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::rating_service_client::RatingServiceClient;

/// Settings of `csat bench stream`.
#[derive(Debug, Clone, Args)]
pub struct StreamBenchConfig {
    /// Ratings stored before the replay.
    #[arg(long, default_value_t = 1_000_000)]
    pub replay_ratings: usize,
    /// Followers of the live phases.
    #[arg(long, default_value_t = 100)]
    pub followers: usize,
    /// Ratings submitted during each live phase.
    #[arg(long, default_value_t = 2_000)]
    pub live_ratings: usize,
    /// Ratings submitted per second during each live phase.
    #[arg(long, default_value_t = 500)]
    pub live_rate: u64,
    /// PostgreSQL server for the phase across replicas (a database is created there and dropped).
    #[arg(
        long,
        env = "CSAT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    /// Ratings imported while a stream that does not read sits open.
    #[arg(long, default_value_t = 100_000)]
    pub stalled_ratings: usize,
    /// Follow streams that do not read, each on a connection of its own, in the second stalled
    /// phase.
    #[arg(long, default_value_t = 500)]
    pub stalled_followers: usize,
    /// WatchReport calls on a query that scans while SubmitRating is timed.
    #[arg(long, default_value_t = 100)]
    pub watchers: usize,
}

/// Runs the stream benchmark and prints its report.
pub async fn run_stream(config: StreamBenchConfig) -> Result<()> {
    let folder = bench_folder()?;
    println!("csat bench stream: SQLite in {}", folder.display());

    let server = BenchServer::start(&folder, "stream", 2, |_| {}).await?;
    server.create_survey("bench", survey()).await?;
    import(&server.channels[0], 0, config.replay_ratings).await?;
    let started = Instant::now();
    let mut replay = RatingServiceClient::new(server.channels[0].clone())
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    let mut replayed = 0usize;
    while let Some(message) = replay
        .message()
        .await
        .map_err(|status| Error::internal(status.to_string()))?
    {
        replayed += usize::from(message.rating.is_some());
    }
    let elapsed = started.elapsed();
    println!(
        "replay of {replayed} ratings to one consumer: {:.0} ratings/s in {:.2} s (bar: >= 200,000/s)",
        replayed as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );

    let latencies =
        live_latencies(&[server.address], &[server.channels[1].clone()], &config).await?;
    print_latencies(
        &format!(
            "live, {} followers on one replica (SQLite)",
            config.followers
        ),
        latencies,
        50,
    );
    scanning_watchers(&server, &config).await?;
    server.stop().await?;

    let (admin, database_url) = create_postgres_database(&config.postgres_url).await?;
    let first = BenchServer::start(&folder, "unused-a", 2, |server_config| {
        server_config.database.database_url = database_url.clone();
    })
    .await?;
    first.create_survey("bench", survey()).await?;
    let second = BenchServer::start(&folder, "unused-b", 2, |server_config| {
        server_config.database.database_url = database_url.clone();
    })
    .await?;
    let latencies = live_latencies(
        &[first.address, second.address],
        &[first.channels[1].clone()],
        &config,
    )
    .await?;
    print_latencies(
        &format!(
            "live, {} followers over two replicas, submits through one (PostgreSQL)",
            config.followers
        ),
        latencies,
        250,
    );
    first.stop().await?;
    second.stop().await?;
    drop_postgres_database(&admin, &database_url).await;

    stalled_consumers(&folder, config.stalled_ratings, 1).await?;
    stalled_consumers(&folder, config.stalled_ratings, config.stalled_followers).await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

fn survey() -> pb::Survey {
    pb::Survey {
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        ..Default::default()
    }
}

async fn import(channel: &Channel, from: usize, count: usize) -> Result<()> {
    let ratings = (from..from + count).map(|index| pb::ImportRatingsRequest {
        rating: Some(pb::Rating {
            rating_id: format!("import-{index}"),
            survey_id: "bench".into(),
            score: (index % 5) as i32 + 1,
            channel: pb::Channel::WebChat.into(),
            comment: "quick and kind".into(),
            attributes: [("agent".to_string(), format!("agent-{}", index % 50))].into(),
            ..Default::default()
        }),
    });
    let response = RatingServiceClient::new(channel.clone())
        .import_ratings(tokio_stream::iter(ratings))
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    if response.accepted_count != count as i64 {
        return Err(Error::internal(format!(
            "import accepted {} of {count}",
            response.accepted_count
        )));
    }
    Ok(())
}

/// Opens `config.followers` follow streams spread over the servers at `follower_addresses`, each
/// on a connection of its own as followers in services of their own have, submits
/// `config.live_ratings` at `config.live_rate` per second through `submit_channels`, and returns
/// the time from each submission's start to each follower's receipt.
async fn live_latencies(
    follower_addresses: &[std::net::SocketAddr],
    submit_channels: &[Channel],
    config: &StreamBenchConfig,
) -> Result<Vec<Duration>> {
    let sent_at: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Arc::default();
    let start_after = {
        // Only what is submitted from now on.
        let mut latest = RatingServiceClient::new(submit_channels[0].clone())
            .list_ratings(pb::ListRatingsRequest {
                page_size: 1,
                ..Default::default()
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?
            .into_inner()
            .ratings;
        latest.pop().map_or(0, |rating| rating.sequence)
    };
    let mut followers = Vec::new();
    for follower in 0..config.followers {
        let address = follower_addresses[follower % follower_addresses.len()];
        let connection = Channel::from_shared(format!("http://{address}"))
            .map_err(Error::internal)?
            .connect()
            .await
            .map_err(Error::internal)?;
        let mut stream = RatingServiceClient::new(connection)
            .stream_ratings(pb::StreamRatingsRequest {
                start_after,
                follow: true,
                ..Default::default()
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?
            .into_inner();
        let expected = config.live_ratings;
        followers.push(tokio::spawn(async move {
            let mut received = Vec::with_capacity(expected);
            while received.len() < expected {
                match tokio::time::timeout(Duration::from_secs(30), stream.message()).await {
                    Ok(Ok(Some(message))) => {
                        if let Some(rating) = message.rating {
                            received.push((rating.rating_id, Instant::now()));
                        }
                    }
                    _ => break,
                }
            }
            received
        }));
    }
    // Followers subscribe before anything is submitted.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let interval = Duration::from_secs_f64(1.0 / config.live_rate.max(1) as f64);
    let mut ticker = tokio::time::interval(interval);
    let mut submissions = Vec::new();
    for index in 0..config.live_ratings {
        ticker.tick().await;
        let mut client =
            RatingServiceClient::new(submit_channels[index % submit_channels.len()].clone());
        let sent_at = sent_at.clone();
        submissions.push(tokio::spawn(async move {
            let rating_id = format!("live-{}", uuid::Uuid::now_v7());
            sent_at
                .lock()
                .await
                .insert(rating_id.clone(), Instant::now());
            client
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(pb::Rating {
                        rating_id,
                        survey_id: "bench".into(),
                        score: 2,
                        channel: pb::Channel::WebChat.into(),
                        ..Default::default()
                    }),
                })
                .await
                .is_ok()
        }));
    }
    for submission in submissions {
        if !submission.await.map_err(Error::internal)? {
            return Err(Error::internal("a live submission failed"));
        }
    }
    let sent_at = sent_at.lock().await;
    let mut latencies = Vec::new();
    for follower in followers {
        let received = follower.await.map_err(Error::internal)?;
        if received.len() < config.live_ratings {
            return Err(Error::internal(format!(
                "a follower received {} of {} ratings",
                received.len(),
                config.live_ratings
            )));
        }
        for (rating_id, at) in received {
            if let Some(sent) = sent_at.get(&rating_id) {
                latencies.push(at.saturating_duration_since(*sent));
            }
        }
    }
    Ok(latencies)
}

/// Times `count` SubmitRating calls sent at `rate` per second through `channel`, each timed from
/// its start to its answer.
async fn submit_latencies(channel: &Channel, count: usize, rate: u64) -> Result<Vec<Duration>> {
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(1) as f64));
    let mut submissions = Vec::new();
    for _ in 0..count {
        ticker.tick().await;
        let mut client = RatingServiceClient::new(channel.clone());
        submissions.push(tokio::spawn(async move {
            let started = Instant::now();
            client
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(pb::Rating {
                        survey_id: "bench".into(),
                        score: 4,
                        channel: pb::Channel::WebChat.into(),
                        attributes: [("region".to_string(), "emea".to_string())].into(),
                        ..Default::default()
                    }),
                })
                .await
                .map(|_| started.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    for submission in submissions {
        latencies.push(
            submission
                .await
                .map_err(Error::internal)?
                .map_err(|status| Error::internal(status.to_string()))?,
        );
    }
    Ok(latencies)
}

/// Times SubmitRating (`--live-ratings` at `--live-rate`) first alone, then while `--watchers`
/// WatchReport calls, each on a connection of its own as dashboards have, follow a query that
/// scans every rating stored (grouped by an attribute the survey does not declare), every 0.1 s.
async fn scanning_watchers(server: &BenchServer, config: &StreamBenchConfig) -> Result<()> {
    let alone =
        submit_latencies(&server.channels[1], config.live_ratings, config.live_rate).await?;
    let query = pb::WatchReportRequest {
        query: Some(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: vec!["bench".into()],
                ..Default::default()
            }),
            group_by: vec!["attributes.region".into()],
            ..Default::default()
        }),
        min_interval: Some(prost_types::Duration {
            seconds: 0,
            nanos: 100_000_000,
        }),
    };
    let reports_received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut watchers = Vec::new();
    for _ in 0..config.watchers {
        let connection = Channel::from_shared(format!("http://{}", server.address))
            .map_err(Error::internal)?
            .connect()
            .await
            .map_err(Error::internal)?;
        let mut watch = crate::pb::report_service_client::ReportServiceClient::new(connection)
            .watch_report(query.clone())
            .await
            .map_err(|status| Error::internal(status.to_string()))?
            .into_inner();
        let reports_received = reports_received.clone();
        watchers.push(tokio::spawn(async move {
            while let Ok(Some(_)) = watch.message().await {
                reports_received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    let started = Instant::now();
    let watched =
        submit_latencies(&server.channels[1], config.live_ratings, config.live_rate).await?;
    let elapsed = started.elapsed();
    let received = reports_received.load(std::sync::atomic::Ordering::Relaxed);
    for watcher in &watchers {
        watcher.abort();
    }
    print_latencies("SubmitRating alone", alone, 100);
    print_latencies(
        &format!(
            "SubmitRating with {} watchers of a scanning report",
            config.watchers
        ),
        watched,
        100,
    );
    println!(
        "  the watchers received {received} reports in {:.1} s ({:.1} per watcher per second)",
        elapsed.as_secs_f64(),
        received as f64 / config.watchers.max(1) as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

fn print_latencies(name: &str, mut latencies: Vec<Duration>, bar_ms: u64) {
    latencies.sort_unstable();
    let at = |fraction| percentile(&latencies, fraction);
    println!(
        "{name}: {} deliveries, p50 {:.2} ms, p99 {:.2} ms (bar: p99 <= {bar_ms} ms)",
        latencies.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

async fn create_postgres_database(admin_url: &str) -> Result<(String, String)> {
    let name = format!("csat_bench_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    let _ = admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_string())
        .ok_or_else(|| Error::internal("a PostgreSQL URL ends with /database"))?;
    Ok((admin_url.to_string(), format!("{base}/{name}")))
}

async fn drop_postgres_database(admin_url: &str, database_url: &str) {
    let Some((_, name)) = database_url.rsplit_once('/') else {
        return;
    };
    if let Ok(admin) = Database::connect(admin_url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        let _ = admin.close().await;
    }
}

/// Runs `csat serve` as a process of its own, imports `count` ratings twice to warm it, then once
/// more as the control, opens `followers` follow streams that never read (each on a connection of
/// its own, whose client accepts 64 KiB per stream as HTTP/2 does by default and gRPC's C core
/// does before it reads), imports `count` more, and prints the process's resident memory before
/// and after, and the two imports' times.
async fn stalled_consumers(folder: &std::path::Path, count: usize, followers: usize) -> Result<()> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(Error::internal)?
        .port();
    let database_url = format!(
        "sqlite://{}",
        folder.join(format!("stalled-{followers}.db")).display()
    );
    let mut process = std::process::Command::new(std::env::current_exe().map_err(Error::internal)?)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &database_url,
        ])
        .env("RUST_LOG", "warn")
        .spawn()
        .map_err(Error::internal)?;
    let measured = async {
        let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}"))
            .map_err(Error::internal)?
            .initial_stream_window_size(64 * 1024);
        let mut channel = None;
        for _ in 0..100 {
            if let Ok(connected) = endpoint.connect().await {
                channel = Some(connected);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let channel = channel.ok_or_else(|| Error::internal("csat serve did not start"))?;
        wait_until_serving(&channel).await?;
        crate::pb::survey_service_client::SurveyServiceClient::new(channel.clone())
            .create_survey(pb::CreateSurveyRequest {
                survey_id: "bench".into(),
                survey: Some(survey()),
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?;
        // Twice, so that the connections' page caches and the allocator are warm; a third time
        // as the control: what the same import adds to the resident memory with no stream open.
        import(&channel, 0, count).await?;
        import(&channel, count, count).await?;
        let resident = || resident_megabytes_of(&process.id().to_string()).unwrap_or_default();
        let control_before = resident();
        let started = Instant::now();
        import(&channel, 2 * count, count).await?;
        let control_time = started.elapsed();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let control_after = resident();
        let mut stalled = Vec::new();
        for _ in 0..followers {
            let connection = endpoint.connect().await.map_err(Error::internal)?;
            stalled.push(
                RatingServiceClient::new(connection)
                    .stream_ratings(pb::StreamRatingsRequest {
                        start_after: 3 * count as i64,
                        follow: true,
                        ..Default::default()
                    })
                    .await
                    .map_err(|status| Error::internal(status.to_string()))?,
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = resident();
        let started = Instant::now();
        import(&channel, 3 * count, count).await?;
        let stalled_time = started.elapsed();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = resident();
        drop(stalled);
        let (streams, bar) = match followers {
            1 => ("a stream".to_string(), 20),
            many => (format!("{many} follow streams"), 200),
        };
        println!(
            "stalled consumers: csat serve resident memory {before:.1} MB with {streams} open that do not read, {after:.1} MB after {count} more ratings: {:+.1} MB (bar: < {bar} MB); the import took {:.2} s",
            after - before,
            stalled_time.as_secs_f64()
        );
        println!(
            "  control, the same import with no stream open: {control_before:.1} MB to {control_after:.1} MB: {:+.1} MB in {:.2} s; with the streams {:.2} x as long (bar: <= 2)",
            control_after - control_before,
            control_time.as_secs_f64(),
            stalled_time.as_secs_f64() / control_time.as_secs_f64()
        );
        Ok::<_, Error>(())
    }
    .await;
    let _ = process.kill();
    let _ = process.wait();
    measured
}
