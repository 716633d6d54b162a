//! `csat bench report`: seeds ratings through ImportRatings (24 surveys: CSAT, NPS and CES at 8
//! touchpoints; 50 agents; 400 days) and times, at each size, the reports a CX dashboard asks for,
//! one query no rollup covers, and the first query written as a plain SQL aggregate over the
//! ratings table, checking that it gives the same numbers.

use std::time::{Duration, Instant};

use chrono::TimeZone;
use clap::Args;
use sea_orm::{ConnectionTrait, Database, Statement};
use tonic::transport::Channel;

use super::{
    BenchServer, DAY, DAYS, Numbers, bench_folder, bench_zones, percentile, resident_megabytes,
};
use crate::api::conversion::timestamp_from_micros;
use crate::domain::now_micros;
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::rating_service_client::RatingServiceClient;
use crate::pb::report_service_client::ReportServiceClient;

const TOUCHPOINTS: usize = 8;
const AGENTS: u64 = 50;

/// Settings of `csat bench report`.
#[derive(Debug, Clone, Args)]
pub struct ReportBenchConfig {
    /// Sizes to measure at, in ratings, ascending; each seeds the difference to the one before.
    #[arg(long, value_delimiter = ',', default_value = "1000000,10000000")]
    pub ratings: Vec<u64>,
    /// Timed runs of each rollup-covered query.
    #[arg(long, default_value_t = 20)]
    pub repeat: usize,
    /// Timed runs of the uncovered query and of the plain SQL aggregate.
    #[arg(long, default_value_t = 5)]
    pub repeat_slow: usize,
    /// Keep the database when done (its path is printed), to examine it.
    #[arg(long)]
    pub keep: bool,
}

fn survey_ids(metric: &str) -> Vec<String> {
    (0..TOUCHPOINTS)
        .map(|touchpoint| format!("{metric}-tp{touchpoint}"))
        .collect()
}

/// Runs the report benchmark and prints its report.
pub async fn run_report(config: ReportBenchConfig) -> Result<()> {
    let folder = bench_folder()?;
    let server = BenchServer::start(&folder, "reports", 1, |server_config| {
        server_config.rollup_time_zones = bench_zones(&["UTC", "America/New_York"]);
    })
    .await?;
    for touchpoint in 0..TOUCHPOINTS {
        for (metric, wire) in [
            ("csat", pb::Metric::Csat),
            ("nps", pb::Metric::Nps),
            ("ces", pb::Metric::Ces),
        ] {
            let survey = pb::Survey {
                touchpoint: format!("tp{touchpoint}"),
                metric: wire.into(),
                dimensions: vec!["agent".into()],
                target: (metric == "csat").then_some(85.0),
                ..Default::default()
            };
            server
                .create_survey(&format!("{metric}-tp{touchpoint}"), survey)
                .await?;
        }
    }
    println!(
        "csat bench report: 24 surveys (CSAT, NPS, CES at {TOUCHPOINTS} touchpoints), {AGENTS} agents, {DAYS} days; SQLite in {}",
        folder.display()
    );
    let today = now_micros().div_euclid(DAY) * DAY;
    let first_day = today - DAYS * DAY;
    let mut seeded = 0;
    for size in config.ratings.clone() {
        let started = Instant::now();
        seed(&server.channels[0], seeded, size, first_day).await?;
        let elapsed = started.elapsed();
        println!(
            "\n{size} ratings: seeded {} in {:.0} s ({:.0} ratings/s through ImportRatings)",
            size - seeded,
            elapsed.as_secs_f64(),
            (size - seeded) as f64 / elapsed.as_secs_f64()
        );
        seeded = size;
        measure(&server, &config, today).await?;
        println!(
            "resident memory: {} MB (server and load generator in one process)",
            resident_megabytes().map_or("unknown".into(), |megabytes| megabytes.to_string())
        );
    }
    server.stop().await?;
    if !config.keep {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

/// Imports ratings `from..to`, generated as they are sent, spread over the 400 days in time order.
async fn seed(channel: &Channel, from: u64, to: u64, first_day: i64) -> Result<()> {
    let mut numbers = Numbers(0x9e37_79b9_7f4a_7c15 ^ from.wrapping_mul(0x1000_0001));
    let requests = tokio_stream::iter((from..to).map(move |index| {
        let touchpoint = numbers.next(TOUCHPOINTS as u64);
        let (metric, score) = match numbers.next(3) {
            // Skewed towards satisfied, as real CSAT is.
            0 => ("csat", [1, 2, 3, 4, 4, 5, 5, 5][numbers.next(8) as usize]),
            1 => ("nps", numbers.next(11) as i32),
            _ => ("ces", numbers.next(7) as i32 + 1),
        };
        // In time order, as an export of history is; each size's share spans all 400 days.
        let spacing = DAYS * DAY / (to - from) as i64;
        let occur_time =
            first_day + (index - from) as i64 * spacing + numbers.next(spacing as u64) as i64;
        pb::ImportRatingsRequest {
            rating: Some(pb::Rating {
                rating_id: format!("seed-{index}"),
                survey_id: format!("{metric}-tp{touchpoint}"),
                score,
                customer_id: format!("customer-{}", numbers.next(200_000)),
                channel: numbers.next(8) as i32 + 1,
                attributes: [
                    (
                        "agent".to_string(),
                        format!("agent-{}", numbers.next(AGENTS)),
                    ),
                    ("region".to_string(), format!("region-{}", numbers.next(10))),
                ]
                .into(),
                occur_time: Some(timestamp_from_micros(occur_time)),
                ..Default::default()
            }),
        }
    }));
    let response = RatingServiceClient::new(channel.clone())
        .import_ratings(requests)
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    if response.accepted_count != (to - from) as i64 {
        return Err(Error::internal(format!(
            "seeding accepted {} of {} ratings",
            response.accepted_count,
            to - from
        )));
    }
    Ok(())
}

/// Returns the median and the 99th percentile of `latencies`.
fn percentiles(mut latencies: Vec<Duration>) -> (Duration, Duration) {
    latencies.sort_unstable();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99))
}

