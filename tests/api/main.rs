//! Every service over real gRPC (and HTTP/1.1 for gRPC-Web) against a real server on an
//! ephemeral port, on SQLite and PostgreSQL; one test binary, a module per service or concern.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

#[macro_use]
mod common;
mod oracle;
mod raw_grpc;

mod auth;
mod cli;
mod client_docs;
mod customers;
mod erasure;
mod exclusions;
mod follow_ups;
mod full_disk;
mod fuzz;
mod grpc_web;
mod http;
mod invitations;
mod metrics;
mod outage;
mod process;
mod ratings;
mod reasons;
mod replicas;
mod reports;
mod rolling_update;
mod service_config;
mod streams;
mod surveys;
mod tls;
mod traces;
mod validation;
