//! What csat measures of itself, for Prometheus: the name, type and description of every metric
//! it exports (so that `/metrics` carries HELP lines, and the Grafana dashboard in `deploy/` has a
//! list to be checked against), the buckets of its histograms, and the recorder of the process.
//! Any module records through the `metrics` facade with these names; without `--metrics-listen`
//! no recorder is installed and recording does next to nothing.
//!
//! The gRPC names and labels are those of grpc-go's go-grpc-prometheus, which existing dashboards
//! and alerts already query. No label takes values that grow with the data (no survey, customer
//! or key ids): every label value is one of a fixed few.

use std::sync::Mutex;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::{Error, Result};

/// Calls started, by `grpc_service`, `grpc_method`, `grpc_type`.
pub const GRPC_STARTED: &str = "grpc_server_started_total";
/// Calls finished, by the labels of [`GRPC_STARTED`] and `grpc_code`.
pub const GRPC_HANDLED: &str = "grpc_server_handled_total";
/// Seconds from a call's start to its status, by the labels of [`GRPC_STARTED`].
pub const GRPC_HANDLING_SECONDS: &str = "grpc_server_handling_seconds";
/// Messages received, by the labels of [`GRPC_STARTED`].
pub const GRPC_MSG_RECEIVED: &str = "grpc_server_msg_received_total";
/// Messages sent, by the labels of [`GRPC_STARTED`].
pub const GRPC_MSG_SENT: &str = "grpc_server_msg_sent_total";
/// Ratings answered by the writer, by `outcome` ([`OUTCOMES`]).
pub const RATINGS: &str = "csat_ratings_total";
/// Ratings per writer commit.
pub const WRITER_BATCH_RATINGS: &str = "csat_writer_batch_ratings";
/// Seconds per writer commit.
pub const WRITER_COMMIT_SECONDS: &str = "csat_writer_commit_seconds";
/// Seconds per fsync of SQLite's WAL by the sync thread.
pub const FSYNC_SECONDS: &str = "csat_fsync_seconds";
/// Sequences stored and not yet published by the feed.
pub const FEED_LAG_SEQUENCES: &str = "csat_feed_lag_sequences";
/// StreamRatings calls open.
pub const OPEN_RATING_STREAMS: &str = "csat_open_rating_streams";
/// WatchReport calls open.
pub const OPEN_REPORT_WATCHERS: &str = "csat_open_report_watchers";
/// Day cells of the rollups held in memory.
pub const ROLLUP_CELLS: &str = "csat_rollup_cells";
/// Database connections taken from the pools.
pub const DATABASE_CONNECTIONS_IN_USE: &str = "csat_database_connections_in_use";
/// Calls refused by the access layer, by `reason` ([`AUTH_REFUSAL_REASONS`]).
pub const AUTH_REFUSALS: &str = "csat_auth_refusals_total";
/// 1, with the `version` of the binary.
pub const BUILD_INFO: &str = "csat_build_info";

/// The values of `outcome` in [`RATINGS`].
pub const OUTCOMES: [&str; 3] = ["accepted", "duplicate", "refused"];
/// The values of `reason` in [`AUTH_REFUSALS`], as the access layer records them.
pub const AUTH_REFUSAL_REASONS: [&str; 3] = ["API_KEY_INVALID", "SCOPE_MISSING", "RATE_LIMITED"];

/// How Prometheus types a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Only goes up (restarts at 0 with the process).
    Counter,
    /// A value now.
    Gauge,
    /// Observations counted into buckets, rendered as `_bucket`, `_sum` and `_count`.
    Histogram(&'static [f64]),
}

/// One metric csat exports.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Its name on `/metrics`.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its HELP line.
    pub help: &'static str,
}

