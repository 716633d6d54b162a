//! A database whose disk fills up: writes that cannot be made durable are refused with a message
//! naming the full disk, never acknowledged; health turns NOT_SERVING while writes fail and back
//! once space returns, by itself; after a restart every acknowledged rating is there, no sequence
//! was given twice, and reports count exactly what is stored. SQLite on a small tmpfs; PostgreSQL
//! with the test database in a tablespace on one.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{
    Backend, TestDatabase, TestServer, create_csat_survey, error_reason, postgres_admin_url,
    rating, wait_for_health,
};
use csat::pb;
use sea_orm::{ConnectionTrait, Database};
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

on_both_backends!(a_full_disk_refuses_writes_loses_nothing_and_recovers);

/// Bytes of the comment of every rating: a few ratings fill a page.
const COMMENT_BYTES: usize = 3_000;
/// Concurrent submitters.
const CALLERS: usize = 8;
/// Failed submissions in a row, per caller, that say the disk is full for good.
const FAILURES_IN_A_ROW: usize = 4;

async fn a_full_disk_refuses_writes_loses_nothing_and_recovers(backend: Backend) {
    // Room beside the database once the filler is gone: with 8 MiB, PostgreSQL's tablespace of
    // today's schema (eight migrations of tables and indexes) grew back over all of it while the
    // writes were retried, and the disk stayed full after it was freed.
    let Some(disk) = SmallDisk::mount(32) else {
        return;
    };
    let database = match backend {
        Backend::Sqlite => TestDatabase::sqlite_in(disk.path()),
        Backend::Postgres => TestDatabase::postgres_in_tablespace(&disk).await,
    };
    let mut server = TestServer::spawn_on(database).await;
    server.create_csat_survey("chat", "support_chat").await;
    // What is left of the disk once the survey exists: a few hundred ratings' worth.
    disk.fill_leaving(1_500_000);

    // Bounded: writes that each hang for seconds are the defect this test guards against.
    let acknowledged = tokio::time::timeout(
        Duration::from_secs(120),
        submit_until_the_disk_is_full(&server),
    )
    .await
    .expect("writes on a full disk are refused within two minutes");
    assert!(
        acknowledged.len() >= 20,
        "ratings were stored before the disk filled: {}",
        acknowledged.len()
    );
    // A survey is small: it may still fit where the failed writes left room. Either way it is
    // refused as a full disk, or stored for good.
    let survey_while_full = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "while-full".into(),
            survey: Some(survey("while-full")),
        })
        .await;
    if let Err(status) = &survey_while_full {
        assert_disk_full(status);
    }
    wait_for_health(&server.channel, ServingStatus::NotServing).await;

    disk.free();
    wait_for_health(&server.channel, ServingStatus::Serving).await;
    let mut acknowledged = acknowledged;
    let stored = submit_once_space_is_back(&server, &disk, rated("after-recovery", 5)).await;
    acknowledged.insert(stored.rating_id.clone(), stored.sequence);
    create_csat_survey(&mut server.surveys, "after-full", "support_chat").await;

    let database = server.stop_keeping_database().await;
    let mut server = TestServer::spawn_on(database).await;
    let mut sequences = HashSet::new();
    for (rating_id, sequence) in &acknowledged {
        assert!(
            sequences.insert(*sequence),
            "sequence {sequence} was given twice"
        );
        let stored = server
            .ratings
            .get_rating(pb::GetRatingRequest {
                survey_id: "chat".into(),
                rating_id: rating_id.clone(),
            })
            .await
            .unwrap_or_else(|status| panic!("acknowledged {rating_id} lost: {status}"))
            .into_inner()
            .rating
            .unwrap();
        assert_eq!(stored.sequence, *sequence, "{rating_id}'s sequence");
    }
    let retried = server.submit(rated("after-recovery", 5)).await;
    assert!(
        retried.duplicate,
        "a retry of a stored rating is a duplicate"
    );
    let fresh = server.submit(rated("after-restart", 4)).await;
    let fresh_sequence = fresh.rating.unwrap().sequence;
    assert!(
        !sequences.contains(&fresh_sequence),
        "a new rating got sequence {fresh_sequence}, given before"
    );

    let listed = server
        .list_all(
            pb::RatingFilter {
                survey_ids: vec!["chat".into()],
                ..Default::default()
            },
            500,
        )
        .await;
    let listed_ids: HashSet<String> = listed.iter().map(|r| r.rating_id.clone()).collect();
    assert_eq!(listed.len(), listed_ids.len(), "no rating listed twice");
    let expected: HashSet<String> = acknowledged
        .keys()
        .cloned()
        .chain(["after-restart".to_string()])
        .collect();
    assert!(
        expected.is_subset(&listed_ids),
        "every acknowledged rating is listed"
    );
    let report = server
        .report(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: vec!["chat".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await;
    let counted = report.overall.unwrap().rating_count;
    assert_eq!(
        counted as usize,
        listed.len(),
        "the report counts what is stored"
    );
    server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "after-full".into(),
        })
        .await
        .expect("the survey created after recovery is stored");
    if survey_while_full.is_ok() {
        server
            .surveys
            .get_survey(pb::GetSurveyRequest {
                survey_id: "while-full".into(),
            })
            .await
            .expect("the survey acknowledged while the disk was full is stored");
    }
    server.stop().await;
}

