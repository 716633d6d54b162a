//! The client side of the `csat` binary: `csat surveys`, `submit`, `import`, `export`, `report`,
//! `tail`, `watch` and `health` call a csat server over gRPC (`--server`, `CSAT_SERVER`).
//!
//! One room per concern: `connection` (address, TLS, token, deadlines), `output` (table, JSON
//! Lines in the proto3 JSON mapping, CSV), `failure` (what a failed call says), then one file per
//! command family. Every command's rows go through `output`, so `--output` means the same
//! everywhere.

pub mod connection;
pub mod export;
pub mod failure;
pub mod filter;
pub mod health;
pub mod import;
pub mod output;
pub mod rating_text;
pub mod report;
pub mod submit;
pub mod surveys;

use std::process::ExitCode;

use clap::Subcommand;

pub use connection::ClientOptions;
pub use failure::CliError;

/// The client commands, flattened into the binary's own commands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Creates, shows, lists and archives surveys.
    Surveys(surveys::SurveysArgs),
    /// Submits one rating.
    Submit(submit::SubmitArgs),
    /// Loads ratings from a CSV or JSON Lines file (a help desk's export, mapped with --map).
    Import(import::ImportArgs),
    /// Writes stored ratings as JSON Lines or CSV, resumable with --start-after.
    Export(export::ExportArgs),
    /// Prints a report: CSAT, NPS or CES per group and time bucket.
    Report(report::ReportArgs),
    /// Follows new ratings, one line each (e.g. `csat tail --max-score 2`).
    Tail(export::TailArgs),
    /// Redraws a report each time new ratings change it.
    Watch(report::WatchArgs),
    /// Exits 0 when the server's health service answers SERVING, 1 otherwise (a container check).
    Health(health::HealthArgs),
}

/// Runs a client command, prints what failed on stderr, and returns the exit code.
pub async fn run(command: ClientCommand) -> ExitCode {
    let outcome = match command {
        ClientCommand::Surveys(args) => surveys::run(args).await,
        ClientCommand::Submit(args) => submit::run(args).await,
        ClientCommand::Import(args) => import::run(args).await,
        ClientCommand::Export(args) => export::run_export(args).await,
        ClientCommand::Report(args) => report::run_report(args).await,
        ClientCommand::Tail(args) => export::run_tail(args).await,
        ClientCommand::Watch(args) => report::run_watch(args).await,
        ClientCommand::Health(args) => health::run(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("csat: {failure}");
            failure.exit_code()
        }
    }
}
