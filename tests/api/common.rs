//! The test harness: a real server on an ephemeral port over a fresh SQLite file or a fresh
//! PostgreSQL database, and gRPC clients connected to it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use csat::config::Config;
use csat::pb;
use csat::pb::benchmark_service_client::BenchmarkServiceClient;
use csat::pb::customer_service_client::CustomerServiceClient;
use csat::pb::follow_up_service_client::FollowUpServiceClient;
use csat::pb::rating_service_client::RatingServiceClient;
use csat::pb::report_service_client::ReportServiceClient;
use csat::pb::survey_service_client::SurveyServiceClient;
use csat::server::Server;
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// Where a test server keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A database created for the test on the PostgreSQL of `CSAT_TEST_DATABASE_URL`.
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("CSAT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database made for one test, dropped by [`TestDatabase::drop_database`].
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    postgres_name: Option<String>,
    /// A tablespace made for the test, dropped after the database.
    tablespace: Option<String>,
    _folder: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// Creates an empty database. A PostgreSQL that does not answer fails the test: a skipped
    /// backend would look like a passing one.
    pub async fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::tempdir().expect("a temporary folder");
                let url = format!("sqlite://{}", folder.path().join("csat.db").display());
                TestDatabase {
                    url,
                    backend,
                    postgres_name: None,
                    tablespace: None,
                    _folder: Some(folder),
                }
            }
            Backend::Postgres => Self::create_postgres_in(None).await,
        }
    }

    /// Connects to the database as `csat migrate` would (creating the SQLite file) and applies
    /// the migrations before the first whose name ends with `suffix`, for a test that stores
    /// rows of an older schema and then upgrades; returns the connection and how many were
    /// applied.
    pub async fn migrated_before(&self, suffix: &str) -> (sea_orm::DatabaseConnection, u32) {
        use csat::store::migration::Migrator;
        use sea_orm_migration::MigratorTrait;

        let url = match self.backend {
            Backend::Sqlite => format!("{}?mode=rwc", self.url),
            Backend::Postgres => self.url.clone(),
        };
        let connection = Database::connect(&url).await.unwrap();
        let before = Migrator::migrations()
            .iter()
            .position(|migration| migration.name().ends_with(suffix))
            .unwrap_or_else(|| panic!("no migration named *{suffix}")) as u32;
        Migrator::up(&connection, Some(before)).await.unwrap();
        (connection, before)
    }

    /// A database at `url` that this handle never drops.
    pub fn at_url(url: String, backend: Backend) -> TestDatabase {
        TestDatabase {
            url,
            backend,
            postgres_name: None,
            tablespace: None,
            _folder: None,
        }
    }

    /// Creates an empty PostgreSQL database, in `tablespace` if given (dropped with it).
    pub async fn create_postgres_in(tablespace: Option<&str>) -> TestDatabase {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "csat_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            csat::domain::now_micros() % 1_000_000
        );
        let admin_url = postgres_admin_url();
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|cause| {
            panic!(
                "PostgreSQL at {admin_url} does not answer ({cause}); start it or set \
                 CSAT_TEST_DATABASE_URL: the PostgreSQL tests never skip"
            )
        });
        let in_tablespace = tablespace
            .map(|tablespace| format!(" TABLESPACE {tablespace}"))
            .unwrap_or_default();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}{in_tablespace}"))
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base.to_string())
            .expect("a database URL with a path");
        TestDatabase {
            url: format!("{base}/{name}"),
            backend: Backend::Postgres,
            postgres_name: Some(name),
            tablespace: tablespace.map(str::to_string),
            _folder: None,
        }
    }

    /// Returns another handle on the same database that never drops it: for a second replica.
    pub fn shared(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            backend: self.backend,
            postgres_name: None,
            tablespace: None,
            _folder: None,
        }
    }

    /// Drops a PostgreSQL test database; SQLite files go with their temporary folder.
    pub async fn drop_database(&self) {
        if let Some(name) = &self.postgres_name
            && let Ok(admin) = Database::connect(&postgres_admin_url()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            if let Some(tablespace) = &self.tablespace {
                let _ = admin
                    .execute_unprepared(&format!("DROP TABLESPACE IF EXISTS {tablespace}"))
                    .await;
            }
            let _ = admin.close().await;
        }
    }
}

/// A server running in this process, with clients.
pub struct TestServer {
    pub address: SocketAddr,
    pub channel: Channel,
    pub surveys: SurveyServiceClient<Channel>,
    pub ratings: RatingServiceClient<Channel>,
    pub reports: ReportServiceClient<Channel>,
    pub benchmarks: BenchmarkServiceClient<Channel>,
    pub follow_ups: FollowUpServiceClient<Channel>,
    pub customers: CustomerServiceClient<Channel>,
    pub database: TestDatabase,
    stop: Option<oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<csat::error::Result<()>>>,
}

impl TestServer {
    /// Starts a server on a fresh database of `backend`.
    pub async fn spawn(backend: Backend) -> TestServer {
        let database = TestDatabase::create(backend).await;
        Self::spawn_on(database).await
    }

