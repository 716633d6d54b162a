//! What a production deployment's safeguards cost SubmitRating: the same `csat serve`, once plain
//! and once with [`SAFEGUARDS`] on, measured in
//! alternating rounds of one run. Both run as child processes, because metrics recorders and
//! trace exporters are installed once per process: in-process servers could not be told apart.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tonic::metadata::MetadataValue;
use tonic::transport::Channel;

use super::otlp_receiver::OtlpReceiver;
use super::{PhaseResult, PhaseTotals, bench_rating, connect_serving, timed_phase};
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::rating_service_client::RatingServiceClient;
use crate::pb::survey_service_client::SurveyServiceClient;

/// What the observed server turns on.
pub const SAFEGUARDS: &str = "API keys, metrics and traces";

/// The key the observed server's callers send (its hash is in the keys file written for it).
const BENCH_KEY: &str = "csat-bench-key";

/// A `csat serve` child process of the benchmark, stopped with SIGTERM when dropped.
struct ServeProcess {
    child: Child,
    channels: Vec<Channel>,
}

impl ServeProcess {
    /// Starts `csat serve` on `folder/name.db` with `extra` arguments and environment, and
    /// connects `connections` HTTP/2 connections once it serves.
    async fn start(
        folder: &Path,
        name: &str,
        connections: usize,
        extra: &[String],
        environment: &[(String, String)],
    ) -> Result<ServeProcess> {
        let address = free_loopback_address()?;
        let database_url = format!("sqlite://{}", folder.join(format!("{name}.db")).display());
        let executable = std::env::current_exe().map_err(Error::internal)?;
        let child = Command::new(executable)
            .args([
                "serve",
                "--listen",
                &address.to_string(),
                "--database-url",
                &database_url,
            ])
            .args(extra)
            .envs(environment.iter().map(|(name, value)| (name, value)))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(Error::internal)?;
        let mut process = ServeProcess {
            child,
            channels: Vec::new(),
        };
        process.channels = connect_serving(address, connections).await?;
        Ok(process)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn free_loopback_address() -> Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(Error::internal)?;
    listener.local_addr().map_err(Error::internal)
}

/// SubmitRating on the plain server and on the observed one, over the same rounds.
pub struct ObservedCost {
    /// The safeguards off.
    pub plain: PhaseResult,
    /// The safeguards on.
    pub observed: PhaseResult,
    /// Spans the observed server exported to the benchmark's receiver: proof that traces were on.
    pub spans_received: usize,
}

/// Writes the observed server's keys file and returns the arguments that turn its safeguards on:
/// keys, and a `/metrics` listener (its recorder and per-call layer run whether or not anyone
/// scrapes).
fn observed_arguments(folder: &Path) -> Result<Vec<String>> {
    let keys: PathBuf = folder.join("bench-keys.yaml");
    let file = format!(
        "keys:\n  - name: bench\n    sha256: {}\n    scopes: [ratings:write, surveys:write]\n",
        crate::server::auth::keys::sha256_hex(BENCH_KEY)
    );
    std::fs::write(&keys, file).map_err(Error::internal)?;
    Ok(vec![
        "--api-keys-file".into(),
        keys.display().to_string(),
        "--metrics-listen".into(),
        "127.0.0.1:0".into(),
    ])
}

/// The environment that turns the observed server's traces on, exported to `receiver` with the
/// SDK's defaults (every call sampled, batches of 512), as a deployment that traces everything
/// would run it.
fn traced_environment(receiver: &OtlpReceiver) -> Vec<(String, String)> {
    vec![(
        "OTEL_EXPORTER_OTLP_ENDPOINT".to_string(),
        receiver.endpoint(),
    )]
}

/// Runs `rounds` rounds of `duration` on each server in turn.
pub async fn observed_cost(
    folder: &Path,
    connections: usize,
    callers: usize,
    rounds: usize,
    duration: Duration,
) -> Result<ObservedCost> {
    let receiver = OtlpReceiver::start_counting()
        .await
        .map_err(Error::internal)?;
    let plain = ServeProcess::start(folder, "plain", connections, &[], &[]).await?;
    let observed = ServeProcess::start(
        folder,
        "observed",
        connections,
        &observed_arguments(folder)?,
        &traced_environment(&receiver),
    )
    .await?;
    let key = MetadataValue::try_from(format!("Bearer {BENCH_KEY}")).map_err(Error::internal)?;
    for (server, with_key) in [(&plain, None), (&observed, Some(key.clone()))] {
        create_bench_survey(&server.channels[0], with_key).await?;
    }
    let submit = |with_key: Option<MetadataValue<tonic::metadata::Ascii>>| {
        move |channel, _, call| {
            let mut client = RatingServiceClient::new(channel);
            let with_key = with_key.clone();
            async move {
                let rating = bench_rating(uuid::Uuid::now_v7().to_string(), call);
                let mut request = tonic::Request::new(pb::SubmitRatingRequest {
                    rating: Some(rating),
                });
                if let Some(key) = with_key {
                    request.metadata_mut().insert("authorization", key);
                }
                client.submit_rating(request).await.is_ok()
            }
        }
    };
    let mut plain_totals = PhaseTotals::default();
    let mut observed_totals = PhaseTotals::default();
    for _ in 0..rounds.max(1) {
        plain_totals.add(timed_phase(&plain.channels, callers, duration, submit(None)).await);
        observed_totals.add(
            timed_phase(
                &observed.channels,
                callers,
                duration,
                submit(Some(key.clone())),
            )
            .await,
        );
    }
    // Stopping the server flushes its last batch of spans.
    drop(observed);
    Ok(ObservedCost {
        plain: plain_totals.summarize(),
        observed: observed_totals.summarize(),
        spans_received: receiver.span_count(),
    })
}

async fn create_bench_survey(
    channel: &Channel,
    with_key: Option<MetadataValue<tonic::metadata::Ascii>>,
) -> Result<()> {
    let mut request = tonic::Request::new(pb::CreateSurveyRequest {
        survey_id: "bench".into(),
        survey: Some(pb::Survey {
            touchpoint: "support_chat".into(),
            metric: pb::Metric::Csat.into(),
            dimensions: vec!["agent".into()],
            ..Default::default()
        }),
    });
    if let Some(key) = with_key {
        request.metadata_mut().insert("authorization", key);
    }
    SurveyServiceClient::new(channel.clone())
        .create_survey(request)
        .await
        .map_err(|status| Error::internal(status.to_string()))?;
    Ok(())
}
