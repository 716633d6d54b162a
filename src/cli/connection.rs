//! Where the client commands connect and how: the server's address, TLS for `https://`, the bearer
//! token, the deadline of a unary call, and the output format every command shares.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::health_client::HealthClient;

use super::failure::{CliError, CliResult};
use super::output::OutputFormat;
use crate::pb::rating_service_client::RatingServiceClient;
use crate::pb::report_service_client::ReportServiceClient;
use crate::pb::survey_service_client::SurveyServiceClient;

/// Options every client command takes, before or after its subcommand.
#[derive(Debug, Clone, Args)]
pub struct ClientOptions {
    /// The csat server: http://HOST:PORT, or https://HOST:PORT for TLS.
    #[arg(
        long,
        env = "CSAT_SERVER",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    pub server: String,
    /// Sent as `authorization: Bearer TOKEN` with every call.
    #[arg(long, env = "CSAT_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// PEM file of the certificate authority that signed an https:// server's certificate
    /// (default: the public web's roots).
    #[arg(long, value_name = "FILE", global = true)]
    pub ca_cert: Option<PathBuf>,
    /// PEM file of this client's certificate, for a server that asks for one (with --client-key).
    #[arg(long, value_name = "FILE", global = true, requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// PEM file of the private key of --client-cert.
    #[arg(long, value_name = "FILE", global = true, requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Seconds a unary call may take before it fails with DEADLINE_EXCEEDED.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, global = true)]
    pub timeout: f64,
    /// How results are printed: a table, JSON Lines (one proto3 JSON object a line) or CSV.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table, global = true)]
    pub output: OutputFormat,
}

/// The gRPC transport of the client commands: a channel that adds the credentials to each call.
pub type Transport = InterceptedService<Channel, Credentials>;

/// Adds `authorization: Bearer …` to every call when a token was given.
#[derive(Debug, Clone)]
pub struct Credentials {
    authorization: Option<MetadataValue<Ascii>>,
}

impl Interceptor for Credentials {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(authorization) = &self.authorization {
            request
                .metadata_mut()
                .insert("authorization", authorization.clone());
        }
        Ok(request)
    }
}

/// A connection to a csat server, with its credentials and the deadline of unary calls.
#[derive(Debug, Clone)]
pub struct Connection {
    channel: Channel,
    credentials: Credentials,
    timeout: Duration,
}

impl Connection {
    /// Connects to the server of `options`, failing early with the reason when it cannot.
    pub async fn open(options: &ClientOptions) -> CliResult<Connection> {
        // `host:port`, as the other clients take it, means plaintext HTTP/2.
        let server = if options.server.contains("://") {
            options.server.clone()
        } else {
            format!("http://{}", options.server)
        };
        let failed = |cause: String| CliError::Connect {
            server: server.clone(),
            cause,
        };
        let mut endpoint = Endpoint::from_shared(server.clone())
            .map_err(|_| failed("not a URL such as http://127.0.0.1:50051".into()))?
            .connect_timeout(Duration::from_secs(10))
            .tcp_nodelay(true);
        if server.starts_with("https://") {
            endpoint = endpoint
                .tls_config(tls_config(options)?)
                .map_err(|cause| failed(error_chain(&cause)))?;
        } else if options.ca_cert.is_some() || options.client_cert.is_some() {
            return Err(CliError::Usage(format!(
                "--ca-cert and --client-cert need an https:// server, not {}",
                options.server
            )));
        }
        let channel = endpoint.connect().await.map_err(|cause| {
            failed(format!(
                "{}; is csat running there? (--server or CSAT_SERVER; https:// for TLS)",
                error_chain(&cause)
            ))
        })?;
        Connection::over(channel, options.token.as_deref(), options.timeout)
    }

    /// Returns a connection over an open `channel`, sending `token` if given.
    pub fn over(
        channel: Channel,
        token: Option<&str>,
        timeout_seconds: f64,
    ) -> CliResult<Connection> {
        let authorization = token
            .map(|token| {
                MetadataValue::try_from(format!("Bearer {token}"))
                    .map_err(|_| CliError::Usage("--token holds characters a header cannot".into()))
            })
            .transpose()?;
        let timeout = Duration::try_from_secs_f64(timeout_seconds)
            .ok()
            .filter(|timeout| !timeout.is_zero())
            .ok_or_else(|| {
                CliError::Usage("--timeout must be a positive number of seconds".into())
            })?;
        Ok(Connection {
            channel,
            credentials: Credentials { authorization },
            timeout,
        })
    }

    /// Returns a SurveyService client.
    pub fn surveys(&self) -> SurveyServiceClient<Transport> {
        SurveyServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// Returns a RatingService client.
    pub fn ratings(&self) -> RatingServiceClient<Transport> {
        RatingServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// Returns a ReportService client.
    pub fn reports(&self) -> ReportServiceClient<Transport> {
        ReportServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// Returns a client of the gRPC health service.
    pub fn health(&self) -> HealthClient<Transport> {
        HealthClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// Returns the request of a unary call, with the deadline of --timeout.
    pub fn unary<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.timeout);
        request
    }
}

fn tls_config(options: &ClientOptions) -> CliResult<ClientTlsConfig> {
    let mut config = ClientTlsConfig::new();
    config = match &options.ca_cert {
        Some(path) => config.ca_certificate(Certificate::from_pem(read_pem(path)?)),
        None => config.with_webpki_roots(),
    };
    if let (Some(certificate), Some(key)) = (&options.client_cert, &options.client_key) {
        config = config.identity(Identity::from_pem(read_pem(certificate)?, read_pem(key)?));
    }
    Ok(config)
}

fn read_pem(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|cause| CliError::File {
        path: path.display().to_string(),
        cause,
    })
}

/// Returns `error` and its causes on one line: tonic's transport errors say little at the top.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        // Transport errors repeat their source's text in their own.
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(&format!(": {inner_text}"));
        }
        source = inner.source();
    }
    text
}
