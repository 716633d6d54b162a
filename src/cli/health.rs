//! `csat health`: asks a server's gRPC health service whether it serves, for container health
//! checks (the image has no grpcurl or grpc_health_probe) and for scripts that wait for a server.

use clap::Args;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::output::{OutputFormat, Rows, print_line};

/// `csat health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    #[command(flatten)]
    client: ClientOptions,
    /// The service asked about: "" (the default) is the whole server; csat also answers for
    /// `csat.v1.SurveyService`, `csat.v1.RatingService`, `csat.v1.ReportService`,
    /// `csat.v1.BenchmarkService`, `csat.v1.FollowUpService`, `csat.v1.CustomerService` and
    /// `csat.v1.InvitationService`.
    #[arg(long, default_value = "")]
    service: String,
}

/// Runs `csat health`: succeeds only when the server answers SERVING for the service; any other
/// answer, or none, is a failure with exit code 1, which Docker's HEALTHCHECK reads as unhealthy.
pub async fn run(args: HealthArgs) -> CliResult<()> {
    let connection = Connection::open(&args.client).await?;
    let request = HealthCheckRequest {
        service: args.service.clone(),
    };
    let response = connection
        .health()
        .check(connection.unary(request))
        .await
        .map_err(|status| CliError::call("grpc.health.v1.Health/Check", status))?
        .into_inner();
    let status_name = ServingStatus::try_from(response.status)
        .map(|status| status.as_str_name().to_string())
        .unwrap_or_else(|_| format!("status {}", response.status));
    if response.status != ServingStatus::Serving as i32 {
        return Err(CliError::Unhealthy(format!(
            "service {:?} at {} is {status_name}",
            args.service, args.client.server
        )));
    }
    match args.client.output {
        // The proto3 JSON mapping of grpc.health.v1.HealthCheckResponse.
        OutputFormat::Json => print_line(
            &mut std::io::stdout().lock(),
            &serde_json::json!({ "status": status_name }).to_string(),
        ),
        format => {
            let mut rows = Rows::new(&["service", "status"]);
            rows.rows.push(vec![args.service, status_name]);
            rows.print(format)
        }
    }
}
