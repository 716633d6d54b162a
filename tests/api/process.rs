//! The real `csat` binary as a process: a kill -9 in the middle of a load loses no acknowledged
//! rating; a kill -9 in the middle of an import leaves exactly one follow-up per stored low
//! rating, and so does sending the import again, with customer summaries and the report's loop
//! figures agreeing; SIGTERM drains and exits 0, on SQLite and PostgreSQL; out of file
//! descriptors, it waits rather than spins; on a SQLite file it may not write, or a PostgreSQL that does not
//! answer, it does not start, and says why.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, create_csat_survey, free_address, list_ratings,
    rating, serve_arguments, start_csat, wait_until_serving,
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

on_both_backends!(
    kill_9_under_load_loses_no_acknowledged_rating,
    kill_9_mid_import_leaves_one_follow_up_per_stored_low_rating,
    sigterm_drains_and_exits_zero,
    a_migration_failing_halfway_leaves_the_schema_as_it_was,
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

    let acknowledged = Arc::new(Mutex::new(HashMap::new()));
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
                    Ok(response) => {
                        let sequence = response.into_inner().rating.unwrap().sequence;
                        acknowledged.lock().unwrap().insert(rating_id, sequence);
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
    let fresh_sequence = RatingServiceClient::new(channel.clone())
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "after-restart", 5)),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap()
        .sequence;
    let mut stream = RatingServiceClient::new(channel)
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut stored = HashMap::new();
    let mut sequences = Vec::new();
    while let Some(message) = stream.message().await.unwrap() {
        let rating = message.rating.unwrap();
        sequences.push(rating.sequence);
        stored.insert(rating.rating_id, rating.sequence);
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    database.drop_database().await;

    let lost: Vec<&String> = acknowledged
        .keys()
        .filter(|rating_id| !stored.contains_key(*rating_id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged ratings lost: {lost:?}",
        lost.len()
    );
    assert_eq!(stored.len(), sequences.len(), "no rating stored twice");
    for (rating_id, sequence) in &acknowledged {
        assert_eq!(
            stored.get(rating_id),
            Some(sequence),
            "{rating_id} is stored with the sequence it was acknowledged with"
        );
    }
    assert!(
        acknowledged
            .values()
            .all(|sequence| *sequence < fresh_sequence),
        "a rating after the restart got sequence {fresh_sequence}, given before"
    );
    assert!(
        sequences.windows(2).all(|pair| pair[0] < pair[1]),
        "sequences increase"
    );
}

/// Ratings of the import killed mid-way, and sent again whole.
const IMPORTED_RATINGS: usize = 20_000;
/// Customers the imported ratings are spread over: prime to the 5 scores, so that each customer
/// has every score.
const IMPORT_CUSTOMERS: usize = 37;

/// The imported rating `index`: scores cycle 1 to 5, so 2 in 5 open a follow-up (2 or less).
fn imported_rating(index: usize) -> pb::Rating {
    pb::Rating {
        customer_id: format!("c{}", index % IMPORT_CUSTOMERS),
        ..rating("chat", &format!("r{index}"), (index % 5 + 1) as i32)
    }
}

/// Imports every rating of [`imported_rating`] in one ImportRatings stream, as a batch job does.
async fn import_all(channel: Channel) -> Result<pb::ImportRatingsResponse, tonic::Status> {
    let rows = (0..IMPORTED_RATINGS).map(|index| pb::ImportRatingsRequest {
        rating: Some(imported_rating(index)),
    });
    RatingServiceClient::new(channel)
        .import_ratings(tokio_stream::iter(rows))
        .await
        .map(tonic::Response::into_inner)
}

/// The overall figures of a report of every stored rating.
async fn reported(channel: &Channel) -> pb::Metrics {
    ReportServiceClient::new(channel.clone())
        .get_report(pb::GetReportRequest {
            query: Some(pb::ReportQuery::default()),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap()
        .overall
        .unwrap()
}

/// Checks that the stored ratings, their follow-ups, the customer summaries and the report's
/// loop figures agree, and returns the stored ratings by id.
async fn check_follow_ups_of_stored_ratings(channel: &Channel) -> BTreeMap<String, pb::Rating> {
    let mut stream = RatingServiceClient::new(channel.clone())
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut stored = BTreeMap::new();
    while let Some(message) = stream.message().await.unwrap() {
        let rating = message.rating.unwrap();
        stored.insert(rating.rating_id.clone(), rating);
    }
    let follow_ups = list_all(
        &mut FollowUpServiceClient::new(channel.clone()),
        pb::FollowUpFilter::default(),
        1_000,
    )
    .await;

    // One per stored low rating: none doubled, none missing, none of a rating not stored.
    let low: Vec<String> = stored
        .values()
        .filter(|rating| rating.score <= 2)
        .map(|rating| rating.rating_id.clone())
        .collect();
    assert_eq!(
        rating_ids_once(&follow_ups).into_iter().collect::<Vec<_>>(),
        low
    );
    for follow_up in &follow_ups {
        let rating = &stored[&follow_up.rating_id];
        assert_eq!(
            (
                follow_up.follow_up_id.as_str(),
                follow_up.score,
                follow_up.customer_id.as_str()
            ),
            (
                rating.sequence.to_string().as_str(),
                rating.score,
                rating.customer_id.as_str()
            ),
        );
    }
    let is_open = |follow_up: &&pb::FollowUp| {
        matches!(
            follow_up.state(),
            pb::FollowUpState::Open | pb::FollowUpState::InProgress
        )
    };
    let mut customers = CustomerServiceClient::new(channel.clone());
    let mut ratings = RatingServiceClient::new(channel.clone());
    for customer_id in ["c0", "c1", "c17", "c36"] {
        let customer = get_customer(&mut customers, customer_id).await;
        let listed = list_ratings(
            &mut ratings,
            pb::RatingFilter {
                customer_id: customer_id.into(),
                ..Default::default()
            },
            1_000,
        )
        .await;
        let open = follow_ups
            .iter()
            .filter(is_open)
            .filter(|follow_up| follow_up.customer_id == customer_id)
            .count();
        assert_eq!(
            (customer.rating_count, customer.open_follow_up_count),
            (listed.len() as i64, open as i64),
            "{customer_id}"
        );
    }
    // Closed at once, each within its due time.
    let closed = follow_ups
        .iter()
        .filter(|follow_up| !is_open(follow_up))
        .count() as i64;
    let report = reported(channel).await;
    assert_eq!(
        (
            report.rating_count,
            report.follow_up_count,
            report.closed_follow_up_count,
            report.closed_within_due_count
        ),
        (
            stored.len() as i64,
            Some(follow_ups.len() as i64),
            Some(closed),
            Some(closed)
        )
    );
    stored
}

async fn kill_9_mid_import_leaves_one_follow_up_per_stored_low_rating(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let address = free_address();
    let (mut process, channel) = start_csat(&database.url, address).await;
    create_survey_with_rule(
        &mut SurveyServiceClient::new(channel.clone()),
        "chat",
        2,
        None,
    )
    .await;

    let importing = tokio::spawn(import_all(channel.clone()));
    // Killed once a share is committed, well before the end.
    while !importing.is_finished()
        && reported(&channel).await.rating_count < (IMPORTED_RATINGS / 5) as i64
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    process.kill().unwrap();
    process.wait().unwrap();
    let killed = importing.await.unwrap();

    let (mut restarted, channel) = start_csat(&database.url, address).await;
    let after_kill = check_follow_ups_of_stored_ratings(&channel).await;
    println!(
        "killed with {} of {IMPORTED_RATINGS} ratings stored",
        after_kill.len()
    );
    // Some are closed before the import is sent again, which must leave them as they are.
    let mut follow_ups = FollowUpServiceClient::new(channel.clone());
    let mut resolved = Vec::new();
    for follow_up in list_all(&mut follow_ups, pb::FollowUpFilter::default(), 5)
        .await
        .into_iter()
        .take(5)
    {
        let changed = follow_ups
            .update_follow_up(pb::UpdateFollowUpRequest {
                follow_up: Some(pb::FollowUp {
                    follow_up_id: follow_up.follow_up_id,
                    state: pb::FollowUpState::Resolved.into(),
                    resolution_code: "called_back".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["state".into(), "resolution_code".into()],
                }),
                etag: follow_up.etag,
            })
            .await
            .unwrap()
            .into_inner()
            .follow_up
            .unwrap();
        resolved.push(changed);
    }
    let retried = import_all(channel.clone()).await.unwrap();
    let after_retry = check_follow_ups_of_stored_ratings(&channel).await;
    let mut still_resolved = Vec::new();
    for follow_up in &resolved {
        still_resolved.push(
            follow_ups
                .get_follow_up(pb::GetFollowUpRequest {
                    follow_up_id: follow_up.follow_up_id.clone(),
                })
                .await
                .unwrap()
                .into_inner()
                .follow_up
                .unwrap(),
        );
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    database.drop_database().await;

    assert!(killed.is_err(), "the import was cut short: {killed:?}");
    assert!(
        after_kill.len() >= IMPORTED_RATINGS / 5 && after_kill.len() < IMPORTED_RATINGS,
        "killed mid-import: {} of {IMPORTED_RATINGS} stored",
        after_kill.len()
    );
    assert_eq!(resolved.len(), 5);
    assert_eq!(
        (retried.accepted_count, retried.duplicate_count),
        (
            (IMPORTED_RATINGS - after_kill.len()) as i64,
            after_kill.len() as i64
        )
    );
    assert_eq!(after_retry.len(), IMPORTED_RATINGS);
    for (rating_id, rating) in &after_kill {
        assert_eq!(
            after_retry[rating_id].sequence, rating.sequence,
            "{rating_id}"
        );
    }
    assert_eq!(still_resolved, resolved);
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

/// Most descriptors the server gets in the test below: enough to start and serve, few enough
/// for a hundred idle connections to use them all up.
const OPEN_FILES_LIMIT: u32 = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_file_descriptors_the_server_waits_instead_of_spinning_and_takes_ratings() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let address = free_address();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n {OPEN_FILES_LIMIT} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(&database.url, address))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let stdout = child.stdout.take().unwrap();
    let log_lines = log.clone();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            println!("{line}");
            log_lines.lock().unwrap().push_str(&line);
        }
    });
    let process = CsatProcess::from(child);
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    let mut ratings = RatingServiceClient::new(channel.clone());
    create_csat_survey(
        &mut SurveyServiceClient::new(channel),
        "chat",
        "support_chat",
    )
    .await;
    ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "before", 5)),
        })
        .await
        .unwrap();

    let idle_connections: Vec<_> = (0..2 * OPEN_FILES_LIMIT)
        .filter_map(|_| std::net::TcpStream::connect(address).ok())
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_before = cpu_ticks(process.id());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu_in_one_second = cpu_ticks(process.id()) - cpu_before;
    let warned = log.lock().unwrap().contains("cannot accept connections");
    let submitted_meanwhile = ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "meanwhile", 4)),
        })
        .await;
    drop(idle_connections);
    let serving_again = tokio::time::timeout(Duration::from_secs(10), async {
        wait_until_serving(&connect(address).await).await;
    })
    .await;
    drop(process);

    // A spinning accept loop burns a whole core: about 100 ticks in a second.
    assert!(
        cpu_in_one_second < 30,
        "{cpu_in_one_second} ticks of CPU in one second out of file descriptors"
    );
    assert!(warned, "the shortage is logged: {}", log.lock().unwrap());
    assert!(
        submitted_meanwhile.is_ok(),
        "a connected caller's rating is committed: {submitted_meanwhile:?}"
    );
    assert!(
        serving_again.is_ok(),
        "new connections are served once descriptors are free"
    );
}

