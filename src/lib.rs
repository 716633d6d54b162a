//! csat: a gRPC service that collects customer-satisfaction ratings. The module list is the
//! architecture: data flows api -> domain -> ingest/store -> feed. Ingest has the store commit and
//! hands the commits to the feed; no module imports one that imports it back.

#![warn(missing_docs)]

/// Code generated from `proto/csat/v1` (package `csat.v1`).
#[allow(missing_docs, clippy::all)]
pub mod pb {
    tonic::include_proto!("csat.v1");
}

pub mod api;
pub mod bench;
pub mod config;
pub mod domain;
pub mod error;
pub mod feed;
pub mod ingest;
pub mod reports;
pub mod server;
pub mod store;