fn print_query(name: &str, (p50, p99): (Duration, Duration), from_rollups: Option<bool>) {
    let source = match from_rollups {
        Some(true) => "rollups",
        Some(false) => "scan",
        None => "SQL",
    };
    println!(
        "  {name:<52} p50 {:>9.2} ms  p99 {:>9.2} ms  ({source})",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}

async fn time_report(
    reports: &mut ReportServiceClient<Channel>,
    query: &pb::ReportQuery,
    repeat: usize,
) -> Result<((Duration, Duration), pb::Report)> {
    let mut latencies = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let report = reports
            .get_report(pb::GetReportRequest {
                query: Some(query.clone()),
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?
            .into_inner()
            .report;
        latencies.push(started.elapsed());
        last = report;
    }
    let report = last.ok_or_else(|| Error::internal("a report without a report"))?;
    Ok((percentiles(latencies), report))
}

/// The CSAT surveys' queries of the dashboard, ending today.
struct CsatQueries {
    survey_ids: Vec<String>,
    today: i64,
}

impl CsatQueries {
    /// Returns the query over the last 90 days in UTC.
    fn ninety_days(&self, granularity: pb::Granularity, group_by: &[&str]) -> pb::ReportQuery {
        pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: self.survey_ids.clone(),
                start_time: Some(timestamp_from_micros(self.today - 90 * DAY)),
                end_time: Some(timestamp_from_micros(self.today)),
                ..Default::default()
            }),
            group_by: group_by.iter().map(|entry| entry.to_string()).collect(),
            granularity: granularity.into(),
            ..Default::default()
        }
    }

    /// Returns the overall query over the last 30 days ending `now`, as a dashboard refreshed
    /// during the day asks: its first and last days are partial, so the rollups serve only the
    /// whole days between them.
    fn thirty_days_ending(&self, now: i64) -> pb::ReportQuery {
        pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: self.survey_ids.clone(),
                start_time: Some(timestamp_from_micros(now - 30 * DAY)),
                end_time: Some(timestamp_from_micros(now)),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Returns the query per agent and week over the 13 whole weeks before this one, in New York.
    fn weekly_per_agent_in_new_york(&self) -> Result<pb::ReportQuery> {
        let new_york: chrono_tz::Tz = chrono_tz::America::New_York;
        let this_monday = {
            let local = new_york
                .timestamp_micros(self.today)
                .single()
                .ok_or_else(|| Error::internal("no New York time for today"))?
                .date_naive();
            local
                - chrono::Duration::days(i64::from(
                    chrono::Datelike::weekday(&local).num_days_from_monday(),
                ))
        };
        let midnight = |date: chrono::NaiveDate| {
            new_york
                .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|instant| instant.timestamp_micros())
                .ok_or_else(|| Error::internal("no New York midnight"))
        };
        Ok(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: self.survey_ids.clone(),
                start_time: Some(timestamp_from_micros(midnight(
                    this_monday - chrono::Duration::weeks(13),
                )?)),
                end_time: Some(timestamp_from_micros(midnight(this_monday)?)),
                ..Default::default()
            }),
            group_by: vec!["attributes.agent".into()],
            granularity: pb::Granularity::Week.into(),
            time_zone: "America/New_York".into(),
            ..Default::default()
        })
    }
}

