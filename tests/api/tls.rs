//! TLS and mTLS on the one port: gRPC, gRPC-Web and HTTP/JSON over TLS, the CLI, certificates
//! rotated on disk without a restart (as a Kubernetes Secret volume swaps them), client
//! certificates required with `--tls-client-ca`, and a TLS client on a plaintext port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use csat::config::Config;
use csat::pb;
use csat::pb::survey_service_client::SurveyServiceClient;
use csat::server::Server;
use hyper_util::rt::TokioIo;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, SanType,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto::ring};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::common::{
    Backend, TestDatabase, TestServer, create_csat_survey, wait_until_serving, with_key,
};

/// A certificate authority of a test.
struct TestCa(CertifiedIssuer<'static, KeyPair>);

/// A certificate and its key, PEM.
#[derive(Clone)]
struct Pem {
    certificate: String,
    key: String,
}

impl Pem {
    fn der(&self) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(self.certificate.as_bytes()).unwrap()
    }

    fn identity(&self) -> Identity {
        Identity::from_pem(&self.certificate, &self.key)
    }
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::default();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        TestCa(CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap())
    }

    fn pem(&self) -> String {
        self.0.pem()
    }

    /// A server certificate for 127.0.0.1 and localhost, with `common_name`.
    fn server(&self, common_name: &str) -> Pem {
        self.sign(
            vec![
                SanType::IpAddress([127, 0, 0, 1].into()),
                SanType::DnsName("localhost".try_into().unwrap()),
            ],
            common_name,
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    fn client(&self, alternative_names: Vec<SanType>, common_name: &str) -> Pem {
        self.sign(
            alternative_names,
            common_name,
            ExtendedKeyUsagePurpose::ClientAuth,
        )
    }

    fn sign(
        &self,
        alternative_names: Vec<SanType>,
        common_name: &str,
        usage: ExtendedKeyUsagePurpose,
    ) -> Pem {
        let mut params = CertificateParams::default();
        params.subject_alt_names = alternative_names;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        Pem {
            certificate: params.signed_by(&key, &self.0).unwrap().pem(),
            key: key.serialize_pem(),
        }
    }
}

/// The files of a server's TLS laid out as Kubernetes mounts a Secret: `tls.crt` and `tls.key`
/// link through `..data`, a link to a folder of the current version, swapped in one rename.
struct SecretVolume {
    folder: tempfile::TempDir,
    versions: usize,
}

impl SecretVolume {
    fn new(server: &Pem, client_ca: Option<&str>) -> SecretVolume {
        let mut volume = SecretVolume {
            folder: tempfile::tempdir().unwrap(),
            versions: 0,
        };
        volume.swap_in(&server.certificate, &server.key, client_ca);
        for name in ["tls.crt", "tls.key", "ca.crt"] {
            std::os::unix::fs::symlink(format!("..data/{name}"), volume.path(name)).unwrap();
        }
        volume
    }

    fn path(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    /// Writes a new version and points `..data` at it, as the kubelet does.
    fn swap_in(&mut self, certificate: &str, key: &str, client_ca: Option<&str>) {
        self.versions += 1;
        let version = format!("..version_{}", self.versions);
        std::fs::create_dir(self.path(&version)).unwrap();
        std::fs::write(self.path(&version).join("tls.crt"), certificate).unwrap();
        std::fs::write(self.path(&version).join("tls.key"), key).unwrap();
        if let Some(client_ca) = client_ca {
            std::fs::write(self.path(&version).join("ca.crt"), client_ca).unwrap();
        }
        std::os::unix::fs::symlink(&version, self.path("..data_tmp")).unwrap();
        std::fs::rename(self.path("..data_tmp"), self.path("..data")).unwrap();
    }
}

/// A server over TLS in this process, on SQLite.
struct TlsServer {
    address: SocketAddr,
    volume: SecretVolume,
    database: TestDatabase,
    stop: oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<csat::error::Result<()>>,
}

impl TlsServer {
    async fn spawn(volume: SecretVolume, require_client_certificates: bool) -> TlsServer {
        TlsServer::spawn_with_keys(volume, require_client_certificates, None).await
    }

    async fn spawn_with_keys(
        volume: SecretVolume,
        require_client_certificates: bool,
        api_keys_file: Option<PathBuf>,
    ) -> TlsServer {
        let database = TestDatabase::create(Backend::Sqlite).await;
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), &database.url);
        config.tls_cert = Some(volume.path("tls.crt"));
        config.tls_key = Some(volume.path("tls.key"));
        config.tls_client_ca = require_client_certificates.then(|| volume.path("ca.crt"));
        config.api_keys_file = api_keys_file;
        let server = Server::bind(&config).await.expect("the server binds");
        let address = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = tokio::spawn(server.run_until_stopped(async {
            let _ = stopped.await;
        }));
        TlsServer {
            address,
            volume,
            database,
            stop,
            serving,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.serving
            .await
            .expect("the server task")
            .expect("the server stops cleanly");
        self.database.drop_database().await;
    }
}

/// A channel over tonic's client TLS trusting `ca`, presenting `identity` if given.
async fn tls_channel(
    address: SocketAddr,
    ca: &str,
    identity: Option<&Pem>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .domain_name("localhost");
    if let Some(identity) = identity {
        tls = tls.identity(identity.identity());
    }
    Endpoint::from_shared(format!("https://127.0.0.1:{}", address.port()))
        .unwrap()
        .tls_config(tls)?
        .connect()
        .await
}

/// Health's answer over a new TLS channel, or why there is none.
async fn health_over_tls(
    address: SocketAddr,
    ca: &str,
    identity: Option<&Pem>,
) -> Result<i32, String> {
    let channel = tls_channel(address, ca, identity)
        .await
        .map_err(|cause| format!("{cause:?}"))?;
    HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map(|response| response.into_inner().status)
        .map_err(|status| status.to_string())
}

/// A rustls client trusting `ca` that offers `alpn`, presenting no certificate.
fn rustls_connector(ca: &str, alpn: &[u8]) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.as_bytes()).unwrap())
        .unwrap();
    let mut config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    TlsConnector::from(Arc::new(config))
}

