//! csat: a gRPC service that collects customer-satisfaction ratings. The module list is the
//! architecture (README.md's "Architecture" says the same): data flows api -> domain ->
//! ingest/store -> feed, and no module imports one that imports it back.
//!
//! - `config`: every setting, parsed by clap into typed values.
//! - `server`: tonic in phases: start, wire, serve, stop.
//! - `api`: one file per service: proto -> domain -> proto; `error::Error` -> status in one place.
//! - `domain`: pure rules (no tonic, no sea-orm): surveys, ratings, filters, validation, reports,
//!   metrics, time buckets, benchmarks, what the writer decides for each rating, customer health.
//! - `error`: the one error type and its classification of database faults.
//! - `telemetry`: traces over OTLP when an endpoint is configured (the spans of the call, the
//!   writer's commit and the fsync), nothing at all otherwise.
//! - `ingest`: the writer task (group commit) and its sync thread: fsync, answer, publish.
//! - `store`: entities, migrations, queries, rollups, customer summaries, the counter row, the SQL
//!   of a commit.
//! - `feed`: every replica's commits, in order, fanned out to streams and watchers.
//! - `reports`: the report engine: rollups in memory or a scan, then metrics.
//! - `monitoring`: what csat measures of itself for Prometheus (names, HELP, buckets, the
//!   recorder); any module records through the `metrics` facade.
//! - `bench`: `csat bench ingest`, `report`, `stream` and `customers`.
//! - `cli`: the client commands of the same binary (`csat surveys`, `import`, `report`, `tail`…),
//!   which call a server over gRPC like any other client.
//!
//! With `default-features = false, features = ["client"]`, only what a caller needs is built:
//! `pb` (the generated messages and clients, also named `proto`), `codec`, and `client` (error
//! details decoded), without the server's dependencies.

#![warn(missing_docs)]

/// Code generated from `proto/csat/v1` (package `csat.v1`).
#[allow(missing_docs, clippy::all)]
pub mod pb {
    tonic::include_proto!("csat.v1");
}
/// The generated clients and messages, under the name a client program expects:
/// `csat::proto::rating_service_client::RatingServiceClient`.
pub use pb as proto;

pub mod client;
pub mod codec;

#[cfg(feature = "server")]
pub mod api;
#[cfg(feature = "server")]
pub mod bench;
#[cfg(feature = "server")]
pub mod cli;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod domain;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod feed;
#[cfg(feature = "server")]
pub mod ingest;
/// CreateInvitation's group commit.
#[cfg(feature = "server")]
pub mod invitations;
#[cfg(feature = "server")]
pub mod monitoring;
#[cfg(feature = "server")]
pub mod reports;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod telemetry;
