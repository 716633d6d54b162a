//! The small pieces a Rust program that calls csat needs beside `csat::proto` and `csat::client`,
//! and that tonic does not ship: [`connect`] (an API key on every call, TLS and mTLS), the
//! interceptor behind it, and a retry of the calls that are safe to repeat. Copy them into your
//! program (clients/rust/README.md shows them); `src/main.rs` is the quickstart that uses them.

use std::future::Future;
use std::time::Duration;

use tonic::metadata::{AsciiMetadataValue, errors::InvalidMetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Code, Request, Status};

/// Adds `authorization: Bearer <token>` to every call, when there is a token. No `Debug`: the
/// key must not reach a log.
#[derive(Clone, Default)]
pub struct BearerToken(Option<AsciiMetadataValue>);

impl BearerToken {
    /// The header for `token`, or none for `None` (a server without keys ignores it anyway).
    pub fn new(token: Option<&str>) -> Result<Self, InvalidMetadataValue> {
        token
            .map(|token| format!("Bearer {token}").parse())
            .transpose()
            .map(Self)
    }
}

impl Interceptor for BearerToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// How [`connect`] reaches a server.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// An API key, sent as `authorization: Bearer <key>` on every call, streams included (none
    /// when `None` or empty). Read it from the environment (`CSAT_API_KEY`) or a secret.
    pub token: Option<String>,
    /// For `https://` addresses: the PEM certificates to trust for the server (a private CA);
    /// the system's roots when `None`.
    pub ca_pem: Option<Vec<u8>>,
    /// For `https://` addresses: a PEM client certificate and its key, presented for mutual TLS
    /// (a server with `--tls-client-ca` takes its subject as the caller's principal).
    pub client_identity: Option<(Vec<u8>, Vec<u8>)>,
    /// The deadline of each call that sets none itself.
    pub timeout: Option<Duration>,
}

/// A channel to csat that sends the key on every call: give it to any generated client
/// (`RatingServiceClient::new(channel.clone())`).
pub type CsatChannel = InterceptedService<Channel, BearerToken>;

/// Connects to csat at `address` (`http://127.0.0.1:50051`, `https://csat.example:443`), over
/// TLS for `https://` as `options` says, and returns a channel carrying `options.token`.
pub async fn connect(
    address: &str,
    options: ConnectOptions,
) -> Result<CsatChannel, Box<dyn std::error::Error + Send + Sync>> {
    let token = BearerToken::new(options.token.as_deref().filter(|token| !token.is_empty()))?;
    let mut endpoint =
        Endpoint::from_shared(address.to_owned())?.connect_timeout(Duration::from_secs(5));
    if let Some(timeout) = options.timeout {
        endpoint = endpoint.timeout(timeout);
    }
    if address.starts_with("https://") {
        let mut tls = match options.ca_pem {
            Some(pem) => ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)),
            None => ClientTlsConfig::new().with_native_roots(),
        };
        if let Some((certificate, key)) = options.client_identity {
            tls = tls.identity(Identity::from_pem(certificate, key));
        }
        endpoint = endpoint.tls_config(tls)?;
    }
    let channel = endpoint.connect().await?;
    Ok(InterceptedService::new(channel, token))
}

/// The attempts [`retry_unavailable`] makes at most, as in clients/retry-service-config.json.
pub const MAX_ATTEMPTS: u32 = 5;
/// The wait after the first failed attempt, doubled after each one, as in the service config.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between two attempts, as in the service config.
pub const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The methods (`/package.Service/Method`) that clients/retry-service-config.json retries, and
/// so the only calls to wrap in [`retry_unavailable`]: those without side effects, the
/// idempotent ones, and the creates whose caller-chosen id makes a repeat answer what was
/// stored (`SubmitRating`, `BatchSubmitRatings` with `rating_id`, `CreateInvitation` with
/// `invitation_id`). Streams only until they open. Not `CreateSurvey`, `CreateBenchmark`,
/// `UpdateFollowUp`, `AddFollowUpNote` or `ImportRatings`.
pub const RETRIED_METHODS: &[&str] = &[
    "/csat.v1.SurveyService/GetSurvey",
    "/csat.v1.SurveyService/ListSurveys",
    "/csat.v1.SurveyService/UpdateSurvey",
    "/csat.v1.SurveyService/ArchiveSurvey",
    "/csat.v1.RatingService/SubmitRating",
    "/csat.v1.RatingService/BatchSubmitRatings",
    "/csat.v1.RatingService/GetRating",
    "/csat.v1.RatingService/ListRatings",
    "/csat.v1.RatingService/StreamRatings",
    "/csat.v1.RatingService/ExcludeRating",
    "/csat.v1.RatingService/RestoreRating",
    "/csat.v1.ReportService/GetReport",
    "/csat.v1.ReportService/WatchReport",
    "/csat.v1.ReportService/GetBenchmarkReport",
    "/csat.v1.BenchmarkService/GetBenchmark",
    "/csat.v1.BenchmarkService/ListBenchmarks",
    "/csat.v1.BenchmarkService/DeleteBenchmark",
    "/csat.v1.CustomerService/GetCustomer",
    "/csat.v1.CustomerService/ListCustomers",
    "/csat.v1.CustomerService/GetHealthPolicy",
    "/csat.v1.CustomerService/UpdateHealthPolicy",
    "/csat.v1.CustomerService/EraseCustomer",
    "/csat.v1.FollowUpService/GetFollowUp",
    "/csat.v1.FollowUpService/ListFollowUps",
    "/csat.v1.InvitationService/CreateInvitation",
    "/csat.v1.InvitationService/GetInvitation",
    "/csat.v1.InvitationService/ListInvitations",
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
];

/// Calls `call` again while it fails with UNAVAILABLE (the server restarting, a connection
/// lost), at most [`MAX_ATTEMPTS`], waiting 0.1 s, 0.2 s, 0.4 s… (at most 2 s) between them, as
/// the service config does. Only for the calls [`RETRIED_METHODS`] names.
pub async fn retry_unavailable<T, F, Fut>(mut call: F) -> Result<T, Status>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let mut backoff = INITIAL_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(status) if status.code() == Code::Unavailable && attempt < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                attempt += 1;
            }
            result => return result,
        }
    }
}
