//! A csat server for one test: the binary CSAT_BIN names (run-tests.sh sets it), on a fresh
//! SQLite file and a port the kernel picks, stopped with SIGTERM, when it must exit 0.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// A running csat process; [`Server::stop`] ends it (dropped without that, it is killed).
pub struct Server {
    /// `http://127.0.0.1:PORT`, for `Endpoint::from_shared`.
    pub url: String,
    child: Option<Child>,
    data_dir: PathBuf,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts csat and waits until its health service answers SERVING for "".
    pub async fn start() -> Server {
        Self::start_with(&[]).await
    }

    /// As [`Server::start`], with more arguments for `csat serve` (`--api-keys-file`, say).
    pub async fn start_with(extra_args: &[&str]) -> Server {
        let binary = std::env::var("CSAT_BIN").unwrap_or_else(|_| {
            panic!(
                "CSAT_BIN is not set: point it at a csat server binary (cargo build at the \
                 repository root, then CSAT_BIN=$PWD/target/debug/csat), or run \
                 clients/rust/run-tests.sh"
            )
        });
        let data_dir = std::env::temp_dir().join(format!(
            "csat-rust-client-{}-{}",
            std::process::id(),
            NEXT_DIR.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&data_dir).expect("a temporary data folder");
        let database_url = format!("sqlite://{}?mode=rwc", data_dir.join("csat.db").display());
        let mut child = Command::new(&binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .args(["--database-url", &database_url])
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {binary}: {error}"));

        // Both outputs are read to the end, so the server never blocks on a full pipe; the
        // "csat listening" line gives the address it bound.
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (address_sender, addresses) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for output in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let logs = Arc::clone(&logs);
            let address_sender = address_sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(output).lines() {
                    let Ok(line) = line else { break };
                    if let Some(address) = listening_address(&line) {
                        let _ = address_sender.send(address);
                    }
                    logs.lock().expect("logs").push(line);
                }
            });
        }
        let mut server = Server {
            url: String::new(),
            child: Some(child),
            data_dir,
            logs,
        };
        let address = match addresses.recv_timeout(Duration::from_secs(30)) {
            Ok(address) => address,
            Err(_) => panic!("csat logged no address within 30 s:\n{}", server.logs()),
        };
        server.url = format!("http://{address}");
        server.wait_serving(Duration::from_secs(60)).await;
        server
    }

    /// A channel to the server, with a deadline for every call.
    pub async fn channel(&self) -> Channel {
        Endpoint::from_shared(self.url.clone())
            .expect("a valid URL")
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .connect()
            .await
            .unwrap_or_else(|error| panic!("connecting to {}: {error}", self.url))
    }

    /// Polls grpc.health.v1 until "" is SERVING: the server listens before its database is
    /// migrated, and answers NOT_SERVING until then.
    async fn wait_serving(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        while Instant::now() < deadline {
            let check = async {
                let channel = Endpoint::from_shared(self.url.clone())
                    .map_err(|error| error.to_string())?
                    .timeout(Duration::from_secs(1))
                    .connect()
                    .await
                    .map_err(|error| error.to_string())?;
                HealthClient::new(channel)
                    .check(HealthCheckRequest::default())
                    .await
                    .map(|response| response.into_inner().status())
                    .map_err(|status| status.to_string())
            };
            match check.await {
                Ok(ServingStatus::Serving) => return,
                Ok(status) => last = format!("{status:?}"),
                Err(error) => last = error,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "csat at {} not SERVING after {timeout:?} (last: {last}):\n{}",
            self.url,
            self.logs()
        );
    }

    /// Sends SIGTERM and asserts a clean exit (code 0) within 30 s. Async, so that the test's
    /// runtime keeps running its connections' tasks, which close them when the server asks.
    pub async fn stop(mut self) {
        let mut child = self.child.take().expect("a running server");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -TERM {} failed", child.id());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for csat") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("csat still running 30 s after SIGTERM:\n{}", self.logs());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(
            status.success(),
            "csat exited with {status} after SIGTERM:\n{}",
            self.logs()
        );
    }

    /// Everything the server printed so far.
    pub fn logs(&self) -> String {
        self.logs.lock().expect("logs").join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

static NEXT_DIR: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The address of a JSON "csat listening" log line, such as
/// `{"fields":{"message":"csat listening","address":"127.0.0.1:40123"},…}`.
fn listening_address(line: &str) -> Option<String> {
    if !line.contains(r#""message":"csat listening""#) {
        return None;
    }
    let start = line.find(r#""address":""#)? + r#""address":""#.len();
    let length = line[start..].find('"')?;
    Some(line[start..start + length].to_owned())
}