    /// Starts a server on `database`.
    pub async fn spawn_on(database: TestDatabase) -> TestServer {
        Self::spawn_with(database, |_| {}).await
    }

    /// Starts a server on `database` with settings changed by `configure`.
    pub async fn spawn_with(
        database: TestDatabase,
        configure: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), &database.url);
        configure(&mut config);
        let server = Server::bind(&config).await.expect("the server binds");
        let address = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = tokio::spawn(server.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let channel = connect(address).await;
        wait_until_serving(&channel).await;
        TestServer {
            address,
            surveys: SurveyServiceClient::new(channel.clone()),
            ratings: RatingServiceClient::new(channel.clone()),
            reports: ReportServiceClient::new(channel.clone()),
            benchmarks: BenchmarkServiceClient::new(channel.clone()),
            follow_ups: FollowUpServiceClient::new(channel.clone()),
            customers: CustomerServiceClient::new(channel.clone()),
            channel,
            database,
            stop: Some(stop),
            serving: Some(serving),
        }
    }

    /// Shuts the server down gracefully, checks it stopped cleanly, and drops its database.
    pub async fn stop(mut self) {
        self.shut_down().await;
        self.database.drop_database().await;
    }

    /// Shuts the server down gracefully and returns its database for another server.
    pub async fn stop_keeping_database(mut self) -> TestDatabase {
        self.shut_down().await;
        let TestServer { database, .. } = self;
        database
    }

    async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serving) = self.serving.take() {
            serving
                .await
                .expect("the server task")
                .expect("the server stops cleanly");
        }
    }

    /// Creates a CSAT survey on 1–5 at `touchpoint`.
    pub async fn create_csat_survey(&mut self, survey_id: &str, touchpoint: &str) -> pb::Survey {
        create_csat_survey(&mut self.surveys, survey_id, touchpoint).await
    }

    /// Imports `count` ratings of `survey_id` through one ImportRatings stream, numbered
    /// `{prefix}{index}` with scores cycling 1 to 5.
    pub async fn import_numbered(&mut self, survey_id: &str, prefix: &str, count: i32) {
        let rows: Vec<pb::ImportRatingsRequest> = (0..count)
            .map(|index| pb::ImportRatingsRequest {
                rating: Some(rating(
                    survey_id,
                    &format!("{prefix}{index}"),
                    index % 5 + 1,
                )),
            })
            .collect();
        self.ratings
            .import_ratings(tokio_stream::iter(rows))
            .await
            .expect("ImportRatings");
    }

    /// Returns the report GetReport answers for `query`.
    pub async fn report(&mut self, query: pb::ReportQuery) -> pb::Report {
        self.reports
            .get_report(pb::GetReportRequest { query: Some(query) })
            .await
            .expect("GetReport")
            .into_inner()
            .report
            .expect("a report")
    }

    /// Submits one rating and returns the stored one.
    pub async fn submit(&mut self, rating: pb::Rating) -> pb::SubmitRatingResponse {
        self.ratings
            .submit_rating(pb::SubmitRatingRequest {
                rating: Some(rating),
            })
            .await
            .expect("SubmitRating")
            .into_inner()
    }

    /// Returns every rating matching `filter`, newest first, paging with `page_size`.
    pub async fn list_all(&mut self, filter: pb::RatingFilter, page_size: i32) -> Vec<pb::Rating> {
        list_ratings(&mut self.ratings, filter, page_size).await
    }
}

/// Returns every rating matching `filter` through `client`, newest first, paging with
/// `page_size`.
pub async fn list_ratings(
    client: &mut RatingServiceClient<Channel>,
    filter: pb::RatingFilter,
    page_size: i32,
) -> Vec<pb::Rating> {
    let mut ratings = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_ratings(pb::ListRatingsRequest {
                filter: Some(filter.clone()),
                page_size,
                page_token,
            })
            .await
            .expect("ListRatings")
            .into_inner();
        ratings.extend(page.ratings);
        if page.next_page_token.is_empty() {
            return ratings;
        }
        page_token = page.next_page_token;
    }
}

/// Creates a CSAT survey on 1–5 at `touchpoint` through `client`.
pub async fn create_csat_survey(
    client: &mut SurveyServiceClient<Channel>,
    survey_id: &str,
    touchpoint: &str,
) -> pb::Survey {
    client
        .create_survey(pb::CreateSurveyRequest {
            survey_id: survey_id.into(),
            survey: Some(pb::Survey {
                display_name: format!("{survey_id} survey"),
                question: "How satisfied were you?".into(),
                touchpoint: touchpoint.into(),
                metric: pb::Metric::Csat.into(),
                ..Default::default()
            }),
        })
        .await
        .expect("CreateSurvey")
        .into_inner()
        .survey
        .expect("a survey")
}

