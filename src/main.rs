//! The `csat` binary: `csat serve` (the default), `csat migrate`, the benchmarks `csat bench
//! ingest`, `csat bench report` and `csat bench stream`, and the client commands of `csat::cli`
//! (`csat surveys`, `submit`, `import`, `export`, `report`, `tail`, `watch`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use csat::bench::report::{ReportBenchConfig, run_report};
use csat::bench::stream::{StreamBenchConfig, run_stream};
use csat::bench::{IngestBenchConfig, run_ingest};
use csat::config::{Config, DatabaseConfig, MigrateConfig, init_tracing};
use csat::server::{Server, shutdown_signal};
use csat::store::Store;
use tracing::{error, info};

/// Collects customer-satisfaction ratings over gRPC and answers CSAT, NPS and CES reports.
#[derive(Debug, Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    serve: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the service (the default when no command is given).
    Serve(Config),
    /// Applies pending database migrations, then exits.
    Migrate(MigrateConfig),
    /// Measures the service on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    #[command(flatten)]
    Client(Box<csat::cli::ClientCommand>),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Health/Check, SubmitRating and ImportRatings over loopback against a temporary SQLite file.
    Ingest(IngestBenchConfig),
    /// Reports over 1,000,000 and 10,000,000 seeded ratings, against a plain SQL aggregate.
    Report(ReportBenchConfig),
    /// StreamRatings replay and live delivery, on one replica and across two on PostgreSQL.
    Stream(StreamBenchConfig),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(config) => {
            init_tracing(config.logging.log_format);
            serve(config).await
        }
        Command::Migrate(config) => {
            init_tracing(config.logging.log_format);
            migrate(config.database).await
        }
        Command::Bench(BenchCommand::Ingest(config)) => run_ingest(config).await,
        Command::Bench(BenchCommand::Report(config)) => run_report(config).await,
        Command::Bench(BenchCommand::Stream(config)) => run_stream(config).await,
        Command::Client(command) => return csat::cli::run(*command).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(cause) => {
            error!(error = %cause, source = ?std::error::Error::source(&cause), "csat failed");
            let mut message = cause.to_string();
            let mut source = std::error::Error::source(&cause);
            while let Some(inner) = source {
                message.push_str(&format!(": {inner}"));
                source = inner.source();
            }
            eprintln!("csat: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> csat::error::Result<()> {
    let server = Server::bind(&config).await?;
    server.run_until_stopped(shutdown_signal()).await
}

async fn migrate(database: DatabaseConfig) -> csat::error::Result<()> {
    let store = Store::connect(&database.database_url).await?;
    store.migrate().await?;
    info!("migrations applied");
    store.close().await;
    Ok(())
}