/// Submits ratings with long comments from several callers until each has seen
/// [`FAILURES_IN_A_ROW`] refusals in a row; returns the acknowledged ones with their sequences.
async fn submit_until_the_disk_is_full(server: &TestServer) -> HashMap<String, i64> {
    let mut callers = Vec::new();
    for caller in 0..CALLERS {
        let mut client = server.ratings.clone();
        callers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut failures_in_a_row = 0;
            for index in 0..100_000 {
                let rating_id = format!("c{caller}-{index}");
                let submitted = client
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(rated(&rating_id, index % 5 + 1)),
                    })
                    .await;
                match submitted {
                    Ok(response) => {
                        failures_in_a_row = 0;
                        let stored = response.into_inner().rating.unwrap();
                        acknowledged.push((rating_id, stored.sequence));
                    }
                    Err(status) => {
                        assert_disk_full(&status);
                        failures_in_a_row += 1;
                        if failures_in_a_row == FAILURES_IN_A_ROW {
                            return acknowledged;
                        }
                    }
                }
            }
            panic!("the disk never filled");
        }));
    }
    let mut acknowledged = HashMap::new();
    for caller in callers {
        acknowledged.extend(caller.await.unwrap());
    }
    acknowledged
}

/// A write refused for a full disk says so, as the README promises.
fn assert_disk_full(status: &tonic::Status) {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(error_reason(status), "DISK_FULL", "{status:?}");
    assert!(
        status.message().contains("full"),
        "the message names the full disk: {status:?}"
    );
}

fn rated(rating_id: &str, score: i32) -> pb::Rating {
    pb::Rating {
        comment: "x".repeat(COMMENT_BYTES),
        ..rating("chat", rating_id, score)
    }
}

fn survey(survey_id: &str) -> pb::Survey {
    pb::Survey {
        display_name: format!("{survey_id} survey"),
        question: "How satisfied were you?".into(),
        touchpoint: "support_chat".into(),
        metric: pb::Metric::Csat.into(),
        ..Default::default()
    }
}

/// A tmpfs of a few megabytes on a fresh folder, with a filler file that takes up its free space
/// until [`SmallDisk::free`]. Unmounted when dropped.
struct SmallDisk {
    folder: tempfile::TempDir,
    filler: PathBuf,
    /// A PostgreSQL database and tablespace on the disk, dropped before it is unmounted even when
    /// the test fails: a tablespace whose folder vanished breaks every checkpoint of the cluster.
    postgres: std::sync::Mutex<Option<(String, String)>>,
}

