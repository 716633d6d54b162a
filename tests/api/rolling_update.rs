//! A rolling update under load, as Kubernetes runs one: two replicas on one PostgreSQL database
//! behind a client that round-robins and retries as `clients/retry-service-config.json` says; one
//! replica gets SIGTERM while calls still reach it, a new one joins, and every call ends OK, every
//! acknowledged rating is stored, none twice. And a connection made to a draining replica is
//! refused at once, not left unanswered.
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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use csat::pb;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::report_service_client::ReportServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use serde_json::Value;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::common::{
    Backend, CsatProcess, TestDatabase, connect, create_csat_survey, free_address, rating,
    serve_arguments, spawn_csat, start_csat, wait_until_serving,
};

/// Callers submitting ratings, each one at a time, and callers reading reports and ratings.
const SUBMITTERS: usize = 6;
const READERS: usize = 2;

/// Load before the SIGTERM, so that the calls in flight at that moment are ordinary ones.
const LOAD_BEFORE_SIGTERM: Duration = Duration::from_millis(1_500);
/// How long the stopping replica stays among the client's addresses after its SIGTERM: the
/// moment Kubernetes takes to remove an endpoint everywhere.
const ENDPOINT_REMOVAL_DELAY: Duration = Duration::from_secs(1);
/// Load after the new replica has joined and the old one has exited.
const LOAD_AFTER_ROLLOUT: Duration = Duration::from_secs(3);

/// gRPC status code names as a service config spells them, indexed by code.
const CODE_NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// A method config's retryPolicy (gRFC A6).
#[derive(Debug, Clone)]
struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    backoff_multiplier: f64,
    retryable_codes: Vec<Code>,
}

/// What the service config says of one method.
#[derive(Debug, Clone, Default)]
struct MethodPolicy {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

/// The shipped service config, by method path (`/csat.v1.RatingService/SubmitRating`).
struct ServiceConfig {
    methods: HashMap<String, MethodPolicy>,
}

impl ServiceConfig {
    fn shipped() -> ServiceConfig {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/clients/retry-service-config.json"
        );
        let config: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut methods = HashMap::new();
        for method_config in config["methodConfig"].as_array().unwrap() {
            let policy = MethodPolicy {
                timeout: method_config.get("timeout").map(duration),
                retry: method_config.get("retryPolicy").map(retry_policy),
            };
            for name in method_config["name"].as_array().unwrap() {
                // A name without a method applies to every method of its service.
                let path = format!(
                    "/{}/{}",
                    name["service"].as_str().unwrap(),
                    name.get("method").and_then(Value::as_str).unwrap_or("")
                );
                methods.insert(path, policy.clone());
            }
        }
        ServiceConfig { methods }
    }

    /// Returns the policy of `path`: its own, else its service's, else none.
    fn policy(&self, path: &str) -> MethodPolicy {
        let (service, _) = path.rsplit_once('/').unwrap();
        self.methods
            .get(path)
            .or_else(|| self.methods.get(&format!("{service}/")))
            .cloned()
            .unwrap_or_default()
    }
}

/// A google.protobuf.Duration in JSON: decimal seconds and an `s`.
fn duration(value: &Value) -> Duration {
    let seconds = value.as_str().unwrap().strip_suffix('s').unwrap();
    Duration::from_secs_f64(seconds.parse().unwrap())
}