/// User and system CPU time of process `pid` so far, in clock ticks (a hundredth of a second).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of proc(5), counted from the state (field 3) here.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_the_process_may_not_write_fails_the_start_with_the_reason() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let migrated = csat_migrate(&database.url).status().unwrap();
    assert!(migrated.success());
    let Some(file) = ReadOnlyFile::new(database.url.strip_prefix("sqlite://").unwrap()) else {
        return;
    };

    let address = free_address();
    let mut child = Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(&database.url, address))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut process = CsatProcess::from(child);
    let mut exit = None;
    for _ in 0..200 {
        exit = process.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(process);
    let log = std::io::read_to_string(stdout).unwrap();
    drop(file);

    let exit = exit.expect("the server stops by itself");
    assert!(!exit.success(), "{exit:?}");
    assert!(log.contains("read-only for this process"), "{log}");
}

#[test]
fn migrate_logs_in_the_format_of_csat_log_format() {
    let folder = tempfile::tempdir().unwrap();
    let output = csat_migrate(&format!(
        "sqlite://{}",
        folder.path().join("csat.db").display()
    ))
    .env("CSAT_LOG_FORMAT", "json")
    .env("RUST_LOG", "info")
    .output()
    .unwrap();

    assert!(output.status.success());
    let lines: Vec<_> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(
        lines.iter().any(|line| line.contains("migrations applied")),
        "{lines:?}"
    );
    for line in &lines {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not JSON: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_path_through_a_file_fails_the_start_naming_the_database() {
    let folder = tempfile::tempdir().unwrap();
    let not_a_folder = folder.path().join("not-a-folder");
    std::fs::write(&not_a_folder, "").unwrap();
    let database = not_a_folder.join("csat.db");

    let output = csat_migrate(&format!("sqlite://{}", database.display()))
        .output()
        .unwrap();

    let said = said(&output);
    assert!(!output.status.success());
    assert!(
        said.contains(&format!(
            "cannot open the SQLite database {}",
            database.display()
        )),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_that_refuses_or_does_not_answer_fails_the_start_with_the_cause() {
    let nothing_listens = free_address();
    // Takes connections into its backlog and never answers them: a wrong port, a hung proxy.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_address = silent.local_addr().unwrap();
    let migrate = |address: std::net::SocketAddr| {
        let mut command = csat_migrate(&format!("postgres://postgres@{address}/test"));
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let output = command.output().unwrap();
            (output.status, said(&output), started.elapsed())
        })
    };

    let (refused, unanswered) = tokio::join!(migrate(nothing_listens), migrate(silent_address));
    let (refused_status, refused_said, _) = refused.unwrap();
    let (unanswered_status, unanswered_said, unanswered_after) = unanswered.unwrap();
    drop(silent);

    assert!(!refused_status.success());
    assert!(
        refused_said.contains(&format!("PostgreSQL at {}", nothing_listens.ip()))
            && refused_said.contains("did not take a connection")
            && refused_said.contains("refused"),
        "{refused_said}"
    );
    assert!(!unanswered_status.success());
    assert!(
        unanswered_said.contains(&format!("PostgreSQL at {}", silent_address.ip()))
            && unanswered_said.contains("did not take a connection"),
        "{unanswered_said}"
    );
    // The start gives up after its 10 s, not after the operating system's two minutes or never.
    assert!(
        unanswered_after < Duration::from_secs(30),
        "{unanswered_after:?}"
    );
}

/// A migration that fails after its first statements (here: a table in the way of the links'
/// migration, which first adds a column to the ratings) leaves nothing of itself behind, so
/// that once the cause is gone the next `csat migrate` applies it; half applied, every later
/// start would fail on the column already there.
async fn a_migration_failing_halfway_leaves_the_schema_as_it_was(backend: Backend) {
    use csat::store::migration::Migrator;
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;

    let database = TestDatabase::create(backend).await;
    let (connection, before_links) = database.migrated_before("_add_invitation_links").await;
    connection
        .execute_unprepared("CREATE TABLE invitation_rollups (in_the_way INTEGER)")
        .await
        .unwrap();

    let failed = csat_migrate(&database.url).output().unwrap();
    assert!(!failed.status.success(), "{}", said(&failed));
    assert!(
        said(&failed).contains("invitation_rollups"),
        "{}",
        said(&failed)
    );
    let column_added = connection
        .execute_unprepared("SELECT invitation_id FROM ratings")
        .await;
    assert!(
        column_added.is_err(),
        "the failed migration left its column"
    );
    let applied = Migrator::get_applied_migrations(&connection).await.unwrap();
    assert_eq!(applied.len(), before_links as usize);

    connection
        .execute_unprepared("DROP TABLE invitation_rollups")
        .await
        .unwrap();
    let migrated = csat_migrate(&database.url).output().unwrap();
    assert!(migrated.status.success(), "{}", said(&migrated));
    connection
        .execute_unprepared("SELECT invitation_id FROM ratings")
        .await
        .expect("the links' column, once migrated");
    let applied = Migrator::get_applied_migrations(&connection).await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
    let _ = connection.close().await;
}

/// `csat migrate` of `database_url`, logging warnings and errors.
fn csat_migrate(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_csat"));
    command
        .args(["migrate", "--database-url", database_url])
        .env("RUST_LOG", "warn");
    command
}

/// Everything a finished csat process wrote: logs go to stdout, the final error to stderr.
fn said(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Makes a file read-only for the test's csat processes, until dropped. Root writes to any file
/// whatever its mode, so as root the file is made immutable instead.
struct ReadOnlyFile(std::path::PathBuf);

impl ReadOnlyFile {
    /// `None` where no file can be made read-only to this user (root without the capability
    /// to make files immutable, as in a default container): the caller skips, loudly, and only
    /// outside CI, where the machine is known to allow it.
    fn new(path: &str) -> Option<ReadOnlyFile> {
        let immutable = Command::new("chattr").args(["+i", path]).status();
        if !matches!(immutable, Ok(status) if status.success()) {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
            if std::fs::OpenOptions::new().append(true).open(path).is_ok() {
                let why = format!(
                    "cannot make {path} read-only: chattr +i failed, and this user writes \
                     read-only files"
                );
                assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
                eprintln!("SKIPPED: {why}");
                return None;
            }
        }
        Some(ReadOnlyFile(path.into()))
    }
}

impl Drop for ReadOnlyFile {
    fn drop(&mut self) {
        // So that the temporary folder can be removed; a file that was only chmod-ed needs none.
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}