async fn measure(server: &BenchServer, config: &ReportBenchConfig, today: i64) -> Result<()> {
    let mut reports = ReportServiceClient::new(server.channels[0].clone());
    let csat = CsatQueries {
        survey_ids: survey_ids("csat"),
        today,
    };

    let overall_query = csat.ninety_days(pb::Granularity::None, &[]);
    let (overall_times, overall) = time_report(&mut reports, &overall_query, config.repeat).await?;
    print_query(
        "overall CSAT, 90 days",
        overall_times,
        Some(overall.from_rollups),
    );

    let (times, report) = time_report(
        &mut reports,
        &csat.thirty_days_ending(now_micros()),
        config.repeat,
    )
    .await?;
    print_query(
        "overall CSAT, last 30 days ending now (partial edge days)",
        times,
        Some(report.from_rollups),
    );

    let (times, report) = time_report(
        &mut reports,
        &csat.ninety_days(pb::Granularity::Day, &["touchpoint"]),
        config.repeat,
    )
    .await?;
    print_query(
        "CSAT per touchpoint per day, 90 days",
        times,
        Some(report.from_rollups),
    );

    let weekly_query = csat.weekly_per_agent_in_new_york()?;
    let (times, report) = time_report(&mut reports, &weekly_query, config.repeat).await?;
    print_query(
        "CSAT per agent per week, America/New_York, 13 weeks",
        times,
        Some(report.from_rollups),
    );

    let times = time_benchmark_report(
        &mut reports,
        &csat.ninety_days(pb::Granularity::None, &["attributes.agent"]),
        config.repeat,
    )
    .await?;
    print_query(
        "benchmark report per agent (weekly trend), 90 days",
        times,
        Some(true),
    );

    let (times, report) = time_report(
        &mut reports,
        &csat.ninety_days(pb::Granularity::None, &["attributes.region"]),
        config.repeat_slow,
    )
    .await?;
    print_query(
        "uncovered: CSAT per region (not a dimension), 90 days",
        times,
        Some(report.from_rollups),
    );

    let (baseline, plain_sql) =
        time_plain_sql(&server.database_url, &csat, config.repeat_slow).await?;
    print_query(
        "baseline: overall CSAT as a plain SQL aggregate",
        baseline,
        None,
    );

    compare_with_plain_sql(&overall, overall_times, plain_sql, baseline)
}

async fn time_benchmark_report(
    reports: &mut ReportServiceClient<Channel>,
    query: &pb::ReportQuery,
    repeat: usize,
) -> Result<(Duration, Duration)> {
    let mut latencies = Vec::new();
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        reports
            .get_benchmark_report(pb::GetBenchmarkReportRequest {
                query: Some(query.clone()),
                benchmark_ids: vec!["good-csat".into()],
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?;
        latencies.push(started.elapsed());
    }
    Ok(percentiles(latencies))
}

/// What the plain SQL aggregate counted.
struct SatisfiedOf {
    satisfied: i64,
    total: i64,
}

/// Times the overall CSAT query as anyone would write it against the ratings table.
async fn time_plain_sql(
    database_url: &str,
    csat: &CsatQueries,
    repeat: usize,
) -> Result<((Duration, Duration), SatisfiedOf)> {
    let database = Database::connect(database_url).await?;
    let marks = vec!["?"; csat.survey_ids.len()].join(", ");
    let sql = format!(
        "SELECT score, COUNT(*) FROM ratings WHERE survey_id IN ({marks}) \
         AND occur_time >= ? AND occur_time < ? GROUP BY score"
    );
    let mut values: Vec<sea_orm::Value> =
        csat.survey_ids.iter().map(|id| id.clone().into()).collect();
    values.push((csat.today - 90 * DAY).into());
    values.push(csat.today.into());
    let mut latencies = Vec::new();
    let mut counts: Vec<(i32, i64)> = Vec::new();
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let rows = database
            .query_all_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                sql.clone(),
                values.clone(),
            ))
            .await?;
        latencies.push(started.elapsed());
        counts = rows
            .iter()
            .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
            .collect::<Result<_>>()?;
    }
    let _ = database.close().await;
    let counted = SatisfiedOf {
        satisfied: counts
            .iter()
            .filter(|(score, _)| *score >= 4)
            .map(|(_, count)| count)
            .sum(),
        total: counts.iter().map(|(_, count)| count).sum(),
    };
    Ok((percentiles(latencies), counted))
}

/// Prints the overall CSAT as the rollups and the plain SQL aggregate found it, and how much
/// faster the rollups answered; fails if the two disagree.
fn compare_with_plain_sql(
    overall: &pb::Report,
    overall_times: (Duration, Duration),
    plain_sql: SatisfiedOf,
    baseline: (Duration, Duration),
) -> Result<()> {
    let SatisfiedOf { satisfied, total } = plain_sql;
    let metrics = overall.overall.clone().unwrap_or_default();
    let exact = metrics.rating_count == total && metrics.satisfied_count == Some(satisfied);
    println!(
        "  overall CSAT from rollups {:.4} % of {} ratings; plain SQL {:.4} % of {total}: {}",
        metrics.csat.unwrap_or_default(),
        metrics.rating_count,
        100.0 * satisfied as f64 / total.max(1) as f64,
        if exact { "equal" } else { "DIFFERENT" }
    );
    println!(
        "  plain SQL p50 / rollup p50 = {:.0} (bar: >= 100)",
        baseline.0.as_secs_f64() / overall_times.0.as_secs_f64()
    );
    if !exact {
        return Err(Error::internal(
            "the rollups and the plain SQL aggregate disagree",
        ));
    }
    Ok(())
}
