//! The `csat` binary: `csat serve` (the default), `csat migrate`, the benchmarks `csat bench
//! ingest`, `csat bench report`, `csat bench stream` and `csat bench customers`, and the client
//! commands of `csat::cli` (`csat surveys`, `submit`, `import`, `export`, `report`, `tail`,
//! `watch`, `health`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use csat::bench::customers::{CustomersBenchConfig, run_customers};
use csat::bench::invitations::{InvitationsBenchConfig, run_invitations};
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
    Serve(Box<Config>),
    /// Applies pending database migrations, then exits.
    Migrate(MigrateConfig),
    /// Measures the service on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Makes API keys and their keys-file entries (`--api-keys-file`).
    #[command(subcommand)]
    Keys(KeysCommand),
    #[command(flatten)]
    Client(Box<csat::cli::ClientCommand>),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Makes a new random key: prints the key (give it to the caller; csat stores only its
    /// hash) and the entry to add to the keys file.
    New(KeyEntryArgs),
    /// Prints the keys-file entry of a key read from standard input (one line).
    Hash(KeyEntryArgs),
}

#[derive(Debug, clap::Args)]
struct KeyEntryArgs {
    /// The principal the key stands for, shown in logs and audit lines.
    #[arg(long, default_value = "NAME")]
    name: String,
    /// The scopes of the key, comma-separated (ratings:write, ratings:read, reports:read,
    /// surveys:write, surveys:read, …, admin).
    #[arg(long, value_delimiter = ',', default_value = "SCOPE")]
    scopes: Vec<String>,
    /// A rate limit for the key, in calls per second.
    #[arg(long)]
    requests_per_second: Option<u32>,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Health/Check, SubmitRating and ImportRatings over loopback against a temporary SQLite file.
    Ingest(IngestBenchConfig),
    /// Reports over 1,000,000 and 10,000,000 seeded ratings, against a plain SQL aggregate.
    Report(ReportBenchConfig),
    /// StreamRatings replay and live delivery, on one replica and across two on PostgreSQL.
    Stream(StreamBenchConfig),
    /// ListCustomers by health and GetCustomer over 1,000,000 customers and 10,000,000 ratings.
    Customers(CustomersBenchConfig),
    /// CreateInvitation with the fatigue check against Health/Check, from many callers.
    Invitations(InvitationsBenchConfig),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve(Box::new(cli.serve))) {
        Command::Serve(config) => match csat::telemetry::init(config.logging.log_format) {
            Ok(telemetry) => {
                let served = serve(*config).await;
                telemetry.shutdown().await;
                served
            }
            Err(cause) => Err(cause),
        },
        Command::Migrate(config) => {
            init_tracing(config.logging.log_format);
            migrate(config.database).await
        }
        Command::Bench(BenchCommand::Ingest(config)) => run_ingest(config).await,
        Command::Bench(BenchCommand::Report(config)) => run_report(config).await,
        Command::Bench(BenchCommand::Stream(config)) => run_stream(config).await,
        Command::Bench(BenchCommand::Customers(config)) => run_customers(config).await,
        Command::Bench(BenchCommand::Invitations(config)) => run_invitations(config).await,
        Command::Keys(command) => return keys(command),
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

fn keys(command: KeysCommand) -> ExitCode {
    let (key, entry, made) = match command {
        KeysCommand::New(entry) => match new_key() {
            Ok(key) => (key, entry, true),
            Err(cause) => {
                eprintln!("csat: no randomness to make a key from: {cause}");
                return ExitCode::FAILURE;
            }
        },
        KeysCommand::Hash(entry) => {
            let mut line = String::new();
            let key = match std::io::stdin().read_line(&mut line) {
                Ok(_) => line.trim().to_owned(),
                Err(cause) => {
                    eprintln!("csat: cannot read the key from standard input: {cause}");
                    return ExitCode::FAILURE;
                }
            };
            if key.is_empty() {
                eprintln!("csat: no key on standard input (e.g. `echo \"$KEY\" | csat keys hash`)");
                return ExitCode::FAILURE;
            }
            (key, entry, false)
        }
    };
    if let Some(unknown) = entry
        .scopes
        .iter()
        .find(|scope| *scope != "SCOPE" && csat::server::auth::keys::Scope::named(scope).is_none())
    {
        eprintln!("csat: unknown scope {unknown:?}");
        return ExitCode::FAILURE;
    }
    if made {
        eprintln!("key (give it to the caller; only its hash is stored):");
        println!("{key}");
        eprintln!("entry for the keys file:");
    }
    println!("  - name: {}", entry.name);
    println!("    sha256: {}", csat::server::auth::keys::sha256_hex(&key));
    println!("    scopes: [{}]", entry.scopes.join(", "));
    if let Some(rate) = entry.requests_per_second {
        println!("    requests_per_second: {rate}");
    }
    ExitCode::SUCCESS
}

/// A new key: 32 random bytes, URL-safe base64, with a prefix that secret scanners can match.
fn new_key() -> Result<String, getrandom::Error> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!(
        "csat_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
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
