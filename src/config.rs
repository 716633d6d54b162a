//! Every setting: a flag and a `CSAT_*` environment variable (the flag wins), one default each;
//! rollup zones and CORS origins are checked as clap reads them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tonic::codegen::http::HeaderValue;
use tonic::codegen::http::uri::Authority;

use crate::store::rollups::RollupZone;

/// The database used when none is configured: an embedded SQLite file under `./data`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/csat.db";

/// Largest message a call may send, by default: gRPC's customary 4 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// Seconds a shutdown waits for calls in flight, by default.
pub const DEFAULT_DRAIN_TIMEOUT_SECONDS: u64 = 10;
/// The zones reports answer from rollups, by default.
pub const DEFAULT_ROLLUP_TIME_ZONES: [&str; 1] = ["UTC"];

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
    #[arg(long, env = "CSAT_LOG_FORMAT", value_enum, default_value_t)]
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
    #[arg(long, env = "CSAT_DRAIN_TIMEOUT_SECONDS", default_value_t = DEFAULT_DRAIN_TIMEOUT_SECONDS)]
    pub drain_timeout_seconds: u64,

    /// Time zones whose local days, weeks and months reports answer from rollups, comma-separated
    /// IANA names. Reports in other zones are exact too, but scan the ratings. Every replica must
    /// be given the same list; a zone added is built from the stored ratings at start.
    #[arg(
        long,
        env = "CSAT_ROLLUP_TIME_ZONES",
        value_delimiter = ',',
        default_values = DEFAULT_ROLLUP_TIME_ZONES,
        value_parser = rollup_zone
    )]
    pub rollup_time_zones: Vec<RollupZone>,

    /// Web origins whose pages may call over gRPC-Web (CORS), comma-separated, such as
    /// `https://dashboard.example.com`; `*` lets any page call. None by default: a page of
    /// another origin is refused by the browser, which keeps any web page a colleague opens from
    /// calling an unauthenticated internal service on their behalf.
    #[arg(
        long,
        env = "CSAT_CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        value_parser = cors_origin
    )]
    pub cors_allowed_origins: Vec<CorsOrigin>,

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

    /// The keys file (YAML: each key's name, SHA-256 and scopes; `csat keys new` makes an
    /// entry). With it, every call but health and reflection needs a key; the file is re-read
    /// when it changes.
    #[arg(long, env = "CSAT_API_KEYS_FILE")]
    pub api_keys_file: Option<PathBuf>,

    /// Lets any caller do anything when no keys file is given, on any address. Without it, csat
    /// with no keys refuses to listen beyond loopback.
    #[arg(long, env = "CSAT_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,

    /// Largest message a call may send, in bytes (a request, or one message of a stream); a
    /// larger one is refused with OUT_OF_RANGE (tonic's answer), and over HTTP/JSON a body over
    /// four times this with RESOURCE_EXHAUSTED.
    #[arg(long, env = "CSAT_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,

    /// Serves gRPC reflection (v1 and v1alpha), so that grpcurl and Postman need no proto
    /// files; `--reflection=false` for deployments that publish the protos instead.
    #[arg(long, env = "CSAT_REFLECTION", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub reflection: bool,

    /// PEM file of the server's certificate chain: the port then serves TLS only (gRPC, gRPC-Web
    /// and HTTP/JSON alike). Read again when it changes, as cert-manager rotates it.
    #[arg(long, env = "CSAT_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM file of the private key of --tls-cert, read again with it.
    #[arg(long, env = "CSAT_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// PEM bundle of the CAs whose client certificates are required (mTLS): a client without
    /// one is refused at the handshake, and its URI SAN (a SPIFFE id), else DNS SAN, else CN is
    /// the principal the keys file's `clients` name.
    #[arg(
        long,
        env = "CSAT_TLS_CLIENT_CA",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_client_ca: Option<PathBuf>,
    /// Address and port to serve Prometheus metrics on, at `/metrics` (plain HTTP), such as
    /// `0.0.0.0:9090`; none by default. A listener of its own, so that scrapes need no API key
    /// and the metrics port can be opened to Prometheus alone.
    #[arg(long, env = "CSAT_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Days a rating's comment is kept: older ones (by occur_time) are erased, with their
    /// follow-ups' copies, by a sweep every hour. Kept for good by default.
    #[arg(long, env = "CSAT_COMMENT_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub comment_retention_days: Option<u32>,

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
            drain_timeout_seconds: DEFAULT_DRAIN_TIMEOUT_SECONDS,
            rollup_time_zones: DEFAULT_ROLLUP_TIME_ZONES
                .iter()
                .map(|name| rollup_zone(name).expect("the default zones are IANA names"))
                .collect(),
            cors_allowed_origins: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_streams_per_connection: DEFAULT_MAX_STREAMS_PER_CONNECTION,
            max_rating_streams: DEFAULT_MAX_RATING_STREAMS,
            max_report_watchers: DEFAULT_MAX_REPORT_WATCHERS,
            api_keys_file: None,
            allow_unauthenticated: false,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            reflection: true,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            metrics_listen: None,
            comment_retention_days: None,
            logging: LoggingConfig {
                log_format: LogFormat::default(),
            },
        }
    }
}