impl SmallDisk {
    /// Mounts one; `None` (the test skips, loudly) where this process may not mount, which never
    /// passes under CI=true.
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let folder = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=0777")])
            .arg("tmpfs")
            .arg(folder.path())
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            assert!(
                std::env::var("CI").is_err(),
                "cannot mount a tmpfs (the test needs root): never skipped under CI=true"
            );
            eprintln!("SKIPPED: cannot mount a tmpfs here (the full-disk test needs root)");
            return None;
        }
        let filler = folder.path().join("filler");
        Some(SmallDisk {
            folder,
            filler,
            postgres: std::sync::Mutex::default(),
        })
    }

    fn path(&self) -> &Path {
        self.folder.path()
    }

    /// Writes a filler file that leaves `bytes` free.
    fn fill_leaving(&self, bytes: u64) {
        let free = free_bytes(self.path());
        let size = free.saturating_sub(bytes);
        std::fs::write(&self.filler, vec![0u8; size as usize]).unwrap();
    }

    fn free(&self) {
        std::fs::remove_file(&self.filler).unwrap();
    }

    /// What takes the disk's space, for a failure's message.
    fn describe(&self) -> String {
        let run = |program: &str, args: &[&str]| {
            std::process::Command::new(program)
                .args(args)
                .arg(self.path())
                .output()
                .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
                .unwrap_or_else(|cause| format!("{program}: {cause}"))
        };
        format!(
            "{}{}",
            run("df", &["-B1"]),
            run("du", &["-ab", "--threshold=65536"])
        )
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let Some((database, tablespace)) = self.postgres.lock().unwrap().take() {
            let dropped = std::process::Command::new("psql")
                .arg(postgres_admin_url())
                .args(["-XqAt", "-c", "SET client_min_messages = warning", "-c"])
                .arg(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                .arg("-c")
                .arg(format!("DROP TABLESPACE IF EXISTS {tablespace}"))
                .status()
                .is_ok_and(|status| status.success());
            if !dropped {
                // Left mounted rather than break the cluster.
                eprintln!(
                    "could not drop {database} and {tablespace}: {:?} left mounted",
                    self.path()
                );
                return;
            }
        }
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.folder.path())
            .status();
    }
}

/// Submits `rating`, retrying a DISK_FULL refusal for up to 30 s, as its message tells a client
/// to: on PostgreSQL, health can turn SERVING (its probe's write fits an existing page) while
/// inserts that extend a table are still refused, seen for over 10 s in clean-clone CI runs of
/// the whole suite and never alone; why is not known yet, so the disk's state at the first
/// refusal is printed for the failure's output. Recovery must still come.
async fn submit_once_space_is_back(
    server: &TestServer,
    disk: &SmallDisk,
    rating: pb::Rating,
) -> pb::Rating {
    let mut ratings = server.ratings.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut refused_before = false;
    loop {
        let request = pb::SubmitRatingRequest {
            rating: Some(rating.clone()),
        };
        match ratings.submit_rating(request).await {
            Ok(answer) => return answer.into_inner().rating.unwrap(),
            Err(status) if tokio::time::Instant::now() < deadline => {
                assert_disk_full(&status);
                if !refused_before {
                    eprintln!(
                        "refused after the disk was freed; the disk:\n{}",
                        disk.describe()
                    );
                    refused_before = true;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(status) => panic!(
                "still refused 30 s after the disk was freed: {status:?}\n{}",
                disk.describe()
            ),
        }
    }
}

fn free_bytes(path: &Path) -> u64 {
    let output = std::process::Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .nth(1)
        .and_then(|line| line.trim().parse().ok())
        .unwrap()
}

impl TestDatabase {
    /// A SQLite database in `folder`.
    fn sqlite_in(folder: &Path) -> TestDatabase {
        TestDatabase::at_url(
            format!("sqlite://{}", folder.join("csat.db").display()),
            Backend::Sqlite,
        )
    }

    /// A PostgreSQL database whose tables live in a tablespace on `disk`.
    async fn postgres_in_tablespace(disk: &SmallDisk) -> TestDatabase {
        let folder = disk.path();
        let tablespace_folder = folder.join("tablespace");
        std::fs::create_dir(&tablespace_folder).unwrap();
        let chowned = std::process::Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&tablespace_folder)
            .status()
            .unwrap();
        assert!(chowned.success(), "chown postgres {tablespace_folder:?}");
        let name = folder
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        let tablespace = format!("csat_full_{name}");
        let admin = Database::connect(&postgres_admin_url()).await.unwrap();
        admin
            .execute_unprepared(&format!(
                "CREATE TABLESPACE {tablespace} LOCATION '{}'",
                tablespace_folder.display()
            ))
            .await
            .unwrap();
        let _ = admin.close().await;
        let database = TestDatabase::create_postgres_in(Some(&tablespace)).await;
        let name = database.url.rsplit_once('/').unwrap().1.to_string();
        *disk.postgres.lock().unwrap() = Some((name, tablespace));
        database
    }
}
