//! The real `csat` binary as a process: a kill -9 in the middle of a load loses no acknowledged
//! rating, and SIGTERM drains and exits 0, on SQLite and PostgreSQL; out of file descriptors, it
//! waits rather than spins; on a SQLite file it may not write, or a PostgreSQL that does not
//! answer, it does not start, and says why.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, create_csat_survey, free_address, rating,
    serve_arguments, start_csat, wait_until_serving,
};
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
