//! Every setting: a flag and a `CSAT_*` environment variable (the flag wins), one default each.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

/// The database used when none is configured: an embedded SQLite file under `./data`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/csat.db";

/// Calls at once on one connection, advertised to clients as HTTP/2 MAX_CONCURRENT_STREAMS: the
/// common choice of gRPC servers, and what the HTTP/2 specification asks a server to allow at least.
pub const DEFAULT_MAX_STREAMS_PER_CONNECTION: u32 = 100;
/// Connections open at once, by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 2_000;
/// StreamRatings calls open at once. A stream whose client stopped reading holds about 0.35 MB
/// at most (0.08 to 0.25 MB each measured with 500 of them, BENCHMARKS.md), so the cap bounds
/// that memory near 350 MB.
pub const DEFAULT_MAX_RATING_STREAMS: usize = 1_000;
/// WatchReport calls open at once. Watchers of one query share its computations, so what the cap
/// bounds is mostly memory: each holds its latest report until its client reads it.
pub const DEFAULT_MAX_REPORT_WATCHERS: usize = 200;

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite://path/to/file.db` (created when missing) or
    /// `postgres://user@host:port/database`.
    #[arg(long, env = "CSAT_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// How the process logs; `csat serve` and `csat migrate` alike, so that a migration job's lines
/// reach a log collector in the same format as the service's.
#[derive(Debug, Clone, Args)]
pub struct LoggingConfig {
    /// Log line format; levels come from RUST_LOG (default `info`).
    #[arg(long, env = "CSAT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
}

/// Settings of `csat migrate`.
#[derive(Debug, Clone, Args)]
pub struct MigrateConfig {
    /// Storage.
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Logging.
    #[command(flatten)]
    pub logging: LoggingConfig,
}

/// Settings of `csat serve`.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on for gRPC, gRPC-Web, health and reflection.
    #[arg(long, env = "CSAT_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,

    /// Storage.
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Seconds a shutdown waits for calls in flight (long streams such as health Watch) before it
    /// closes them.
    #[arg(long, env = "CSAT_DRAIN_TIMEOUT_SECONDS", default_value_t = 10)]
    pub drain_timeout_seconds: u64,

    /// Time zones whose local days, weeks and months reports answer from rollups, comma-separated
    /// IANA names. Reports in other zones are exact too, but scan the ratings. Every replica must
    /// be given the same list; a zone added is built from the stored ratings at start.
    #[arg(
        long,
        env = "CSAT_ROLLUP_TIME_ZONES",
        value_delimiter = ',',
        default_value = "UTC"
    )]
    pub rollup_time_zones: Vec<String>,

    /// Web origins whose pages may call over gRPC-Web (CORS), comma-separated, such as
    /// `https://dashboard.example.com`; `*` lets any page call. None by default: a page of
    /// another origin is refused by the browser, which keeps any web page a colleague opens from
    /// calling an unauthenticated internal service on their behalf.
    #[arg(long, env = "CSAT_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// Connections open at once; past that, new ones wait in the listen backlog until one closes.
    #[arg(long, env = "CSAT_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Calls at once on one connection (HTTP/2 MAX_CONCURRENT_STREAMS); a client's further calls
    /// wait for one to end.
    #[arg(long, env = "CSAT_MAX_STREAMS_PER_CONNECTION", default_value_t = DEFAULT_MAX_STREAMS_PER_CONNECTION)]
    pub max_streams_per_connection: u32,

    /// StreamRatings calls open at once in this process, with or without follow; one more is
    /// refused with RESOURCE_EXHAUSTED (reason TOO_MANY_RATING_STREAMS).
    #[arg(long, env = "CSAT_MAX_RATING_STREAMS", default_value_t = DEFAULT_MAX_RATING_STREAMS)]
    pub max_rating_streams: usize,

    /// WatchReport calls open at once in this process; one more is refused with
    /// RESOURCE_EXHAUSTED (reason TOO_MANY_REPORT_WATCHERS).
    #[arg(long, env = "CSAT_MAX_REPORT_WATCHERS", default_value_t = DEFAULT_MAX_REPORT_WATCHERS)]
    pub max_report_watchers: usize,

    /// Logging.
    #[command(flatten)]
    pub logging: LoggingConfig,
}

impl Config {
    /// Returns the settings for a server on `listen` over `database_url`, logging as text.
    pub fn new(listen: SocketAddr, database_url: impl Into<String>) -> Config {
        Config {
            listen,
            database: DatabaseConfig {
                database_url: database_url.into(),
            },
            drain_timeout_seconds: 10,
            rollup_time_zones: vec!["UTC".into()],
            cors_allowed_origins: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_streams_per_connection: DEFAULT_MAX_STREAMS_PER_CONNECTION,
            max_rating_streams: DEFAULT_MAX_RATING_STREAMS,
            max_report_watchers: DEFAULT_MAX_REPORT_WATCHERS,
            logging: LoggingConfig {
                log_format: LogFormat::Pretty,
            },
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the global tracing subscriber for `format`; RUST_LOG sets levels (default `info`).
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second installation (tests, benchmarks) keeps the first one; nothing to report.
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
