//! `csat bench invitations`: what the fatigue rule costs a caller. Alternates, round by round,
//! the empty RPC (`grpc.health.v1.Health/Check`) with CreateInvitation to a survey whose rule holds
//! back a customer invited within 7 days, from many concurrent callers, the customers drawn from
//! a large pool so that most invitations are to be sent and some are held back, as a help desk's
//! are. Then it seeds invitations to two other surveys at random times of 400 days, answers a
//! third of them through ImportRatings (Rating.invitation_id), and times reports with the
//! response rate over all of them.

use std::time::{Duration, Instant};

use clap::Args;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use super::{
    BenchServer, DAY, DAYS, Numbers, PhaseTotals, bench_folder, percentile, print_phase,
    resident_megabytes, timed_phase,
};
use crate::api::conversion::timestamp_from_micros;
use crate::domain::now_micros;
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::invitation_service_client::InvitationServiceClient;
use crate::pb::rating_service_client::RatingServiceClient;
use crate::pb::report_service_client::ReportServiceClient;

/// The survey every invitation of the benchmark is to.
const SURVEY_ID: &str = "support-chat";

/// Settings of `csat bench invitations`.
#[derive(Debug, Clone, Args)]
pub struct InvitationsBenchConfig {
    /// Concurrent callers.
    #[arg(long, default_value_t = 64)]
    pub callers: usize,
    /// Seconds each timed phase runs in each round.
    #[arg(long, default_value_t = 2)]
    pub seconds: u64,
    /// Rounds of the timed phases (Health/Check, then CreateInvitation).
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Customers the invitations are drawn from.
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    /// HTTP/2 connections the callers share.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
    /// Invitations seeded (a third of them answered) for the timed reports with the response
    /// rate; 0 skips them.
    #[arg(long, default_value_t = 1_000_000)]
    pub report_invitations: u64,
    /// Timed runs of each report.
    #[arg(long, default_value_t = 50)]
    pub repeat: usize,
}