/// A rating of `survey_id` with key `rating_id` and `score`.
pub fn rating(survey_id: &str, rating_id: &str, score: i32) -> pb::Rating {
    pb::Rating {
        survey_id: survey_id.into(),
        rating_id: rating_id.into(),
        score,
        channel: pb::Channel::WebChat.into(),
        ..Default::default()
    }
}

/// Connects a channel to `address`, retrying briefly while the server starts.
/// WatchReport of one survey's ratings, at most one report per 0.1 s (the shortest allowed).
pub fn watch_survey_every_tenth_of_a_second(survey_id: &str) -> pb::WatchReportRequest {
    pb::WatchReportRequest {
        query: Some(pb::ReportQuery {
            filter: Some(pb::RatingFilter {
                survey_ids: vec![survey_id.into()],
                ..Default::default()
            }),
            ..Default::default()
        }),
        min_interval: Some(prost_types::Duration {
            seconds: 0,
            nanos: 100_000_000,
        }),
    }
}

pub async fn connect(address: SocketAddr) -> Channel {
    let endpoint = Channel::from_shared(format!("http://{address}")).expect("an endpoint");
    for _ in 0..100 {
        if let Ok(channel) = endpoint.connect().await {
            return channel;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no server at {address}");
}

/// Waits until health says SERVING for `""`.
pub async fn wait_until_serving(channel: &Channel) {
    wait_for_health(
        channel,
        tonic_health::pb::health_check_response::ServingStatus::Serving,
    )
    .await;
}

/// Waits until health says `wanted` for `""`, for at most 30 s.
pub async fn wait_for_health(
    channel: &Channel,
    wanted: tonic_health::pb::health_check_response::ServingStatus,
) {
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let mut last = None;
    for _ in 0..600 {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: String::new(),
            })
            .await
            .map(|response| response.into_inner().status);
        if status.as_ref().ok() == Some(&(wanted as i32)) {
            return;
        }
        last = Some(status);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("health is not {wanted:?} after 30 s: {last:?}");
}

/// Returns the fields a status's BadRequest names.
pub fn bad_fields(status: &tonic::Status) -> Vec<String> {
    violations(status)
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

/// Returns each violation of a status's BadRequest as `(field, description)`.
pub fn violations(status: &tonic::Status) -> Vec<(String, String)> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .into_iter()
                .map(|violation| (violation.field, violation.description))
                .collect()
        })
        .unwrap_or_default()
}

/// Returns each violation of a status's BadRequest as `(field, reason)`.
pub fn violation_reasons(status: &tonic::Status) -> Vec<(String, String)> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .into_iter()
                .map(|violation| (violation.field, violation.reason))
                .collect()
        })
        .unwrap_or_default()
}

/// Returns the reason of a status's ErrorInfo.
pub fn error_reason(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    status
        .get_details_error_info()
        .map(|info| {
            assert_eq!(info.domain, "csat");
            info.reason
        })
        .unwrap_or_default()
}

/// Defines each listed `async fn name(backend)` as a test on SQLite and one on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// Returns the rollup zones named, for a server's settings.
pub fn zones(names: &[&str]) -> Vec<csat::store::rollups::RollupZone> {
    names
        .iter()
        .map(|name| csat::config::rollup_zone(name).expect("an IANA zone"))
        .collect()
}

/// Returns a loopback address with a port free a moment ago.
pub fn free_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("a bound address")
}

/// Starts the `csat` binary on `database_url` and returns it with a channel once it is SERVING.
pub async fn start_csat(database_url: &str, address: SocketAddr) -> (CsatProcess, Channel) {
    let process = spawn_csat(database_url, address);
    let channel = connect(address).await;
    wait_until_serving(&channel).await;
    (process, channel)
}

/// A `csat` process of a test, killed when dropped: a test that fails must not leave a server
/// running, holding the test runner's output open.
pub struct CsatProcess(std::process::Child);

impl From<std::process::Child> for CsatProcess {
    fn from(child: std::process::Child) -> Self {
        CsatProcess(child)
    }
}

impl std::ops::Deref for CsatProcess {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for CsatProcess {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for CsatProcess {
    fn drop(&mut self) {
        // Already exited, or killed by the test: nothing to do.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `csat` binary on `database_url`, without waiting for anything.
pub fn spawn_csat(database_url: &str, address: SocketAddr) -> CsatProcess {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .args(serve_arguments(database_url, address))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("the csat binary starts");
    CsatProcess(child)
}

/// The arguments of `csat` serving `database_url` on `address`.
/// `message` with `authorization: Bearer <key>`.
pub fn with_key<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        tonic::metadata::MetadataValue::try_from(format!("Bearer {key}")).unwrap(),
    );
    request
}

pub fn serve_arguments(database_url: &str, address: SocketAddr) -> [String; 5] {
    [
        "serve".into(),
        "--listen".into(),
        address.to_string(),
        "--database-url".into(),
        database_url.into(),
    ]
}

/// Returns the resident memory of process `pid` in megabytes.
pub fn resident_megabytes(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kilobytes: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .expect("VmRSS");
    kilobytes / 1024.0
}