/// Returns the zone one entry of `--rollup-time-zones` names (spaces around it ignored), or why
/// it names none.
pub fn rollup_zone(entry: &str) -> Result<RollupZone, String> {
    RollupZone::parse(entry.trim()).ok_or_else(|| "not an IANA time zone".to_string())
}

/// What one entry of `--cors-allowed-origins` lets call over gRPC-Web.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigin {
    /// Nothing: an empty entry, such as a deployment template's `CSAT_CORS_ALLOWED_ORIGINS=""`.
    Nothing,
    /// Pages of any origin (`*`).
    Any,
    /// Pages of this origin, as the header value a browser sends for it.
    Listed(HeaderValue),
}

/// Returns what one entry of `--cors-allowed-origins` allows (spaces around it ignored), or why
/// it is refused: a listed origin no browser sends would refuse every call without a word.
pub fn cors_origin(entry: &str) -> Result<CorsOrigin, String> {
    match entry.trim() {
        "" => Ok(CorsOrigin::Nothing),
        "*" => Ok(CorsOrigin::Any),
        origin => origin_header(origin)
            .map(CorsOrigin::Listed)
            .ok_or_else(|| {
                "not an origin a browser sends: http:// or https://, a host (no wildcard; \
                 international names in punycode) and a port if not the scheme's default, \
                 without a path; or * alone for any origin"
                    .to_string()
            }),
    }
}

