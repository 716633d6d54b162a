//! Several `csat` processes on one PostgreSQL database, as replicas behind a Kubernetes Service:
//! followers on every replica see every rating once and in order, a stream resumes on another
//! replica after a kill -9, a kill -9 mid-ingest loses no acknowledged rating, a watched report
//! follows ratings submitted elsewhere, a stream that does not read keeps memory flat, replicas
//! migrating a new database at the same moment all succeed, a replica waiting for another's
//! migration answers health NOT_SERVING and other calls UNAVAILABLE, and replicas starting together
//! with a new rollup zone build it once; reads answer UNAVAILABLE while the database is out of
//! reach; low ratings retried through every replica at once open one follow-up each, which every
//! replica shows alike, guards by one etag and counts in its customer's health.

use crate::common;
use std::collections::{BTreeSet, HashSet};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    Backend, CsatProcess, TestDatabase, TestServer, connect, create_csat_survey, error_reason,
    free_address, list_ratings, rating, resident_megabytes, spawn_csat, start_csat,
    wait_until_serving, watch_survey_every_tenth_of_a_second,
};
use crate::customers::get_customer;
use crate::follow_ups::{create_survey_with_rule, list_all, rating_ids_once};
use csat::pb;
use csat::pb::customer_service_client::CustomerServiceClient;
use csat::pb::follow_up_service_client::FollowUpServiceClient;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::report_service_client::ReportServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use tonic::transport::Channel;

/// Replicas of one database, killed when dropped.
pub(crate) struct Replicas {
    pub(crate) processes: Vec<CsatProcess>,
    pub(crate) channels: Vec<Channel>,
    pub(crate) database: TestDatabase,
}

impl Replicas {
    pub(crate) async fn start(count: usize) -> Replicas {
        let database = TestDatabase::create(Backend::Postgres).await;
        let mut processes = Vec::new();
        let mut channels = Vec::new();
        for _ in 0..count {
            let (process, channel) = start_csat(&database.url, free_address()).await;
            processes.push(process);
            channels.push(channel);
        }
        create_csat_survey(
            &mut SurveyServiceClient::new(channels[0].clone()),
            "chat",
            "support_chat",
        )
        .await;
        Replicas {
            processes,
            channels,
            database,
        }
    }

    fn kill(&mut self, replica: usize) {
        self.processes[replica].kill().unwrap();
        self.processes[replica].wait().unwrap();
    }

    pub(crate) async fn stop(mut self) {
        for process in &mut self.processes {
            let _ = process.kill();
            let _ = process.wait();
        }
        self.database.drop_database().await;
    }
}