/// Handshakes a new connection and returns the certificate the server presented.
async fn certificate_served(address: SocketAddr, ca: &str) -> CertificateDer<'static> {
    let tcp = TcpStream::connect(address).await.unwrap();
    let tls = rustls_connector(ca, b"h2")
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the handshake");
    tls.get_ref().1.peer_certificates().unwrap()[0].clone()
}

/// Sends one HTTP/1.1 request over TLS and returns the whole answer as text.
async fn http1_over_tls(
    address: SocketAddr,
    ca: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> String {
    let tcp = TcpStream::connect(address).await.unwrap();
    let mut tls = rustls_connector(ca, b"http/1.1")
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the handshake");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: {content_type}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(body).await.unwrap();
    let mut received = Vec::new();
    // A peer closing without TLS's close_notify ends the read with an error after the answer.
    let _ = tls.read_to_end(&mut received).await;
    String::from_utf8_lossy(&received).into_owned()
}

/// Runs the built `csat` with `args` against `address` over https.
async fn csat_cli(address: SocketAddr, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_csat"));
    command
        .env_remove("CSAT_TOKEN")
        .env_remove("CSAT_SERVER")
        .args(args)
        .arg("--server")
        .arg(format!("https://127.0.0.1:{}", address.port()));
    tokio::task::spawn_blocking(move || command.output().expect("csat runs"))
        .await
        .unwrap()
}

fn write_file(folder: &Path, name: &str, text: &str) -> String {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn grpc_grpc_web_json_and_the_cli_are_served_over_tls() {
    let ca = TestCa::new("csat test ca");
    let server = TlsServer::spawn(SecretVolume::new(&ca.server("csat"), None), false).await;
    let channel = tls_channel(server.address, &ca.pem(), None).await.unwrap();
    wait_until_serving(&channel).await;

    let mut surveys = SurveyServiceClient::new(channel.clone());
    create_csat_survey(&mut surveys, "onboarding", "signup").await;
    let listed = surveys
        .list_surveys(pb::ListSurveysRequest::default())
        .await
        .unwrap()
        .into_inner();
    let json = http1_over_tls(
        server.address,
        &ca.pem(),
        "/csat.v1.SurveyService/ListSurveys",
        "application/json",
        b"{}",
    )
    .await;
    let grpc_web = http1_over_tls(
        server.address,
        &ca.pem(),
        "/grpc.health.v1.Health/Check",
        "application/grpc-web+proto",
        &[0, 0, 0, 0, 0],
    )
    .await;
    let folder = tempfile::tempdir().unwrap();
    let ca_file = write_file(folder.path(), "ca.pem", &ca.pem());
    let cli = csat_cli(
        server.address,
        &["surveys", "list", "--ca-cert", &ca_file, "--output", "csv"],
    )
    .await;
    let cli_without_the_ca = csat_cli(server.address, &["surveys", "list"]).await;

    assert_eq!(listed.surveys[0].survey_id, "onboarding");
    assert!(json.starts_with("HTTP/1.1 200"), "{json}");
    assert!(json.contains("\"surveyId\":\"onboarding\""), "{json}");
    assert!(grpc_web.starts_with("HTTP/1.1 200"), "{grpc_web}");
    assert!(grpc_web.contains("grpc-status:0"), "{grpc_web}");
    let cli_out = String::from_utf8_lossy(&cli.stdout);
    assert!(
        cli.status.success() && cli_out.contains("onboarding"),
        "{cli_out}{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(!cli_without_the_ca.status.success());
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_never_says_hello_holds_up_no_other_handshake() {
    let ca = TestCa::new("csat test ca");
    let server = TlsServer::spawn(SecretVolume::new(&ca.server("csat"), None), false).await;
    let channel = tls_channel(server.address, &ca.pem(), None).await.unwrap();
    wait_until_serving(&channel).await;
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(TcpStream::connect(server.address).await.unwrap());
    }

    let started = Instant::now();
    let status = tokio::time::timeout(
        Duration::from_secs(5),
        health_over_tls(server.address, &ca.pem(), None),
    )
    .await
    .expect("a handshake while others stay silent");

    assert_eq!(status, Ok(ServingStatus::Serving as i32));
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(silent);
    server.stop().await;
}

#[tokio::test]
async fn rotated_files_reach_new_connections_and_a_bad_rotation_keeps_the_last_good_ones() {
    let ca = TestCa::new("csat test ca");
    let first = ca.server("csat first");
    let second = ca.server("csat second");
    let mut server = TlsServer::spawn(SecretVolume::new(&first, None), false).await;
    // Connections counted: a reconnect would hide an old connection that broke.
    let connects = Arc::new(AtomicUsize::new(0));
    let connector = {
        let connects = connects.clone();
        let tls = rustls_connector(&ca.pem(), b"h2");
        let address = server.address;
        tower::service_fn(move |_: tonic::codegen::http::Uri| {
            connects.fetch_add(1, Ordering::SeqCst);
            let tls = tls.clone();
            async move {
                let tcp = TcpStream::connect(address).await?;
                let secured = tls
                    .connect(ServerName::try_from("localhost").unwrap(), tcp)
                    .await?;
                Ok::<_, std::io::Error>(TokioIo::new(secured))
            }
        })
    };
    let old_channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(connector)
        .await
        .unwrap();
    wait_until_serving(&old_channel).await;
    // The connection of the starting phase closes once the database is ready.
    let connects_while_serving = connects.load(Ordering::SeqCst);
    assert_eq!(
        certificate_served(server.address, &ca.pem()).await,
        first.der()
    );

    server
        .volume
        .swap_in(&second.certificate, &second.key, None);
    let swapped = Instant::now();
    while certificate_served(server.address, &ca.pem()).await != second.der() {
        assert!(
            swapped.elapsed() < Duration::from_secs(3),
            "the new certificate is not served after 3 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let old_connection_answers = HealthClient::new(old_channel.clone())
        .check(HealthCheckRequest::default())
        .await
        .map(|response| response.into_inner().status)
        .map_err(|status| status.to_string());

    server
        .volume
        .swap_in("not a certificate", &second.key, None);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let served_after_a_bad_rotation = certificate_served(server.address, &ca.pem()).await;
    let health_after_a_bad_rotation = health_over_tls(server.address, &ca.pem(), None).await;

    assert_eq!(old_connection_answers, Ok(ServingStatus::Serving as i32));
    assert_eq!(connects.load(Ordering::SeqCst), connects_while_serving);
    assert_eq!(served_after_a_bad_rotation, second.der());
    assert_eq!(
        health_after_a_bad_rotation,
        Ok(ServingStatus::Serving as i32)
    );
    server.stop().await;
}

#[tokio::test]
async fn with_a_client_ca_only_clients_it_signed_are_let_in() {
    let ca = TestCa::new("csat test ca");
    let other_ca = TestCa::new("another ca");
    let server =
        TlsServer::spawn(SecretVolume::new(&ca.server("csat"), Some(&ca.pem())), true).await;
    let helpdesk = ca.client(
        vec![SanType::URI(
            "spiffe://cluster.local/ns/support/sa/helpdesk"
                .try_into()
                .unwrap(),
        )],
        "helpdesk",
    );
    let stranger = other_ca.client(
        vec![SanType::DnsName("stranger.example".try_into().unwrap())],
        "stranger",
    );
    let channel = tls_channel(server.address, &ca.pem(), Some(&helpdesk))
        .await
        .unwrap();
    wait_until_serving(&channel).await;
    let folder = tempfile::tempdir().unwrap();
    let ca_file = write_file(folder.path(), "ca.pem", &ca.pem());
    let client_cert = write_file(folder.path(), "client.crt", &helpdesk.certificate);
    let client_key = write_file(folder.path(), "client.key", &helpdesk.key);

    let without_certificate = health_over_tls(server.address, &ca.pem(), None).await;
    let with_another_cas = health_over_tls(server.address, &ca.pem(), Some(&stranger)).await;
    let with_a_good_one = health_over_tls(server.address, &ca.pem(), Some(&helpdesk)).await;
    let cli = csat_cli(
        server.address,
        &[
            "surveys",
            "list",
            "--ca-cert",
            &ca_file,
            "--client-cert",
            &client_cert,
            "--client-key",
            &client_key,
        ],
    )
    .await;
    let cli_without_certificate =
        csat_cli(server.address, &["surveys", "list", "--ca-cert", &ca_file]).await;

    assert!(without_certificate.is_err(), "{without_certificate:?}");
    assert!(with_another_cas.is_err(), "{with_another_cas:?}");
    assert_eq!(with_a_good_one, Ok(ServingStatus::Serving as i32));
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(!cli_without_certificate.status.success());
    server.stop().await;
}

#[tokio::test]
async fn a_client_certificates_principal_gets_the_scopes_the_keys_file_gives_it() {
    let ca = TestCa::new("csat test ca");
    let spiffe = "spiffe://cluster.local/ns/support/sa/reporting";
    let reporting = ca.client(vec![SanType::URI(spiffe.try_into().unwrap())], "reporting");
    let unlisted = ca.client(
        vec![SanType::DnsName("unlisted.example".try_into().unwrap())],
        "unlisted",
    );
    let folder = tempfile::tempdir().unwrap();
    let admin_key = "csat_admin_key_of_the_mtls_test";
    let keys = write_file(
        folder.path(),
        "keys.yaml",
        &format!(
            "keys:\n  - name: operator\n    sha256: {}\n    scopes: [admin]\n\
             clients:\n  - name: {spiffe}\n    scopes: [surveys:read]\n",
            csat::server::auth::keys::sha256_hex(admin_key)
        ),
    );
    let server = TlsServer::spawn_with_keys(
        SecretVolume::new(&ca.server("csat"), Some(&ca.pem())),
        true,
        Some(keys.into()),
    )
    .await;
    let surveys = |identity: &Pem, key: Option<&str>| {
        let (address, ca_pem, identity, key) = (
            server.address,
            ca.pem(),
            identity.clone(),
            key.map(str::to_string),
        );
        async move {
            let channel = tls_channel(address, &ca_pem, Some(&identity))
                .await
                .unwrap();
            wait_until_serving(&channel).await;
            let mut client = SurveyServiceClient::new(channel);
            let listed = client
                .list_surveys(keyed_if(pb::ListSurveysRequest::default(), key.as_deref()))
                .await
                .map(|_| ());
            let created = client
                .create_survey(keyed_if(
                    pb::CreateSurveyRequest {
                        survey_id: format!("by-{}", key.is_some()),
                        survey: Some(pb::Survey {
                            display_name: "mTLS".into(),
                            question: "How satisfied were you?".into(),
                            touchpoint: "support_chat".into(),
                            metric: pb::Metric::Csat.into(),
                            ..Default::default()
                        }),
                    },
                    key.as_deref(),
                ))
                .await
                .map(|_| ());
            (listed, created)
        }
    };

    let (listed, created) = surveys(&reporting, None).await;
    let (unlisted_listed, _) = surveys(&unlisted, None).await;
    let (_, created_with_key) = surveys(&reporting, Some(admin_key)).await;

    assert!(listed.is_ok(), "{listed:?}");
    let refused = created.expect_err("surveys:read does not write");
    assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{refused:?}");
    assert_eq!(crate::common::error_reason(&refused), "SCOPE_MISSING");
    let unknown = unlisted_listed.expect_err("a principal not in the file is no one");
    assert_eq!(unknown.code(), tonic::Code::Unauthenticated, "{unknown:?}");
    assert!(
        created_with_key.is_ok(),
        "a key sent over mTLS is the caller: {created_with_key:?}"
    );
    server.stop().await;
}

fn keyed_if<T>(message: T, key: Option<&str>) -> tonic::Request<T> {
    match key {
        Some(key) => with_key(message, key),
        None => tonic::Request::new(message),
    }
}

#[tokio::test]
async fn bad_tls_flags_or_files_stop_the_start_naming_them() {
    let folder = tempfile::tempdir().unwrap();
    let garbage = write_file(folder.path(), "garbage.pem", "hello");
    let database = format!("sqlite://{}", folder.path().join("csat.db").display());
    let serve = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_csat"))
            .env_remove("CSAT_TLS_CERT")
            .env_remove("CSAT_TLS_KEY")
            .env_remove("CSAT_TLS_CLIENT_CA")
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &database,
            ])
            .args(args)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };

    let (started_half, half) = serve(&["--tls-cert", &garbage]);
    let (started_bad, bad) = serve(&["--tls-cert", &garbage, "--tls-key", &garbage]);

    assert!(!started_half && half.contains("--tls-key"), "{half}");
    assert!(!started_bad, "{bad}");
    assert!(
        bad.contains(&format!("--tls-cert {garbage}: no PEM CERTIFICATE in it")),
        "{bad}"
    );
}

#[tokio::test]
async fn a_tls_client_on_the_plaintext_port_is_closed_without_an_http_answer() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    let ca = TestCa::new("csat test ca");

    let handshake = rustls_connector(&ca.pem(), b"h2")
        .connect(
            ServerName::try_from("localhost").unwrap(),
            TcpStream::connect(server.address).await.unwrap(),
        )
        .await;
    let mut tcp = TcpStream::connect(server.address).await.unwrap();
    // The first bytes of a ClientHello, by hand, to read exactly what comes back.
    tcp.write_all(&[0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00])
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer))
        .await
        .expect("the connection closes");

    assert!(handshake.is_err());
    assert_eq!(String::from_utf8_lossy(&answer), "");
    server.stop().await;
}