fn retry_policy(policy: &Value) -> RetryPolicy {
    let code_named = |name: &Value| {
        let index = CODE_NAMES
            .iter()
            .position(|known| Some(*known) == name.as_str())
            .unwrap_or_else(|| panic!("unknown status code {name}"));
        Code::from_i32(index as i32)
    };
    RetryPolicy {
        max_attempts: policy["maxAttempts"].as_u64().unwrap() as u32,
        initial_backoff: duration(&policy["initialBackoff"]),
        max_backoff: duration(&policy["maxBackoff"]),
        backoff_multiplier: policy["backoffMultiplier"].as_f64().unwrap(),
        retryable_codes: policy["retryableStatusCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(code_named)
            .collect(),
    }
}

/// What the callers saw, over every call.
#[derive(Default)]
struct Tally {
    calls: usize,
    retried_calls: usize,
    /// Each failed attempt by what failed it, for the report.
    failed_attempts: BTreeMap<String, usize>,
    /// Calls that never ended OK, with their last status.
    failed_calls: Vec<String>,
}

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

/// One replica as the client sees it: a subchannel of gRPC's round_robin policy.
#[derive(Clone)]
struct Target {
    address: SocketAddr,
    channel: Channel,
    /// Until when the picker passes this replica over, after a refused connection: gRPC's
    /// round_robin picks only subchannels that are connected or connecting, and one whose
    /// connection failed waits out a reconnect backoff in TRANSIENT_FAILURE.
    failing_until: Option<tokio::time::Instant>,
}

impl Target {
    fn new(address: SocketAddr) -> Target {
        Target {
            address,
            channel: lazy_channel(address),
            failing_until: None,
        }
    }

    fn is_failing(&self, now: tokio::time::Instant) -> bool {
        self.failing_until.is_some_and(|until| now < until)
    }
}

/// gRPC's first reconnect backoff (connection-backoff.md: INITIAL_BACKOFF).
const RECONNECT_BACKOFF: Duration = Duration::from_secs(1);

/// A client in front of the replicas: each attempt goes to the next replica in turn, skipping any
/// whose connection was refused within the reconnect backoff, and a failed call is retried as
/// the service config says, as a gRPC channel with the round_robin policy and that config does.
#[derive(Clone)]
struct RoundRobinClient {
    targets: Arc<Mutex<Vec<Target>>>,
    next: Arc<AtomicUsize>,
    config: Arc<ServiceConfig>,
    tally: Arc<Mutex<Tally>>,
}

/// A call that ended OK, and on which attempt.
struct Answered<T> {
    message: T,
    attempt: u32,
}

impl RoundRobinClient {
    fn new(addresses: &[SocketAddr]) -> RoundRobinClient {
        RoundRobinClient {
            targets: Arc::new(Mutex::new(
                addresses.iter().copied().map(Target::new).collect(),
            )),
            next: Arc::new(AtomicUsize::new(0)),
            config: Arc::new(ServiceConfig::shipped()),
            tally: Arc::new(Mutex::new(Tally::default())),
        }
    }

    fn add(&self, address: SocketAddr) {
        self.targets.lock().unwrap().push(Target::new(address));
    }

    fn remove(&self, address: SocketAddr) {
        self.targets
            .lock()
            .unwrap()
            .retain(|target| target.address != address);
    }

    /// Returns the next replica in turn among those not failing (among all, when every one is:
    /// the attempt then fails UNAVAILABLE, as a gRPC call that does not wait for ready would).
    fn pick(&self) -> Target {
        let targets = self.targets.lock().unwrap();
        let now = tokio::time::Instant::now();
        let mut candidates: Vec<&Target> = targets
            .iter()
            .filter(|target| !target.is_failing(now))
            .collect();
        if candidates.is_empty() {
            candidates = targets.iter().collect();
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        candidates[turn % candidates.len()].clone()
    }

    fn mark_failing(&self, address: SocketAddr) {
        let until = tokio::time::Instant::now() + RECONNECT_BACKOFF;
        for target in self.targets.lock().unwrap().iter_mut() {
            if target.address == address {
                target.failing_until = Some(until);
            }
        }
    }

    /// Calls `path` with `attempt` (given a channel and the time left) until it ends OK, a
    /// status the policy does not retry, the last attempt, or the deadline; records the outcome.
    async fn call<T, F, Fut>(&self, path: &str, mut attempt: F) -> Option<Answered<T>>
    where
        F: FnMut(Channel, Option<Duration>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<T>, Status>>,
    {
        let policy = self.config.policy(path);
        let deadline = policy
            .timeout
            .map(|timeout| tokio::time::Instant::now() + timeout);
        let max_attempts = policy.retry.as_ref().map_or(1, |retry| retry.max_attempts);
        let mut backoff = policy.retry.as_ref().map(|retry| retry.initial_backoff);
        let mut number = 1;
        let failure = loop {
            let left = deadline
                .map(|deadline| deadline.saturating_duration_since(tokio::time::Instant::now()));
            let target = self.pick();
            let answered = match left {
                // The client enforces its deadline itself, as gRPC clients do: a server that
                // never answers must not hold the call beyond it.
                Some(left) => tokio::time::timeout(left, attempt(target.channel, Some(left)))
                    .await
                    .unwrap_or_else(|_| Err(Status::deadline_exceeded("the deadline passed"))),
                None => attempt(target.channel, None).await,
            };
            let status = match answered {
                Ok(response) => {
                    self.record(number, None);
                    return Some(Answered {
                        message: response.into_inner(),
                        attempt: number,
                    });
                }
                Err(status) => status,
            };
            // A refused connection (ConnectError) puts the subchannel in TRANSIENT_FAILURE.
            if caused_by::<tonic::ConnectError>(&status) {
                self.mark_failing(target.address);
            }
            *self
                .tally
                .lock()
                .unwrap()
                .failed_attempts
                .entry(describe(&status))
                .or_default() += 1;
            let retryable = policy
                .retry
                .as_ref()
                .is_some_and(|retry| retry.retryable_codes.contains(&grpc_code(&status)));
            if !retryable || number == max_attempts {
                break status;
            }
            let retry = policy.retry.as_ref().unwrap();
            let ceiling = backoff.unwrap();
            // gRFC A6: the n-th retry waits random(0, min(initial × multiplier^(n-1), max)).
            let mut pause = ceiling.mul_f64(fastrand::f64());
            if let Some(deadline) = deadline {
                pause = pause.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
            }
            tokio::time::sleep(pause).await;
            if deadline.is_some_and(|deadline| tokio::time::Instant::now() >= deadline) {
                break Status::deadline_exceeded("the deadline passed during a backoff");
            }
            backoff = Some(
                ceiling
                    .mul_f64(retry.backoff_multiplier)
                    .min(retry.max_backoff),
            );
            number += 1;
        };
        self.record(number, Some(format!("{path}: {}", describe(&failure))));
        None
    }

    fn record(&self, attempts: u32, failure: Option<String>) {
        let mut tally = self.tally.lock().unwrap();
        tally.calls += 1;
        if attempts > 1 {
            tally.retried_calls += 1;
        }
        tally.failed_calls.extend(failure);
    }

    async fn submit(
        &self,
        rating_id: &str,
        score: i32,
    ) -> Option<Answered<pb::SubmitRatingResponse>> {
        let request = pb::SubmitRatingRequest {
            rating: Some(rating("chat", rating_id, score)),
        };
        self.call("/csat.v1.RatingService/SubmitRating", |channel, left| {
            let request = with_timeout(request.clone(), left);
            async move {
                RatingServiceClient::new(channel)
                    .submit_rating(request)
                    .await
            }
        })
        .await
    }

    async fn report(&self) -> bool {
        let request = pb::GetReportRequest {
            query: Some(pb::ReportQuery {
                filter: Some(pb::RatingFilter {
                    survey_ids: vec!["chat".into()],
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        self.call("/csat.v1.ReportService/GetReport", |channel, left| {
            let request = with_timeout(request.clone(), left);
            async move { ReportServiceClient::new(channel).get_report(request).await }
        })
        .await
        .is_some()
    }

    async fn list(&self) -> bool {
        let request = pb::ListRatingsRequest {
            page_size: 20,
            ..Default::default()
        };
        self.call("/csat.v1.RatingService/ListRatings", |channel, left| {
            let request = with_timeout(request.clone(), left);
            async move {
                RatingServiceClient::new(channel)
                    .list_ratings(request)
                    .await
            }
        })
        .await
        .is_some()
    }
}

/// A request carrying the time left as its `grpc-timeout`.
fn with_timeout<T>(message: T, left: Option<Duration>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(left) = left {
        request.set_timeout(left);
    }
    request
}

/// What one submitting caller had acknowledged: each rating id with whether the answer said
/// `duplicate`, and on which attempt.
type Acknowledged = Vec<(String, bool, u32)>;

async fn submit_until(
    client: RoundRobinClient,
    caller: usize,
    stop: Arc<AtomicBool>,
) -> Acknowledged {
    let mut acknowledged = Vec::new();
    for index in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let rating_id = format!("c{caller}-{index}");
        if let Some(answered) = client.submit(&rating_id, index % 5 + 1).await {
            acknowledged.push((rating_id, answered.message.duplicate, answered.attempt));
        }
    }
    acknowledged
}

async fn read_until(client: RoundRobinClient, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        client.report().await;
        client.list().await;
    }
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
async fn a_rolling_update_under_load_fails_no_call_and_loses_or_doubles_no_rating() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let (first_address, second_address) = (free_address(), free_address());
    let (mut first, first_channel) = start_csat(&database.url, first_address).await;
    let (second, second_channel) = start_csat(&database.url, second_address).await;
    create_csat_survey(
        &mut SurveyServiceClient::new(first_channel.clone()),
        "chat",
        "support_chat",
    )
    .await;
    // A call that outlives every other on the replica to stop, as a health Watch does (gRPC's
    // client-side health checking holds one per connection): its drain then lasts the whole
    // drain timeout, and what reaches it meanwhile must not wait for that.
    let mut watched_health = HealthClient::new(first_channel)
        .watch(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    let health_watch =
        tokio::spawn(async move { while let Ok(Some(_)) = watched_health.message().await {} });
    let client = RoundRobinClient::new(&[first_address, second_address]);
    let stop = Arc::new(AtomicBool::new(false));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|caller| tokio::spawn(submit_until(client.clone(), caller, stop.clone())))
        .collect();
    let readers: Vec<_> = (0..READERS)
        .map(|_| tokio::spawn(read_until(client.clone(), stop.clone())))
        .collect();

    tokio::time::sleep(LOAD_BEFORE_SIGTERM).await;
    terminate(&first);
    let third_address = free_address();
    let third = spawn_csat(&database.url, third_address);
    tokio::time::sleep(ENDPOINT_REMOVAL_DELAY).await;
    client.remove(first_address);
    // Ready as a readiness probe sees it: health SERVING.
    wait_until_serving(&connect(third_address).await).await;
    client.add(third_address);
    let first_exit = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || first.wait().unwrap()),
    )
    .await
    .expect("the stopped replica exits within its drain")
    .unwrap();
    health_watch.await.unwrap();
    tokio::time::sleep(LOAD_AFTER_ROLLOUT).await;
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for submitter in submitters {
        acknowledged.extend(submitter.await.unwrap());
    }
    for reader in readers {
        reader.await.unwrap();
    }
    let mut stream = RatingServiceClient::new(second_channel)
        .stream_ratings(pb::StreamRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut stored = Vec::new();
    while let Some(message) = stream.message().await.unwrap() {
        stored.push(message.rating.unwrap().rating_id);
    }
    drop((second, third));
    database.drop_database().await;

    let tally = client.tally.lock().unwrap();
    let duplicate_answers = acknowledged
        .iter()
        .filter(|(_, duplicate, _)| *duplicate)
        .count();
    println!(
        "{} calls, {} of them retried, {} ratings acknowledged ({duplicate_answers} answered \
         duplicate on a retry); failed attempts: {:#?}",
        tally.calls,
        tally.retried_calls,
        acknowledged.len(),
        tally.failed_attempts
    );
    assert_eq!(first_exit.code(), Some(0), "the stopped replica drained");
    assert!(
        tally.failed_calls.is_empty(),
        "{} calls failed: {:#?}",
        tally.failed_calls.len(),
        tally.failed_calls
    );
    let acknowledged_ids: HashSet<&String> = acknowledged.iter().map(|(id, ..)| id).collect();
    let stored_ids: HashSet<&String> = stored.iter().collect();
    assert!(
        acknowledged.len() > 100,
        "the load ran: {}",
        acknowledged.len()
    );
    let lost: Vec<_> = acknowledged_ids.difference(&stored_ids).collect();
    assert!(lost.is_empty(), "acknowledged ratings lost: {lost:?}");
    assert_eq!(stored.len(), stored_ids.len(), "no rating id stored twice");
    let unacknowledged: Vec<_> = stored_ids.difference(&acknowledged_ids).collect();
    assert!(
        unacknowledged.is_empty(),
        "stored, never acknowledged: {unacknowledged:?}"
    );
    // Every id is new, so only a retry of a submit the server had stored can find it stored.
    let duplicate_first_answers: Vec<_> = acknowledged
        .iter()
        .filter(|(_, duplicate, attempt)| *duplicate && *attempt == 1)
        .collect();
    assert!(
        duplicate_first_answers.is_empty(),
        "{duplicate_first_answers:?}"
    );
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