/// Call latencies: grpc-go's default buckets (5 ms to 10 s), so that dashboards written for them
/// still find their bounds, with finer ones below: a SubmitRating takes about a millisecond.
const CALL_SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Ratings per commit, up to the writer's cap of 4,096.
const BATCH_RATINGS_BUCKETS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0,
];
/// A commit takes from about 100 µs (a few ratings on SQLite) to tens of milliseconds (4,096 on
/// PostgreSQL over a network).
const COMMIT_SECONDS_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// One fsync of the WAL takes about 140 µs on a local SSD, much more on network storage.
const FSYNC_SECONDS_BUCKETS: &[f64] = &[
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// Every metric csat exports, with its HELP line.
pub const METRICS: &[Metric] = &[
    Metric {
        name: GRPC_STARTED,
        kind: Kind::Counter,
        help: "Total number of RPCs started on the server (gRPC, gRPC-Web and HTTP/JSON alike).",
    },
    Metric {
        name: GRPC_HANDLED,
        kind: Kind::Counter,
        help: "Total number of RPCs completed on the server, regardless of success or failure.",
    },
    Metric {
        name: GRPC_HANDLING_SECONDS,
        kind: Kind::Histogram(CALL_SECONDS_BUCKETS),
        help: "Histogram of response latency (seconds) of gRPC that had been application-level \
               handled by the server, up to the last message of a stream.",
    },
    Metric {
        name: GRPC_MSG_RECEIVED,
        kind: Kind::Counter,
        help: "Total number of RPC stream messages received on the server.",
    },
    Metric {
        name: GRPC_MSG_SENT,
        kind: Kind::Counter,
        help: "Total number of gRPC stream messages sent by the server.",
    },
    Metric {
        name: RATINGS,
        kind: Kind::Counter,
        help: "Ratings the writer answered, by outcome: accepted (newly stored), duplicate \
               (stored before with the same content) or refused (unknown or archived survey, \
               score off the scale, key stored with other content, or rolled back with its \
               all-or-nothing batch).",
    },
    Metric {
        name: WRITER_BATCH_RATINGS,
        kind: Kind::Histogram(BATCH_RATINGS_BUCKETS),
        help: "Ratings per transaction the writer commits (group commit; at most 4096).",
    },
    Metric {
        name: WRITER_COMMIT_SECONDS,
        kind: Kind::Histogram(COMMIT_SECONDS_BUCKETS),
        help: "Seconds the writer takes to commit one transaction of ratings, before its fsync.",
    },
    Metric {
        name: FSYNC_SECONDS,
        kind: Kind::Histogram(FSYNC_SECONDS_BUCKETS),
        help: "Seconds per fsync of SQLite's WAL file by the sync thread, which makes commits \
               durable before any caller is answered (none on PostgreSQL, durable at commit).",
    },
    Metric {
        name: FEED_LAG_SEQUENCES,
        kind: Kind::Gauge,
        help: "Rating sequences stored (by any replica) that this process's feed has not yet \
               published to its streams, watchers and rollups in memory.",
    },
    Metric {
        name: OPEN_RATING_STREAMS,
        kind: Kind::Gauge,
        help: "StreamRatings calls open in this process (capped by --max-rating-streams).",
    },
    Metric {
        name: OPEN_REPORT_WATCHERS,
        kind: Kind::Gauge,
        help: "WatchReport calls open in this process (capped by --max-report-watchers).",
    },
    Metric {
        name: ROLLUP_CELLS,
        kind: Kind::Gauge,
        help: "Day cells of the rollups held in memory (one day of one series in one zone, \
               11 score counts each, allocated 64 days at a time).",
    },
    Metric {
        name: DATABASE_CONNECTIONS_IN_USE,
        kind: Kind::Gauge,
        help: "Database connections taken from the pools (readers and writer) when scraped.",
    },
    Metric {
        name: AUTH_REFUSALS,
        kind: Kind::Counter,
        help: "Calls refused by the access layer, by reason: API_KEY_INVALID \
               (UNAUTHENTICATED), SCOPE_MISSING (PERMISSION_DENIED), RATE_LIMITED \
               (RESOURCE_EXHAUSTED).",
    },
    Metric {
        name: BUILD_INFO,
        kind: Kind::Gauge,
        help: "Always 1, labelled with the version of the csat binary.",
    },
];

/// How often recorded histogram samples are moved into their buckets when nobody scrapes: they
/// wait in a list until then, which at 20,000 calls a second would otherwise grow without bound.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static RECORDER: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Installs the process's Prometheus recorder (once: later calls return the same handle), with
/// every metric described and the fixed series created at 0, so that a dashboard shows a rate of
/// 0 rather than no data before the first event. Fails if another recorder was installed first.
pub fn install() -> Result<PrometheusHandle> {
    // Servers of one process (tests) may start together: one installs, the others wait for it.
    let mut installed = RECORDER
        .lock()
        .map_err(|_| Error::internal("the metrics recorder's lock is poisoned"))?;
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let mut builder = PrometheusBuilder::new();
    for metric in METRICS {
        if let Kind::Histogram(buckets) = metric.kind {
            builder = builder
                .set_buckets_for_metric(Matcher::Full(metric.name.to_string()), buckets)
                .map_err(Error::internal)?;
        }
    }
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|_| Error::internal("another metrics recorder was installed in this process"))?;
    describe_and_create();
    let upkeep = handle.clone();
    std::thread::Builder::new()
        .name("csat-metrics".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                upkeep.run_upkeep();
            }
        })
        .map_err(Error::internal)?;
    *installed = Some(handle.clone());
    Ok(handle)
}

fn describe_and_create() {
    for metric in METRICS {
        match metric.kind {
            Kind::Counter => metrics::describe_counter!(metric.name, metric.help),
            Kind::Gauge => metrics::describe_gauge!(metric.name, metric.help),
            Kind::Histogram(_) => metrics::describe_histogram!(metric.name, metric.help),
        }
    }
    for outcome in OUTCOMES {
        metrics::counter!(RATINGS, "outcome" => outcome).absolute(0);
    }
    for reason in AUTH_REFUSAL_REASONS {
        metrics::counter!(AUTH_REFUSALS, "reason" => reason).absolute(0);
    }
    for histogram in [WRITER_BATCH_RATINGS, WRITER_COMMIT_SECONDS, FSYNC_SECONDS] {
        let _registered = metrics::histogram!(histogram);
    }
    for gauge in [
        FEED_LAG_SEQUENCES,
        OPEN_RATING_STREAMS,
        OPEN_REPORT_WATCHERS,
        ROLLUP_CELLS,
        DATABASE_CONNECTIONS_IN_USE,
    ] {
        metrics::gauge!(gauge).increment(0.0);
    }
    metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_a_prometheus_name_exported_once() {
        let mut names: Vec<&str> = METRICS.iter().map(|metric| metric.name).collect();
        names.sort_unstable();
        names.dedup();

        assert_eq!(names.len(), METRICS.len(), "a name is listed twice");
        for metric in METRICS {
            let prefixed =
                metric.name.starts_with("grpc_server_") || metric.name.starts_with("csat_");
            let legal = metric
                .name
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
            assert!(prefixed && legal, "{}", metric.name);
            assert_eq!(
                metric.name.ends_with("_total"),
                metric.kind == Kind::Counter,
                "counters, and only they, end in _total: {}",
                metric.name
            );
        }
    }

    #[test]
    fn histogram_buckets_increase() {
        for metric in METRICS {
            if let Kind::Histogram(buckets) = metric.kind {
                assert!(
                    buckets.windows(2).all(|pair| pair[0] < pair[1]),
                    "{}",
                    metric.name
                );
            }
        }
    }
}
