//! A replica's drain, as a rolling update meets it: a connection made to a replica after its
//! SIGTERM is refused at once, not left unanswered.
//!
//! Kubernetes removes a pod from its Service's endpoints at the same moment as it sends SIGTERM,
//! and kube-proxy, DNS and clients' resolvers learn of it over the next second or so: new
//! connections still reach a stopping replica meanwhile. csat closes its port at SIGTERM (as
//! grpc-go's GracefulStop does), so they are refused, which gRPC clients see as UNAVAILABLE and
//! retry elsewhere; calls in flight finish, and HTTP/2 GOAWAY moves open connections on. A client
//! without the retry config would see those refusals as errors, so the Deployment must hold
//! SIGTERM back until the endpoints are gone everywhere: a `preStop` hook that sleeps (5 s:
//! Kubernetes' own `lifecycle.preStop.sleep.seconds`, or `exec: [sleep, "5"]`), the pod serving
//! normally meanwhile, and `terminationGracePeriodSeconds` above that sleep plus the drain
//! (`--drain-timeout-seconds`, 10 s) plus the clean-up after it (up to 10 s): 30 s.

use std::net::SocketAddr;
use std::time::Duration;

use csat::pb;
use csat::pb::survey_service_client::SurveyServiceClient;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, free_address, serve_arguments, wait_until_serving,
};

/// The code a gRPC client of grpc-core, grpc-go or grpc-java reports for a failed attempt. tonic
/// says UNAVAILABLE for a refused connection too, but a connection that closes or resets before
/// the answer comes surfaces as CANCELLED or UNKNOWN, where gRPC says UNAVAILABLE: no status came
/// from a server, the transport failed, and that transient failure is what UNAVAILABLE is for.
fn grpc_code(status: &Status) -> Code {
    if caused_by::<tonic::TimeoutExpired>(status) {
        return Code::DeadlineExceeded;
    }
    if caused_by::<tonic::transport::Error>(status) {
        return Code::Unavailable;
    }
    status.code()
}

/// Whether an `E` is among the causes of `status`.
fn caused_by<E: std::error::Error + 'static>(status: &Status) -> bool {
    use std::error::Error;
    let mut source: Option<&(dyn Error + 'static)> = status.source();
    while let Some(cause) = source {
        if cause.is::<E>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Names a failed attempt: its code and, for a failure of the connection, the cause.
fn describe(status: &Status) -> String {
    use std::error::Error;
    let mut causes = Vec::new();
    let mut source: Option<&(dyn Error + 'static)> = status.source();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    format!(
        "{:?} as gRPC sees it ({:?}: {}) {}",
        grpc_code(status),
        status.code(),
        status.message(),
        causes.join(": ")
    )
}

/// A channel to `address` that connects at its first call, as gRPC channels do.
fn lazy_channel(address: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect_lazy()
}

/// Sends SIGTERM to `process`, as the kubelet does to a pod's container.
fn terminate(process: &CsatProcess) {
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &process.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_made_during_the_drain_is_refused_at_once() {
    // The listening socket is the same on either backend: SQLite starts faster.
    let database = TestDatabase::create(Backend::Sqlite).await;
    let address = free_address();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(&database.url, address))
        // Far longer than the call below may wait: only a refusal can answer it in time.
        .args(["--drain-timeout-seconds", "60"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut process = CsatProcess::from(child);
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    // Holds the drain open, as a client's health Watch does, and shows when it began.
    let mut watched_health = HealthClient::new(channel)
        .watch(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    let serving = watched_health.message().await.unwrap().unwrap().status;

    terminate(&process);
    let draining = watched_health.message().await.unwrap().unwrap().status;
    let mut late_client = SurveyServiceClient::new(lazy_channel(address));
    let late_call = tokio::time::timeout(
        Duration::from_secs(5),
        late_client.list_surveys(pb::ListSurveysRequest::default()),
    )
    .await;
    drop(watched_health);
    let exit = tokio::task::spawn_blocking(move || process.wait().unwrap())
        .await
        .unwrap();

    assert_eq!(serving, ServingStatus::Serving as i32);
    assert_eq!(draining, ServingStatus::NotServing as i32);
    let late_call = late_call
        .expect("a connection made during the drain is answered at once, not left in the backlog");
    // Refused; or, had it reached the port in the instant between health turning NOT_SERVING and
    // the port closing, reset or even served: never a status a client would not retry.
    if let Err(status) = &late_call {
        assert_eq!(grpc_code(status), Code::Unavailable, "{}", describe(status));
    }
    assert_eq!(exit.code(), Some(0));
}
