//! The `csat` client commands, run as the built binary against a real server (SQLite: the
//! commands are clients, the backend changes nothing for them).

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::{Backend, TestServer, rating};
use csat::pb;

/// Runs `csat ARGS` against `server` and returns what it did.
async fn csat(server: &TestServer, args: &[&str]) -> Output {
    let mut command = csat_command(server);
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().expect("csat runs"))
        .await
        .expect("the csat process")
}

fn csat_command(server: &TestServer) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_csat"));
    command
        .env("CSAT_SERVER", format!("http://{}", server.address))
        .env_remove("CSAT_TOKEN");
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "csat failed: {}{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

/// Parses CSV text into its header and rows.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

fn column(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|header| header == name)
        .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

const HELP_DESK_EXPORT: &str = "\
Ticket ID,Rating,Created at,Agent,Comment
T-1,5,2026-11-01 10:00:00,alice,great
T-2,4,2026-11-01 11:00:00,bob,
T-3,Good,2026-11-02 10:00:00,alice,not a number
T-4,9,2026-11-02 12:00:00,bob,outside the scale
T-5,2,yesterday,bob,not a time
T-6,1,2026-11-03 09:00:00,alice,\"two
lines\"
";

const HELP_DESK_MAP: &str =
    "score=Rating,rating_id=Ticket ID,occur_time=Created at,attributes.agent=Agent,comment=Comment";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_maps_a_help_desk_export_rejects_bad_rows_with_reasons_and_reruns_count_nothing() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    let folder = tempfile::tempdir().unwrap();
    let export = folder.path().join("export.csv");
    std::fs::write(&export, HELP_DESK_EXPORT).unwrap();
    let rejects = folder.path().join("rejects.csv");
    let import = |rejects: &std::path::Path| {
        vec![
            "import".to_string(),
            export.display().to_string(),
            "--survey".into(),
            "chat".into(),
            "--map".into(),
            HELP_DESK_MAP.into(),
            "--rejects".into(),
            rejects.display().to_string(),
        ]
    };
    let first_args = import(&rejects);

    let first = csat(
        &server,
        &first_args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    let rerun_rejects = folder.path().join("rejects-again.csv");
    let rerun_args = import(&rerun_rejects);
    let rerun = csat(
        &server,
        &rerun_args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;

    // Rows left out fail the command, after the summary, so that a script notices.
    for output in [&first, &rerun] {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(output));
        assert!(
            stderr(output).contains("3 of 6 rows were not imported"),
            "{}",
            stderr(output)
        );
    }
    assert!(stdout(&first).contains("6 rows"), "{}", stdout(&first));
    assert!(
        stdout(&first).contains("3 accepted new, 0 duplicates, 3 rejected"),
        "{}",
        stdout(&first)
    );
    assert!(
        stdout(&rerun).contains("0 accepted new, 3 duplicates, 3 rejected"),
        "{}",
        stdout(&rerun)
    );
    let stored = server.list_all(pb::RatingFilter::default(), 100).await;
    let mut stored: Vec<(String, i32, String, String)> = stored
        .into_iter()
        .map(|rating| {
            (
                rating.rating_id,
                rating.score,
                rating.attributes.get("agent").cloned().unwrap_or_default(),
                rating.comment,
            )
        })
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        vec![
            ("T-1".into(), 5, "alice".into(), "great".into()),
            ("T-2".into(), 4, "bob".into(), String::new()),
            ("T-6".into(), 1, "alice".into(), "two\nlines".into()),
        ]
    );
    let t1 = server
        .ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: "chat".into(),
            rating_id: "T-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();
    assert_eq!(t1.occur_time.unwrap().seconds, 1_793_527_200); // 2026-11-01T10:00:00Z
    let (headers, rows) = csv_rows(&std::fs::read_to_string(&rejects).unwrap());
    assert_eq!(
        headers,
        [
            "Ticket ID",
            "Rating",
            "Created at",
            "Agent",
            "Comment",
            "csat_line",
            "csat_error"
        ]
    );
    let rejected: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row[0].as_str(), row[5].as_str()))
        .collect();
    assert_eq!(rejected, [("T-3", "4"), ("T-4", "5"), ("T-5", "6")]);
    assert!(
        rows[0][6].contains("score \"Good\" is not a whole number"),
        "{:?}",
        rows[0]
    );
    assert!(
        rows[1][6].starts_with("INVALID_ARGUMENT") && rows[1][6].contains("rating.score"),
        "{:?}",
        rows[1]
    );
    assert!(rows[2][6].contains("time \"yesterday\""), "{:?}", rows[2]);
    assert_eq!(
        std::fs::read_to_string(&rerun_rejects).unwrap(),
        std::fs::read_to_string(&rejects).unwrap()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_every_rating_and_resumes_after_a_sequence() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    let mut sequences = Vec::new();
    for index in 0..5 {
        let mut submitted = rating("chat", &format!("r-{index}"), index % 5 + 1);
        submitted
            .attributes
            .insert("agent".into(), format!("a-{}", index % 2));
        let stored = server.submit(submitted).await.rating.unwrap();
        sequences.push(stored.sequence);
    }
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("ratings.csv");
    let file_arg = file.display().to_string();

    let everything = csat(&server, &["export", "--survey", "chat"]).await;
    let head = csat(
        &server,
        &["export", "--file", &file_arg, "--until", "2999-01-01"],
    )
    .await;
    let third = sequences[2].to_string();
    let rest = csat(
        &server,
        &["export", "--start-after", &third, "--output", "csv"],
    )
    .await;

    let lines = json_lines(&succeeded(&everything));
    let ids: Vec<&str> = lines
        .iter()
        .map(|line| line["ratingId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["r-0", "r-1", "r-2", "r-3", "r-4"]);
    assert_eq!(lines[1]["attributes"]["agent"], "a-1");
    assert_eq!(lines[1]["channel"], "CHANNEL_WEB_CHAT");
    assert_eq!(lines[4]["sequence"], sequences[4].to_string());
    assert!(
        stderr(&everything).contains(&format!("the last has sequence {}", sequences[4])),
        "{}",
        stderr(&everything)
    );
    succeeded(&head);
    let (headers, rows) = csv_rows(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[3][column(&headers, "score")], "4");
    assert_eq!(
        rows[3][column(&headers, "attributes")],
        r#"{"agent":"a-1"}"#
    );
    let (headers, rows) = csv_rows(&succeeded(&rest));
    let resumed: Vec<&str> = rows
        .iter()
        .map(|row| row[column(&headers, "rating_id")].as_str())
        .collect();
    assert_eq!(resumed, ["r-3", "r-4"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_imports_back_without_a_mapping_and_counts_nothing_twice() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    for index in 0..4 {
        let mut submitted = rating("chat", &format!("r-{index}"), index + 1);
        submitted
            .attributes
            .insert("agent".into(), format!("a-{index}"));
        server.submit(submitted).await;
    }
    let folder = tempfile::tempdir().unwrap();
    let jsonl = folder.path().join("ratings.jsonl").display().to_string();
    let csv = folder.path().join("ratings.csv").display().to_string();
    succeeded(&csat(&server, &["export", "--file", &jsonl]).await);
    succeeded(&csat(&server, &["export", "--file", &csv]).await);

    let from_jsonl = csat(&server, &["import", &jsonl, "--no-progress"]).await;
    let from_csv = csat(&server, &["import", &csv, "--no-progress"]).await;

    for output in [&from_jsonl, &from_csv] {
        assert!(
            succeeded(output).contains("4 rows")
                && stdout(output).contains("0 accepted new, 4 duplicates, 0 rejected"),
            "{}{}",
            stdout(output),
            stderr(output)
        );
        assert!(
            !stderr(output).contains("no rating_id"),
            "{}",
            stderr(output)
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_table_json_and_csv_give_the_submitted_ratings_numbers() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    let scores = [("alice", [5, 4, 4, 2, 1, 5]), ("bob", [3, 4, 2, 2, 2, 1])];
    for (agent, agent_scores) in scores {
        for (index, score) in agent_scores.into_iter().enumerate() {
            let mut submitted = rating("chat", &format!("{agent}-{index}"), score);
            submitted.attributes.insert("agent".into(), agent.into());
            server.submit(submitted).await;
        }
    }
    // CSAT on 1–5 counts scores of 4 and 5 (the default satisfied_threshold).
    let csat_of = |agent_scores: &[i32]| {
        let satisfied = agent_scores.iter().filter(|&&score| score >= 4).count();
        100.0 * satisfied as f64 / agent_scores.len() as f64
    };
    let alice = csat_of(&scores[0].1);
    let bob = csat_of(&scores[1].1);
    let all: Vec<i32> = scores
        .iter()
        .flat_map(|(_, agent_scores)| *agent_scores)
        .collect();
    let overall = csat_of(&all);

    let table = csat(
        &server,
        &["report", "--survey", "chat", "--group-by", "agent"],
    )
    .await;
    let csv = csat(
        &server,
        &[
            "report",
            "--survey",
            "chat",
            "--group-by",
            "agent",
            "--output",
            "csv",
        ],
    )
    .await;
    let json = csat(&server, &["report", "--survey", "chat", "--output", "json"]).await;

    let (headers, rows) = csv_rows(&succeeded(&csv));
    let by_agent: Vec<(String, f64, String, String)> = rows
        .iter()
        .map(|row| {
            (
                row[column(&headers, "agent")].clone(),
                row[column(&headers, "csat")].parse::<f64>().unwrap(),
                row[column(&headers, "rating_count")].clone(),
                row[column(&headers, "low_sample")].clone(),
            )
        })
        .collect();
    assert_eq!(by_agent.len(), 3);
    assert_eq!(by_agent[0].0, "(all)");
    assert!((by_agent[0].1 - overall).abs() < 1e-9);
    assert_eq!(
        (by_agent[0].2.as_str(), by_agent[0].3.as_str()),
        ("12", "true")
    );
    assert_eq!(by_agent[1].0, "alice");
    assert!((by_agent[1].1 - alice).abs() < 1e-9, "{by_agent:?}");
    assert_eq!(by_agent[2].0, "bob");
    assert!((by_agent[2].1 - bob).abs() < 1e-9, "{by_agent:?}");
    let low: f64 = rows[1][column(&headers, "csat_low")].parse().unwrap();
    let high: f64 = rows[1][column(&headers, "csat_high")].parse().unwrap();
    assert!(low < alice && alice < high, "{low} {alice} {high}");
    let report = &json_lines(&succeeded(&json))[0];
    assert_eq!(report["overall"]["ratingCount"], "12");
    assert!((report["overall"]["csat"].as_f64().unwrap() - overall).abs() < 1e-9);
    let table = succeeded(&table);
    let alice_line = table.lines().find(|line| line.contains("alice")).unwrap();
    assert!(alice_line.contains(&format!("{alice:.1}")), "{table}");
    assert!(alice_line.contains("6*"), "the low-sample mark: {table}");
    assert!(table.contains("* fewer than 30 ratings"), "{table}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_compares_with_the_previous_period_and_draws_the_series() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    // 2026-11-02 is a Monday; the week before gets 1 satisfied of 4, this week 3 of 4.
    let days = [("2026-10-27", [5, 1, 2, 2]), ("2026-11-03", [5, 4, 4, 1])];
    for (day, day_scores) in days {
        for (index, score) in day_scores.into_iter().enumerate() {
            let mut submitted = rating("chat", &format!("{day}-{index}"), score);
            let occur = chrono::DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z")).unwrap();
            submitted.occur_time = Some(prost_types::Timestamp {
                seconds: occur.timestamp(),
                nanos: 0,
            });
            server.submit(submitted).await;
        }
    }

    let compared = csat(
        &server,
        &[
            "report",
            "--survey",
            "chat",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-09",
            "--compare-previous",
            "--output",
            "csv",
        ],
    )
    .await;
    let series = csat(
        &server,
        &[
            "report",
            "--survey",
            "chat",
            "--granularity",
            "week",
            "--since",
            "2026-10-26",
        ],
    )
    .await;

    let (headers, rows) = csv_rows(&succeeded(&compared));
    assert_eq!(rows[0][column(&headers, "csat")], "75");
    assert_eq!(rows[0][column(&headers, "previous_rating_count")], "4");
    assert_eq!(rows[0][column(&headers, "delta")], "50");
    let table = succeeded(&series);
    let total = table.lines().find(|line| line.contains("total")).unwrap();
    assert!(total.contains("▁█"), "a sparkline from 25 to 75: {table}");
    assert!(
        table.contains("2026-10-26") && table.contains("2026-11-02"),
        "{table}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_prints_a_rating_submitted_after_it_started() {
    let mut server = TestServer::spawn(Backend::Sqlite).await;
    server.create_csat_survey("chat", "support_chat").await;
    let before = server
        .submit(rating("chat", "before", 1))
        .await
        .rating
        .unwrap();
    let mut child = csat_command(&server)
        .args([
            "tail",
            "--max-score",
            "2",
            "--output",
            "json",
            "--start-after",
        ])
        .arg(before.sequence.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, mut received) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // The stream is open by then on any machine; were it not, the rating would still come, from
    // storage, since the tail starts after `before` (a follow stream has no gap).
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    server.submit(rating("chat", "happy", 5)).await;
    let unhappy = server
        .submit(rating("chat", "unhappy", 2))
        .await
        .rating
        .unwrap();
    let line = tokio::time::timeout(Duration::from_secs(20), received.recv())
        .await
        .expect("a line within 20 s")
        .expect("tail is running");

    let printed: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(printed["ratingId"], "unhappy");
    assert_eq!(printed["sequence"], unhappy.sequence.to_string());
    assert!(unhappy.sequence > before.sequence);
    child.kill().unwrap();
    child.wait().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn surveys_create_list_get_and_archive() {
    let server = TestServer::spawn(Backend::Sqlite).await;

    let created = csat(
        &server,
        &[
            "surveys",
            "create",
            "checkout",
            "--metric",
            "nps",
            "--touchpoint",
            "checkout",
            "--display-name",
            "Checkout NPS",
            "--dimension",
            "region",
            "--output",
            "json",
        ],
    )
    .await;
    let second = csat(
        &server,
        &[
            "surveys",
            "create",
            "chat",
            "--metric",
            "csat",
            "--touchpoint",
            "support_chat",
        ],
    )
    .await;
    let archived = csat(
        &server,
        &["surveys", "archive", "checkout", "--output", "json"],
    )
    .await;
    let got = csat(&server, &["surveys", "get", "checkout", "--output", "json"]).await;
    let active = csat(
        &server,
        &["surveys", "list", "--state", "active", "--output", "csv"],
    )
    .await;
    let all = csat(&server, &["surveys", "list"]).await;

    let created = &json_lines(&succeeded(&created))[0];
    assert_eq!(created["surveyId"], "checkout");
    assert_eq!(created["metric"], "METRIC_NPS");
    assert_eq!(created["scaleMax"], 10);
    assert_eq!(created["dimensions"], serde_json::json!(["region"]));
    assert!(succeeded(&second).contains("chat"));
    assert_eq!(
        json_lines(&succeeded(&archived))[0]["state"],
        "SURVEY_STATE_ARCHIVED"
    );
    let got = &json_lines(&succeeded(&got))[0];
    assert_eq!(got["displayName"], "Checkout NPS");
    assert_eq!(got["state"], "SURVEY_STATE_ARCHIVED");
    let (headers, rows) = csv_rows(&succeeded(&active));
    let active_ids: Vec<&str> = rows
        .iter()
        .map(|row| row[column(&headers, "survey_id")].as_str())
        .collect();
    assert_eq!(active_ids, ["chat"]);
    let all = succeeded(&all);
    assert!(
        all.contains("checkout") && all.contains("archived") && all.contains("chat"),
        "{all}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_and_refused_calls_say_why_and_exit_non_zero() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let folder = tempfile::tempdir().unwrap();
    let export = folder.path().join("export.csv");
    std::fs::write(&export, HELP_DESK_EXPORT).unwrap();
    let export = export.display().to_string();

    let unknown_field = csat(
        &server,
        &[
            "import",
            &export,
            "--survey",
            "chat",
            "--map",
            "stars=Rating",
        ],
    )
    .await;
    let unknown_column = csat(
        &server,
        &[
            "import",
            &export,
            "--survey",
            "chat",
            "--map",
            "score=Stars",
        ],
    )
    .await;
    let no_survey = csat(&server, &["import", &export, "--map", "score=Rating"]).await;
    let compare = csat(&server, &["report", "--compare-previous"]).await;
    let metric = csat(
        &server,
        &[
            "surveys",
            "create",
            "--metric",
            "happiness",
            "--touchpoint",
            "x",
        ],
    )
    .await;
    let missing = csat(&server, &["surveys", "get", "nope"]).await;
    let score = csat(&server, &["submit", "--survey", "nope", "--score", "4"]).await;
    let unreachable = csat(
        &server,
        &["surveys", "list", "--server", "http://127.0.0.1:1"],
    )
    .await;

    for (output, says) in [
        (&unknown_field, "\"stars\" is not a field"),
        (&unknown_column, "no column \"Stars\""),
        (&no_survey, "give --survey"),
        (&compare, "--compare-previous needs --since and --until"),
        (&metric, "invalid value 'happiness'"),
    ] {
        assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
        assert!(stderr(output).contains(says), "{}", stderr(output));
    }
    for (output, says) in [
        (
            &missing,
            "SurveyService/GetSurvey: NOT_FOUND (SURVEY_NOT_FOUND)",
        ),
        (&score, "RatingService/SubmitRating: NOT_FOUND"),
        (&unreachable, "cannot connect to http://127.0.0.1:1"),
    ] {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(output));
        assert!(stderr(output).contains(says), "{}", stderr(output));
    }
    server.stop().await;
}

/// A gRPC health service alone, answering NOT_SERVING for `""`: what a csat draining or cut off
/// from its database answers, without waiting for either.
async fn not_serving_health_server() -> std::net::SocketAddr {
    let (reporter, service) = tonic_health::server::health_reporter();
    reporter
        .set_service_status("", tonic_health::ServingStatus::NotServing)
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_exits_zero_only_when_the_service_asked_about_is_serving() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let draining = not_serving_health_server().await;
    let nobody = crate::common::free_address();

    let whole_server = csat(&server, &["health"]).await;
    let one_service = csat(
        &server,
        &[
            "health",
            "--service",
            "csat.v1.RatingService",
            "--output",
            "json",
        ],
    )
    .await;
    let unknown_service = csat(&server, &["health", "--service", "csat.v1.NoSuchService"]).await;
    let not_serving = csat(
        &server,
        &["health", "--server", &format!("http://{draining}")],
    )
    .await;
    let unreachable = csat(
        &server,
        &["health", "--server", &format!("http://{nobody}")],
    )
    .await;

    assert!(
        succeeded(&whole_server)
            .lines()
            .any(|line| line.split_whitespace().eq(["SERVING"])),
        "{}",
        stdout(&whole_server)
    );
    assert_eq!(
        json_lines(&succeeded(&one_service)),
        [serde_json::json!({ "status": "SERVING" })]
    );
    // Docker's HEALTHCHECK reads 1 as unhealthy (2 is reserved), so every failure exits 1 with
    // its reason on one line.
    for (failed, reason) in [
        (&unknown_service, "grpc.health.v1.Health/Check: NOT_FOUND"),
        (&not_serving, "is NOT_SERVING"),
        (&unreachable, "cannot connect to"),
    ] {
        assert_eq!(failed.status.code(), Some(1), "{}", stderr(failed));
        assert_eq!(
            stderr(failed).trim().lines().count(),
            1,
            "{}",
            stderr(failed)
        );
        assert!(stderr(failed).contains(reason), "{}", stderr(failed));
        assert_eq!(stdout(failed), "");
    }
    assert_eq!(
        stderr(&not_serving).trim(),
        format!("csat: service \"\" at http://{draining} is NOT_SERVING")
    );
    server.stop().await;
}