async fn follow(
    channel: &Channel,
    start_after: i64,
) -> tonic::Streaming<pb::StreamRatingsResponse> {
    RatingServiceClient::new(channel.clone())
        .stream_ratings(pb::StreamRatingsRequest {
            start_after,
            follow: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

/// Reads `count` ratings from `stream`, failing after `deadline`.
async fn read(
    stream: &mut tonic::Streaming<pb::StreamRatingsResponse>,
    count: usize,
    deadline: Duration,
) -> Vec<pb::Rating> {
    let mut ratings = Vec::with_capacity(count);
    tokio::time::timeout(deadline, async {
        while ratings.len() < count {
            let message = stream.message().await.unwrap().expect("the stream goes on");
            ratings.push(message.rating.unwrap());
        }
    })
    .await
    .unwrap_or_else(|_| panic!("only {} of {count} ratings arrived", ratings.len()));
    ratings
}

/// Submits `per_caller` ratings from each of `callers` callers spread over `channels`.
async fn submit_spread(channels: &[Channel], callers: usize, per_caller: usize) -> HashSet<String> {
    let mut tasks = Vec::new();
    for caller in 0..callers {
        let mut client = RatingServiceClient::new(channels[caller % channels.len()].clone());
        tasks.push(tokio::spawn(async move {
            let mut submitted = Vec::new();
            for index in 0..per_caller {
                let rating_id = format!("c{caller}-{index}");
                client
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(rating("chat", &rating_id, (index % 5 + 1) as i32)),
                    })
                    .await
                    .unwrap();
                submitted.push(rating_id);
            }
            submitted
        }));
    }
    let mut all = HashSet::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_on_every_replica_see_every_rating_once_and_in_order() {
    let replicas = Replicas::start(3).await;
    let mut followers = Vec::new();
    for channel in &replicas.channels {
        followers.push(follow(channel, 0).await);
    }

    let submitted = submit_spread(&replicas.channels, 9, 40).await;

    for (replica, follower) in followers.iter_mut().enumerate() {
        let seen = read(follower, submitted.len(), Duration::from_secs(30)).await;
        let sequences: Vec<i64> = seen.iter().map(|rating| rating.sequence).collect();
        let expected: Vec<i64> = (1..=submitted.len() as i64).collect();
        assert_eq!(
            sequences, expected,
            "replica {replica}: every sequence once, in order"
        );
        let ids: HashSet<String> = seen.into_iter().map(|rating| rating.rating_id).collect();
        assert_eq!(ids, submitted, "replica {replica}");
    }
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_resumes_on_another_replica_after_a_kill_9() {
    let mut replicas = Replicas::start(2).await;
    let mut first = follow(&replicas.channels[0], 0).await;
    let writers = replicas.channels[1..].to_vec();
    let load = tokio::spawn(async move { submit_spread(&writers, 4, 100).await });

    let before_kill = read(&mut first, 150, Duration::from_secs(30)).await;
    replicas.kill(0);
    let cursor = before_kill.last().unwrap().sequence;
    let submitted = load.await.unwrap();
    let mut resumed = follow(&replicas.channels[1], cursor).await;
    let after_kill = read(
        &mut resumed,
        submitted.len() - before_kill.len(),
        Duration::from_secs(30),
    )
    .await;

    let sequences: Vec<i64> = before_kill
        .iter()
        .chain(&after_kill)
        .map(|rating| rating.sequence)
        .collect();
    assert_eq!(sequences, (1..=submitted.len() as i64).collect::<Vec<_>>());
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_of_a_replica_mid_ingest_loses_no_acknowledged_rating() {
    let mut replicas = Replicas::start(2).await;
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let mut callers = Vec::new();
    for caller in 0..8 {
        let mut client = RatingServiceClient::new(replicas.channels[caller % 2].clone());
        let acknowledged = acknowledged.clone();
        callers.push(tokio::spawn(async move {
            for index in 0..400 {
                let rating_id = format!("c{caller}-{index}");
                let submitted = client
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(rating("chat", &rating_id, 4)),
                    })
                    .await;
                match submitted {
                    Ok(_) => acknowledged.lock().unwrap().insert(rating_id),
                    // The killed replica's callers stop; the other's go on.
                    Err(_) => return,
                };
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    replicas.kill(0);
    for caller in callers {
        caller.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut survivor = RatingServiceClient::new(replicas.channels[1].clone());
    let mut stored = HashSet::new();
    let mut stream = survivor
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut sequences = Vec::new();
    while let Some(message) = stream.message().await.unwrap() {
        let rating = message.rating.unwrap();
        sequences.push(rating.sequence);
        stored.insert(rating.rating_id);
    }
    assert!(
        acknowledged.len() > 400,
        "the load ran: {}",
        acknowledged.len()
    );
    let lost: Vec<&String> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged ratings lost: {lost:?}");
    assert_eq!(sequences, (1..=sequences.len() as i64).collect::<Vec<_>>());
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_report_follows_ratings_submitted_through_another_replica() {
    let replicas = Replicas::start(2).await;
    let mut watch = ReportServiceClient::new(replicas.channels[0].clone())
        .watch_report(watch_survey_every_tenth_of_a_second("chat"))
        .await
        .unwrap()
        .into_inner();
    let count =
        |response: pb::WatchReportResponse| response.report.unwrap().overall.unwrap().rating_count;
    let first = count(watch.message().await.unwrap().unwrap());

    submit_spread(&replicas.channels[1..], 2, 10).await;
    let mut latest = first;
    tokio::time::timeout(Duration::from_secs(10), async {
        while latest < 20 {
            latest = count(watch.message().await.unwrap().unwrap());
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the watched report stopped at {latest} ratings"));

    assert_eq!(first, 0);
    assert_eq!(latest, 20);
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_does_not_read_keeps_memory_flat() {
    let replicas = Replicas::start(1).await;
    let channel = replicas.channels[0].clone();
    let import = |from: usize| {
        let channel = channel.clone();
        async move {
            let ratings = (from..from + 100_000).map(|index| pb::ImportRatingsRequest {
                rating: Some(pb::Rating {
                    comment: "the agent was quick and kind, and solved it at once".into(),
                    ..rating("chat", &format!("r{index}"), (index % 5 + 1) as i32)
                }),
            });
            let response = RatingServiceClient::new(channel)
                .import_ratings(tokio_stream::iter(ratings))
                .await
                .unwrap()
                .into_inner();
            assert_eq!(response.accepted_count, 100_000);
        }
    };
    // Warm the caches first: only the stalled stream should be able to grow memory after.
    import(0).await;
    import(100_000).await;
    let pid = replicas.processes[0].id();
    let stalled = follow(&channel, 0).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = resident_megabytes(pid);

    import(200_000).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = resident_megabytes(pid);

    drop(stalled);
    println!("resident memory: {before:.1} MB with the stalled stream open, {after:.1} MB after");
    assert!(
        after - before < 20.0,
        "resident memory grew from {before:.1} MB to {after:.1} MB"
    );
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_migrating_a_new_database_together_all_succeed() {
    // A first rollout starts every replica at once, each running the migrations at start.
    let database = TestDatabase::create(Backend::Postgres).await;
    let migrations: Vec<Child> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
                .args(["migrate", "--database-url", &database.url])
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let failures: Vec<String> = migrations
        .into_iter()
        .map(|migration| migration.wait_with_output().unwrap())
        .filter(|output| !output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stderr).into_owned())
        .collect();
    assert!(failures.is_empty(), "migrations failed: {failures:#?}");
    let (replica, channel) = start_csat(&database.url, free_address()).await;
    create_csat_survey(
        &mut SurveyServiceClient::new(channel),
        "chat",
        "support_chat",
    )
    .await;
    drop(replica);
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_waiting_for_another_to_migrate_answers_health_and_stops_on_sigterm() {
    use tonic_health::pb::health_check_response::ServingStatus;
    let database = TestDatabase::create(Backend::Postgres).await;
    // Another replica migrating, as the waiting ones see it: the migration lock held ("csat" in
    // ASCII, 0x63736174).
    let other_replica = sea_orm::Database::connect(&database.url).await.unwrap();
    let migrating = sea_orm::TransactionTrait::begin(&other_replica)
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        &migrating,
        "SELECT pg_advisory_xact_lock(1668505972)",
    )
    .await
    .unwrap();

    let health_of = |channel: &Channel| {
        let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
        async move {
            health
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .map(|response| response.into_inner().status)
        }
    };
    let address = free_address();
    let mut stopped_while_waiting = spawn_csat(&database.url, address);
    let channel = connect(address).await;
    assert_eq!(
        health_of(&channel).await.unwrap(),
        ServingStatus::NotServing as i32
    );
    let refused = SurveyServiceClient::new(channel.clone())
        .list_surveys(pb::ListSurveysRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unavailable, "{refused:?}");
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &stopped_while_waiting.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let exit = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::task::spawn_blocking(move || stopped_while_waiting.wait().unwrap()),
    )
    .await
    .expect("a replica stopped while starting exits promptly")
    .unwrap();
    assert_eq!(exit.code(), Some(0));

    let address = free_address();
    let replica = spawn_csat(&database.url, address);
    let channel = connect(address).await;
    assert_eq!(
        health_of(&channel).await.unwrap(),
        ServingStatus::NotServing as i32
    );
    migrating.commit().await.unwrap();
    other_replica.close().await.unwrap();
    wait_until_serving(&channel).await;
    create_csat_survey(
        &mut SurveyServiceClient::new(channel),
        "chat",
        "support_chat",
    )
    .await;
    drop(replica);
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_unavailable_while_the_database_is_out_of_reach() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let name = database.url.rsplit_once('/').unwrap().1.to_string();
    let mut server = TestServer::spawn_on(database.shared()).await;
    server.create_csat_survey("chat", "support_chat").await;
    let admin = sea_orm::Database::connect(&common::postgres_admin_url())
        .await
        .unwrap();
    let run = |sql: String| {
        let admin = admin.clone();
        async move {
            sea_orm::ConnectionTrait::execute_unprepared(&admin, &sql)
                .await
                .unwrap();
        }
    };
    run(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;

    let mut codes = Vec::new();
    for _ in 0..2 {
        let listed = server
            .surveys
            .list_surveys(pb::ListSurveysRequest::default())
            .await;
        codes.push(
            listed
                .map(|_| tonic::Code::Ok)
                .unwrap_or_else(|status| status.code()),
        );
        let listed = server
            .ratings
            .list_ratings(pb::ListRatingsRequest::default())
            .await;
        codes.push(
            listed
                .map(|_| tonic::Code::Ok)
                .unwrap_or_else(|status| status.code()),
        );
    }
    run(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    // While the database is known to be out of reach, calls are refused at once: they pass again
    // once the health probe (every 500 ms) reaches it.
    let mut back = Err(tonic::Status::unknown("not called"));
    for _ in 0..50 {
        back = server
            .surveys
            .list_surveys(pb::ListSurveysRequest::default())
            .await;
        if back.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    assert_eq!(codes, [tonic::Code::Unavailable; 4]);
    assert!(back.is_ok(), "{back:?}");
    server.stop().await;
    database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_building_a_new_rollup_zone_together_count_each_rating_once() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let mut first = TestServer::spawn_on(database).await;
    first.create_csat_survey("chat", "support_chat").await;
    first.import_numbered("chat", "r", 3_000).await;
    let database = first.stop_keeping_database().await;

    // A rollout that adds a zone starts every replica with it at once.
    let with_tokyo = |config: &mut csat::config::Config| {
        config.rollup_time_zones = common::zones(&["UTC", "Asia/Tokyo"]);
    };
    let (mut one, two, three) = tokio::join!(
        TestServer::spawn_with(database.shared(), with_tokyo),
        TestServer::spawn_with(database.shared(), with_tokyo),
        TestServer::spawn_with(database.shared(), with_tokyo),
    );
    let in_tokyo = one
        .report(pb::ReportQuery {
            time_zone: "Asia/Tokyo".into(),
            granularity: pb::Granularity::Day.into(),
            ..Default::default()
        })
        .await;

    assert!(in_tokyo.from_rollups);
    let overall = in_tokyo.overall.unwrap();
    assert_eq!(overall.distribution, [600, 600, 600, 600, 600]);
    for replica in [two, three] {
        replica.stop_keeping_database().await;
    }
    one.stop_keeping_database().await;
    database.drop_database().await;
}

/// The rating `index` of the follow-ups test on replicas: scores cycle 1 to 5 (2 or less opens a
/// follow-up) over customers c0 to c3.
fn rating_with_rule(index: usize) -> pb::Rating {
    pb::Rating {
        customer_id: format!("c{}", index % 4),
        ..rating("loop", &format!("r{index}"), (index % 5 + 1) as i32)
    }
}

/// Submits `rating` through `channel`: by SubmitRating, BatchSubmitRatings or ImportRatings as
/// `path` is 0, 1 or 2.
async fn submit_by_path(channel: Channel, rating: pb::Rating, path: usize) {
    let mut client = RatingServiceClient::new(channel);
    match path {
        0 => {
            client
                .submit_rating(pb::SubmitRatingRequest {
                    rating: Some(rating),
                })
                .await
                .unwrap();
        }
        1 => {
            client
                .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
                    ratings: vec![rating],
                })
                .await
                .unwrap();
        }
        _ => {
            let imported = client
                .import_ratings(tokio_stream::iter([pb::ImportRatingsRequest {
                    rating: Some(rating),
                }]))
                .await
                .unwrap()
                .into_inner();
            assert_eq!(imported.rejected_count, 0, "{imported:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_open_one_follow_up_per_low_rating_and_share_its_etag_and_health() {
    use pb::FollowUpState::{InProgress, Open, Resolved};
    let replicas = Replicas::start(3).await;
    let channels = &replicas.channels;
    create_survey_with_rule(
        &mut SurveyServiceClient::new(channels[0].clone()),
        "loop",
        2,
        None,
    )
    .await;
    // Customer "solo": satisfied two days ago, then a low rating a day ago.
    let now = csat::domain::now_micros();
    let at = |days_ago: i64| {
        let micros = now - days_ago * 86_400_000_000;
        Some(prost_types::Timestamp {
            seconds: micros.div_euclid(1_000_000),
            nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
        })
    };
    let solo = |rating_id: &str, score: i32, days_ago: i64| pb::Rating {
        customer_id: "solo".into(),
        occur_time: at(days_ago),
        ..rating("loop", rating_id, score)
    };
    submit_by_path(channels[2].clone(), solo("solo-high", 5, 2), 0).await;
    let mut sent = vec![solo("solo-low", 1, 1)];
    sent.extend((0..60).map(rating_with_rule));
    // Every rating through every replica at once, by another path on each.
    let mut tasks = Vec::new();
    for (index, rating) in sent.iter().enumerate() {
        for (replica, channel) in channels.iter().enumerate() {
            tasks.push(tokio::spawn(submit_by_path(
                channel.clone(),
                rating.clone(),
                (index + replica) % 3,
            )));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }

    let mut follow_ups: Vec<FollowUpServiceClient<Channel>> = channels
        .iter()
        .map(|channel| FollowUpServiceClient::new(channel.clone()))
        .collect();
    let mut customers: Vec<CustomerServiceClient<Channel>> = channels
        .iter()
        .map(|channel| CustomerServiceClient::new(channel.clone()))
        .collect();
    let seen = list_all(&mut follow_ups[0], pb::FollowUpFilter::default(), 1_000).await;
    let expected: BTreeSet<String> = sent
        .iter()
        .filter(|rating| rating.score <= 2)
        .map(|rating| rating.rating_id.clone())
        .collect();
    assert_eq!(rating_ids_once(&seen), expected);
    for (replica, client) in follow_ups.iter_mut().enumerate().skip(1) {
        let listed = list_all(client, pb::FollowUpFilter::default(), 7).await;
        assert_eq!(listed, seen, "replica {replica}");
    }
    for customer_id in ["c0", "c1", "c2", "c3", "solo"] {
        let mut answers = Vec::new();
        for (replica, client) in customers.iter_mut().enumerate() {
            let customer = get_customer(client, customer_id).await;
            let stored = list_ratings(
                &mut RatingServiceClient::new(channels[replica].clone()),
                pb::RatingFilter {
                    customer_id: customer_id.into(),
                    ..Default::default()
                },
                1_000,
            )
            .await;
            let open = seen
                .iter()
                .filter(|follow_up| follow_up.customer_id == customer_id)
                .count();
            assert_eq!(
                (customer.rating_count, customer.open_follow_up_count),
                (stored.len() as i64, open as i64),
                "{customer_id} on replica {replica}"
            );
            answers.push(customer);
        }
        assert!(
            answers.windows(2).all(|pair| pair[0] == pair[1]),
            "{answers:#?}"
        );
    }

    // The follow-up of "solo", read on B, changed on A with B's etag; C's change with that etag,
    // stale now, is refused.
    let solo_low = seen
        .iter()
        .find(|follow_up| follow_up.rating_id == "solo-low")
        .unwrap();
    let change = |state: pb::FollowUpState, code: &str, assignee: &str, etag: &str| {
        pb::UpdateFollowUpRequest {
            follow_up: Some(pb::FollowUp {
                follow_up_id: solo_low.follow_up_id.clone(),
                state: state.into(),
                resolution_code: code.into(),
                assignee: assignee.into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["state".into(), "resolution_code".into(), "assignee".into()],
            }),
            etag: etag.into(),
        }
    };
    let read_on_b = follow_ups[1]
        .get_follow_up(pb::GetFollowUpRequest {
            follow_up_id: solo_low.follow_up_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    let open_on_every_replica = health_on_every_replica(&mut customers).await;
    let resolved_on_a = follow_ups[0]
        .update_follow_up(change(Resolved, "called_back", "ann", &read_on_b.etag))
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    let stale_on_c = follow_ups[2]
        .update_follow_up(change(InProgress, "", "bob", &read_on_b.etag))
        .await
        .unwrap_err();
    let mut after = Vec::new();
    for client in &mut follow_ups {
        after.push(
            client
                .get_follow_up(pb::GetFollowUpRequest {
                    follow_up_id: read_on_b.follow_up_id.clone(),
                })
                .await
                .unwrap()
                .into_inner()
                .follow_up
                .unwrap(),
        );
    }
    let resolved_on_every_replica = health_on_every_replica(&mut customers).await;
    replicas.stop().await;

    assert_eq!(read_on_b.state(), Open);
    assert_eq!(
        (resolved_on_a.state(), resolved_on_a.assignee.as_str()),
        (Resolved, "ann")
    );
    assert_ne!(resolved_on_a.etag, read_on_b.etag);
    assert_eq!(
        (stale_on_c.code(), error_reason(&stale_on_c).as_str()),
        (tonic::Code::Aborted, "FOLLOW_UP_ETAG_MISMATCH")
    );
    assert_eq!(
        after,
        [resolved_on_a.clone(), resolved_on_a.clone(), resolved_on_a]
    );
    // csat 50 (one of two satisfied) and recent 0 (a 1 on 1-5) weigh 0.35 and 0.15; follow_up
    // 0 while open, 100 once resolved, weighs 0.10.
    let open_health = 0.35 * 50.0 / 0.6;
    let resolved_health = (0.35 * 50.0 + 0.10 * 100.0) / 0.6;
    for (replica, (open, resolved)) in open_on_every_replica
        .iter()
        .zip(&resolved_on_every_replica)
        .enumerate()
    {
        assert_eq!(
            (open.0, open.2, open.3),
            (1, Some(0.0), pb::HealthBand::Critical),
            "replica {replica}"
        );
        assert!(
            (open.1 - open_health).abs() < 1e-9,
            "replica {replica}: {open:?}"
        );
        assert_eq!(
            (resolved.0, resolved.2, resolved.3),
            (0, Some(100.0), pb::HealthBand::AtRisk),
            "replica {replica}"
        );
        assert!(
            (resolved.1 - resolved_health).abs() < 1e-9,
            "replica {replica}: {resolved:?}"
        );
    }
}

/// The open follow-ups, health, follow_up factor and band of customer "solo", on each replica.
async fn health_on_every_replica(
    customers: &mut [CustomerServiceClient<Channel>],
) -> Vec<(i64, f64, Option<f64>, pb::HealthBand)> {
    let mut seen = Vec::new();
    for client in customers {
        let customer = get_customer(client, "solo").await;
        let follow_up_factor = customer
            .health_factors
            .iter()
            .find(|factor| factor.name == "follow_up")
            .map(|factor| factor.value);
        seen.push((
            customer.open_follow_up_count,
            customer.health.unwrap(),
            follow_up_factor,
            customer.health_band(),
        ));
    }
    seen
}