/// `origin` as the header value a browser sends for it (scheme and host in lower case, no default
/// port), or `None` if a browser never sends it (a path, a wildcard, another scheme).
fn origin_header(origin: &str) -> Option<HeaderValue> {
    let lowered = origin.to_ascii_lowercase();
    let (scheme, authority) = lowered.split_once("://")?;
    let default_port = match scheme {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    if !authority.is_ascii() || authority.contains(['*', '@']) {
        return None;
    }
    // Refuses a path, a query and an empty host; a port must be 1 to 65535 as browsers write it.
    let parsed: Authority = authority.parse().ok()?;
    if parsed.host().is_empty() {
        return None;
    }
    let port = match authority.strip_prefix(parsed.host())? {
        "" => None,
        with_colon => {
            let digits = with_colon.strip_prefix(':')?;
            if digits.starts_with('0') {
                return None;
            }
            Some(digits.parse::<u16>().ok()?)
        }
    };
    let origin = match port {
        Some(port) if port != default_port => format!("{scheme}://{}:{port}", parsed.host()),
        _ => format!("{scheme}://{}", parsed.host()),
    };
    HeaderValue::from_str(&origin).ok()
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
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

#[cfg(test)]
mod tests {
    use clap::{Command, FromArgMatches};

    use super::*;

    /// Parses `csat serve` flags as the binary does, without the `CSAT_*` variables of the
    /// environment the tests run in.
    fn parse(flags: &[&str]) -> std::result::Result<Config, clap::Error> {
        let command = Config::augment_args(Command::new("csat")).mut_args(|arg| arg.env(None));
        let matches =
            command.try_get_matches_from(std::iter::once("csat").chain(flags.iter().copied()))?;
        Config::from_arg_matches(&matches)
    }

    #[test]
    fn config_new_has_the_defaults_of_the_flags() {
        let parsed = parse(&[]).unwrap();

        let built = Config::new(parsed.listen, parsed.database.database_url.clone());

        assert_eq!(format!("{built:?}"), format!("{parsed:?}"));
    }

    #[test]
    fn a_bad_entry_stops_the_parse_naming_its_flag_and_the_reason() {
        for (flag, entries, reason) in [
            (
                "--rollup-time-zones",
                "UTC,Mars/Base",
                "not an IANA time zone",
            ),
            (
                "--cors-allowed-origins",
                "https://ok.example,https://bad.example/",
                "not an origin a browser sends",
            ),
        ] {
            let refused = parse(&[flag, entries]).unwrap_err();

            assert_eq!(refused.kind(), clap::error::ErrorKind::ValueValidation);
            let message = refused.to_string();
            assert!(
                message.contains(flag) && message.contains(reason),
                "{message}"
            );
        }
    }

    #[test]
    fn reflection_is_on_unless_turned_off() {
        assert!(parse(&[]).unwrap().reflection);
        assert!(parse(&["--reflection"]).unwrap().reflection);
        assert!(!parse(&["--reflection=false"]).unwrap().reflection);
        assert!(parse(&["--reflection=maybe"]).is_err());
    }

    #[test]
    fn good_entries_are_kept_as_parsed() {
        let parsed = parse(&[
            "--rollup-time-zones",
            "UTC, Asia/Tokyo",
            "--cors-allowed-origins",
            "https://Dashboard.example.com,,*",
        ])
        .unwrap();

        let zones: Vec<&str> = parsed
            .rollup_time_zones
            .iter()
            .map(|zone| zone.name.as_ref())
            .collect();
        assert_eq!(zones, ["UTC", "Asia/Tokyo"]);
        assert_eq!(
            parsed.cors_allowed_origins,
            [
                CorsOrigin::Listed(HeaderValue::from_static("https://dashboard.example.com")),
                CorsOrigin::Nothing,
                CorsOrigin::Any
            ]
        );
    }

    #[test]
    fn a_zone_entry_is_an_iana_name_with_spaces_around_it_ignored() {
        assert_eq!(
            rollup_zone(" Asia/Tokyo ").unwrap().name.as_ref(),
            "Asia/Tokyo"
        );
        assert_eq!(
            rollup_zone("Mars/Base").unwrap_err(),
            "not an IANA time zone"
        );
        assert!(rollup_zone("").is_err());
    }

    #[test]
    fn a_cors_entry_is_nothing_any_origin_or_one_origin() {
        assert_eq!(cors_origin(" "), Ok(CorsOrigin::Nothing));
        assert_eq!(cors_origin(" * "), Ok(CorsOrigin::Any));
        assert_eq!(
            cors_origin(" HTTPS://Dashboard.Example.com:443 "),
            Ok(CorsOrigin::Listed(HeaderValue::from_static(
                "https://dashboard.example.com"
            )))
        );
        assert!(cors_origin("https://*.example.com").is_err());
    }

    #[test]
    fn an_origin_is_a_scheme_and_a_host_as_a_browser_sends_it() {
        for (listed, sent) in [
            (
                "https://dashboard.example.com",
                "https://dashboard.example.com",
            ),
            ("http://localhost:5173", "http://localhost:5173"),
            ("https://[::1]:8443", "https://[::1]:8443"),
            (
                "HTTPS://Dashboard.Example.com",
                "https://dashboard.example.com",
            ),
            (
                "https://dashboard.example.com:443",
                "https://dashboard.example.com",
            ),
            ("http://localhost:80", "http://localhost"),
            ("http://localhost:443", "http://localhost:443"),
        ] {
            assert_eq!(
                origin_header(listed).map(|value| value.to_str().unwrap().to_string()),
                Some(sent.to_string()),
                "{listed}"
            );
        }
        for not_origin in [
            "https://dashboard.example.com/",
            "https://dashboard.example.com/app",
            "https://*.example.com",
            "https://user@dashboard.example.com",
            "dashboard.example.com",
            "ftp://dashboard.example.com",
            "https://",
            "https://:443",
            "https://:8443",
            "https://host:",
            "https://host:0443",
            "https://host:99999",
            "https://host:abc",
            "https://host?x",
            "https://host#x",
            "https://a b",
            "https://tableau-de-bord.exemple.fr\u{e9}",
            "",
        ] {
            assert!(origin_header(not_origin).is_none(), "{not_origin}");
        }
    }
}
