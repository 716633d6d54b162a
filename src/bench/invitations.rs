//! `csat bench invitations`: what the fatigue rule costs a caller. Alternates, round by round,
//! the empty RPC (`grpc.health.v1.Health/Check`) with CreateInvitation to a survey whose rule holds
//! back a customer invited within 7 days, from many concurrent callers, the customers drawn from
//! a large pool so that most invitations are to be sent and some are held back, as a help desk's
//! are.

use std::time::Duration;

use clap::Args;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use super::{
    BenchServer, Numbers, PhaseTotals, bench_folder, print_phase, resident_megabytes, timed_phase,
};
use crate::error::Result;
use crate::pb;
use crate::pb::invitation_service_client::InvitationServiceClient;

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
    println!(
        "resident memory: {} MB (server and load generator in one process)",
        resident_megabytes().map_or("unknown".into(), |megabytes| megabytes.to_string())
    );
    server.stop().await?;
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}