/// Runs the invitations benchmark and prints its report.
pub async fn run_invitations(config: InvitationsBenchConfig) -> Result<()> {
    let folder = bench_folder()?;
    let server = BenchServer::start(&folder, "invitations", config.connections, |_| {}).await?;
    server
        .create_survey(
            SURVEY_ID,
            pb::Survey {
                touchpoint: "support_chat".into(),
                metric: pb::Metric::Csat.into(),
                min_days_between_invitations: 7,
                ..Default::default()
            },
        )
        .await?;
    println!(
        "csat bench invitations: {} callers over {} connections, {} rounds of {} s per phase, \
         customers drawn from {}; SQLite in {}",
        config.callers,
        config.connections,
        config.rounds,
        config.seconds,
        config.customers,
        folder.display()
    );
    let duration = Duration::from_secs(config.seconds);
    let customers = config.customers.max(1);
    let mut check = PhaseTotals::default();
    let mut create = PhaseTotals::default();
    for round in 0..config.rounds.max(1) {
        check.add(
            timed_phase(
                &server.channels,
                config.callers,
                duration,
                |channel, _, _| {
                    let mut client = HealthClient::new(channel);
                    async move {
                        let request = HealthCheckRequest {
                            service: String::new(),
                        };
                        client.check(request).await.is_ok()
                    }
                },
            )
            .await,
        );
        create.add(
            timed_phase(
                &server.channels,
                config.callers,
                duration,
                move |channel, caller, call| {
                    let mut client = InvitationServiceClient::new(channel);
                    // Each caller draws its own customers, the same in every run.
                    let seed = (round as u64) << 48 ^ (caller as u64) << 32 ^ call as u64;
                    let customer =
                        Numbers(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1).next(customers);
                    async move {
                        let request = pb::CreateInvitationRequest {
                            invitation: Some(pb::Invitation {
                                survey_id: SURVEY_ID.into(),
                                customer_id: format!("customer-{customer}"),
                                channel: pb::Channel::Email.into(),
                                ..Default::default()
                            }),
                        };
                        client.create_invitation(request).await.is_ok()
                    }
                },
            )
            .await,
        );
    }
    let check = check.summarize();
    let create = create.summarize();
    print_phase("Health/Check", "calls/s", &check);
    print_phase("CreateInvitation", "calls/s", &create);
    println!(
        "  with the fatigue check: CreateInvitation / Health/Check = {:.2} (bar: >= 0.4)",
        create.rate / check.rate
    );
    if config.report_invitations > 0 {
        report_phase(&server, &config).await?;
    }
    println!(
        "resident memory: {} MB (server and load generator in one process)",
        resident_megabytes().map_or("unknown".into(), |megabytes| megabytes.to_string())
    );
    server.stop().await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

/// Surveys the report phase invites to and reports on.
const REPORT_SURVEYS: [&str; 2] = ["report-chat", "report-checkout"];
/// Channels invitations go through.
const INVITATION_CHANNELS: [pb::Channel; 3] =
    [pb::Channel::Email, pb::Channel::Sms, pb::Channel::InApp];
/// Calls in flight while seeding.
const SEEDING_CALLERS: u64 = 64;

/// Seeds `config.report_invitations` invitations to two surveys at random times of 400 days,
/// answers one in three through ImportRatings, and times reports with the response rate.
async fn report_phase(server: &BenchServer, config: &InvitationsBenchConfig) -> Result<()> {
    let invitations = config.report_invitations;
    for survey_id in REPORT_SURVEYS {
        server
            .create_survey(
                survey_id,
                pb::Survey {
                    touchpoint: survey_id.into(),
                    metric: pb::Metric::Csat.into(),
                    ..Default::default()
                },
            )
            .await?;
    }
    let now = now_micros();
    let started = Instant::now();
    let mut callers = Vec::new();
    for caller in 0..SEEDING_CALLERS {
        let channel = server.channels[caller as usize % server.channels.len()].clone();
        callers.push(tokio::spawn(async move {
            let mut client = InvitationServiceClient::new(channel);
            let mut index = caller;
            while index < invitations {
                let (survey_id, customer_id, channel, send_time) = seeded_invitation(index, now);
                client
                    .create_invitation(pb::CreateInvitationRequest {
                        invitation: Some(pb::Invitation {
                            invitation_id: format!("inv-{index}"),
                            survey_id: survey_id.into(),
                            customer_id,
                            channel: channel.into(),
                            send_time: Some(timestamp_from_micros(send_time)),
                            ..Default::default()
                        }),
                    })
                    .await
                    .map_err(|status| Error::internal(status.to_string()))?;
                index += SEEDING_CALLERS;
            }
            Ok::<(), Error>(())
        }));
    }
    for caller in callers {
        caller.await.map_err(Error::internal)??;
    }
    let invited = started.elapsed();
    let answered_started = Instant::now();
    // One invitation in three is answered, within a day of its send_time.
    let answers = (0..invitations).step_by(3).map(move |index| {
        let (survey_id, customer_id, channel, send_time) = seeded_invitation(index, now);
        let mut numbers = Numbers(index.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let occur_time = (send_time + numbers.next(DAY as u64) as i64).min(now - 1_000_000);
        pb::ImportRatingsRequest {
            rating: Some(pb::Rating {
                rating_id: format!("answer-{index}"),
                survey_id: survey_id.into(),
                score: [1, 2, 3, 4, 4, 5, 5, 5][numbers.next(8) as usize],
                customer_id,
                channel: channel.into(),
                invitation_id: format!("inv-{index}"),
                occur_time: Some(timestamp_from_micros(occur_time)),
                ..Default::default()
            }),
        }
    });
    let imported = RatingServiceClient::new(server.channels[0].clone())
        .import_ratings(tokio_stream::iter(answers))
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    println!(
        "seeded {invitations} invitations in {:.0} s ({:.0} /s through CreateInvitation) and \
         {} answers in {:.0} s through ImportRatings ({} refused)",
        invited.as_secs_f64(),
        invitations as f64 / invited.as_secs_f64(),
        imported.accepted_count,
        answered_started.elapsed().as_secs_f64(),
        imported.rejected_count,
    );
    // Whole UTC days (the report's zone), so both the ratings and the invitations are read from
    // rollups: the bar is for a rollup-covered report; a range ending mid-day adds scans of its
    // partial days.
    let end_of_today = (now.div_euclid(DAY) + 1) * DAY;
    let whole_range = |group_by: &[&str], granularity: pb::Granularity| pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: REPORT_SURVEYS.iter().map(|id| id.to_string()).collect(),
            start_time: Some(timestamp_from_micros(end_of_today - (DAYS + 2) * DAY)),
            end_time: Some(timestamp_from_micros(end_of_today)),
            ..Default::default()
        }),
        group_by: group_by.iter().map(|entry| entry.to_string()).collect(),
        granularity: granularity.into(),
        ..Default::default()
    };
    // The usual dashboard's range: the last 30 days ending now, partial days at both edges.
    let last_30_days = pb::ReportQuery {
        filter: Some(pb::RatingFilter {
            survey_ids: REPORT_SURVEYS.iter().map(|id| id.to_string()).collect(),
            start_time: Some(timestamp_from_micros(now - 30 * DAY)),
            end_time: Some(timestamp_from_micros(now)),
            ..Default::default()
        }),
        group_by: vec!["survey".into()],
        granularity: pb::Granularity::Day.into(),
        ..Default::default()
    };
    // (name, query, whether the bar is for it: rollup-covered)
    for (name, query, covered) in [
        (
            "overall",
            whole_range(&[], pb::Granularity::Unspecified),
            true,
        ),
        (
            "per channel and month",
            whole_range(&["channel"], pb::Granularity::Month),
            true,
        ),
        (
            "per survey and day",
            whole_range(&["survey"], pb::Granularity::Day),
            true,
        ),
        ("last 30 days ending now", last_30_days, false),
    ] {
        let mut client = ReportServiceClient::new(server.channels[0].clone());
        let mut latencies = Vec::with_capacity(config.repeat);
        let mut last = None;
        for _ in 0..config.repeat.max(1) {
            let sent = Instant::now();
            let report = client
                .get_report(pb::GetReportRequest {
                    query: Some(query.clone()),
                })
                .await
                .map_err(|status| Error::internal(status.to_string()))?
                .into_inner();
            latencies.push(sent.elapsed());
            last = report.report;
        }
        latencies.sort_unstable();
        let from_rollups = last.as_ref().is_some_and(|report| report.from_rollups);
        let overall = last.and_then(|report| report.overall).unwrap_or_default();
        println!(
            "GetReport {name:<23} p50 {:>7.2} ms  p99 {:>7.2} ms  invitations {} responses {} \
             response rate {:.2} %{}{}",
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            overall.invitation_count.unwrap_or_default(),
            overall.response_count.unwrap_or_default(),
            overall.response_rate.unwrap_or_default(),
            if from_rollups {
                ""
            } else {
                ", ratings scanned"
            },
            if covered {
                " (bar: p50 <= 10 ms)"
            } else {
                " (partial days at both ends: no bar)"
            },
        );
    }
    Ok(())
}

/// The survey, customer, channel and send_time of seeded invitation `index`: the same in every
/// run, so that answers can name them.
fn seeded_invitation(index: u64, now: i64) -> (&'static str, String, pb::Channel, i64) {
    let mut numbers = Numbers(index.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    let survey_id = REPORT_SURVEYS[numbers.next(2) as usize];
    let customer_id = format!("customer-{}", numbers.next(1_000_000));
    let channel = INVITATION_CHANNELS[numbers.next(3) as usize];
    let send_time = now - 2 * DAY - numbers.next(((DAYS - 2) * DAY) as u64) as i64;
    (survey_id, customer_id, channel, send_time)
}
