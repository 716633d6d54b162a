//! Accepting connections: at most `--max-connections` open at once (each costs the HTTP/2 state
//! and buffers of a client, whatever it sends), and past that the listener waits, so that further
//! clients queue in the kernel's backlog and connect as others leave, rather than being refused.
//! With TLS, each connection's handshake runs here, beside the others, so that a client that never
//! finishes its own holds up nobody else's.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tonic::transport::server::Connected;
use tracing::{debug, info, warn};

use super::KEEPALIVE_INTERVAL;
use super::tls::{Tls, client_principal};

/// Waits between failed accepts (out of file descriptors), doubling from the first to the last.
const MIN_ACCEPT_BACKOFF: Duration = Duration::from_millis(5);
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Between the kernel's keepalive probes of a connection silent for KEEPALIVE_INTERVAL.
const TCP_KEEPALIVE_PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// How long a new connection may stay silent: one that sends nothing (not even HTTP/2's preface)
/// would otherwise hold its place for ever, and a client opening many such would lock every other
/// client out, orchestrators' health probes included. With TLS it bounds the handshake and the
/// first bytes after it together.
const FIRST_BYTES_DEADLINE: Duration = Duration::from_secs(10);

/// The first byte of a TLS record carrying a handshake message (a ClientHello, when first).
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// Who is at the other end of a connection: what tonic puts in every request's extensions as
/// its connect info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The client's address.
    pub address: SocketAddr,
    /// The principal of the client's verified certificate (URI SAN, else DNS SAN, else CN);
    /// `None` over plain TCP or TLS without a client certificate.
    pub client_principal: Option<String>,
}

/// A byte stream of either kind, plain TCP or TLS over it.
trait Transport: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Transport for T {}

/// An accepted connection, holding its place among the open ones until it closes.
pub struct Connection {
    stream: Box<dyn Transport>,
    peer: Peer,
    _place: OwnedSemaphorePermit,
    /// Until the first bytes arrive: when it fires first, reading fails and the connection closes.
    first_bytes_deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Plain TCP on a server without TLS: a TLS client's first bytes are told apart.
    plaintext: bool,
}

/// A TCP connection accepted, before its TLS handshake if any.
struct Accepted {
    stream: TcpStream,
    address: SocketAddr,
    place: OwnedSemaphorePermit,
    deadline: Instant,
}

/// Accepts from `listener` (shared by the starting and serving phases) while fewer than `places`
/// connections are open, and handshakes each with `tls` if given; connections whose handshake
/// fails or outlasts FIRST_BYTES_DEADLINE are closed and not returned.
pub fn accept_each(
    listener: Arc<TcpListener>,
    places: Arc<Semaphore>,
    tls: Option<Tls>,
) -> impl futures_util::Stream<Item = io::Result<Connection>> {
    let accepted =
        futures_util::stream::unfold((listener, places), |(listener, places)| async move {
            let place = match places.clone().try_acquire_owned() {
                Ok(place) => place,
                Err(_) => {
                    warn!("the most connections allowed are open: waiting for one to close");
                    places.clone().acquire_owned().await.ok()?
                }
            };
            let (stream, address) = accept(&listener).await;
            configure(&stream);
            let accepted = Accepted {
                stream,
                address,
                place,
                deadline: Instant::now() + FIRST_BYTES_DEADLINE,
            };
            Some((accepted, (listener, places)))
        });
    // Each handshake holds a place, so the places bound how many run at once.
    accepted
        .map(move |accepted| handshake(accepted, tls.clone()))
        .buffer_unordered(usize::MAX)
        .filter_map(|connection| std::future::ready(connection.map(Ok)))
}

/// Returns the connection `accepted` becomes: itself over plain TCP, or its TLS session with
/// `tls` once the handshake is done, `None` if it fails or takes past the deadline.
async fn handshake(accepted: Accepted, tls: Option<Tls>) -> Option<Connection> {
    let Accepted {
        stream,
        address,
        place,
        deadline,
    } = accepted;
    let Some(tls) = tls else {
        let peer = Peer {
            address,
            client_principal: None,
        };
        return Some(Connection::new(
            Box::new(stream),
            peer,
            place,
            deadline,
            true,
        ));
    };
    let secured = match tokio::time::timeout_at(deadline, tls.acceptor().accept(stream)).await {
        Ok(Ok(secured)) => secured,
        Ok(Err(cause)) if sent_plaintext(&cause) => {
            info!(peer = %address, "a plaintext client connected to the tls port: it must use https://");
            return None;
        }
        Ok(Err(cause)) => {
            info!(peer = %address, error = %cause, "tls handshake failed");
            return None;
        }
        Err(_) => {
            debug!(peer = %address, "tls handshake not done in time: closing");
            return None;
        }
    };
    let client_principal = secured
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .and_then(|certificate| client_principal(certificate));
    let peer = Peer {
        address,
        client_principal,
    };
    Some(Connection::new(
        Box::new(secured),
        peer,
        place,
        deadline,
        false,
    ))
}

/// Whether a handshake failed because the client's first bytes were no TLS record at all (an
/// HTTP/2 preface or an HTTP/1.1 request line).
fn sent_plaintext(cause: &io::Error) -> bool {
    use tokio_rustls::rustls::{Error as TlsError, InvalidMessage};
    matches!(
        cause
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<TlsError>()),
        Some(TlsError::InvalidMessage(InvalidMessage::InvalidContentType))
    )
}

impl Connection {
    fn new(
        stream: Box<dyn Transport>,
        peer: Peer,
        place: OwnedSemaphorePermit,
        deadline: Instant,
        plaintext: bool,
    ) -> Connection {
        Connection {
            stream,
            peer,
            _place: place,
            first_bytes_deadline: Some(Box::pin(tokio::time::sleep_until(deadline))),
            plaintext,
        }
    }
}

async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut backoff = Duration::ZERO;
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(cause) if peer_failed(&cause) => continue,
            Err(cause) => {
                backoff = (backoff * 2).clamp(MIN_ACCEPT_BACKOFF, MAX_ACCEPT_BACKOFF);
                warn!(error = %cause, retry_in_ms = backoff.as_millis() as u64, "cannot accept connections");
                tokio::time::sleep(backoff).await;
            }
        }
    }
}

fn configure(stream: &TcpStream) {
    // Without TCP_NODELAY a response longer than one segment waits for the peer's delayed
    // acknowledgement: 40 ms on a report of a few dozen groups.
    if let Err(cause) = stream.set_nodelay(true) {
        warn!(error = %cause, "cannot set TCP_NODELAY");
    }
    // HTTP/2's pings do not reach gRPC-Web over HTTP/1.1: the kernel's probes find a vanished
    // browser's host there (after KEEPALIVE_INTERVAL and nine unanswered probes).
    let probes = socket2::TcpKeepalive::new()
        .with_time(KEEPALIVE_INTERVAL)
        .with_interval(TCP_KEEPALIVE_PROBE_INTERVAL);
    if let Err(cause) = socket2::SockRef::from(stream).set_tcp_keepalive(&probes) {
        warn!(error = %cause, "cannot set TCP keepalive");
    }
}

/// Whether an accept failed for the connecting peer alone (it reset before being accepted): the
/// listener is fine and the next accept may go at once.
fn peer_failed(cause: &io::Error) -> bool {
    matches!(
        cause.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

impl Connected for Connection {
    type ConnectInfo = Peer;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.peer.clone()
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let filled_before = buffer.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(context, buffer);
        if buffer.filled().len() > filled_before {
            if self.first_bytes_deadline.take().is_some()
                && self.plaintext
                && buffer.filled()[filled_before] == TLS_HANDSHAKE_RECORD
            {
                warn!(
                    peer = %self.peer.address,
                    "a tls client connected, but this server serves plaintext: start it with \
                     --tls-cert and --tls-key to serve tls, or have the client use http://"
                );
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a tls handshake on a plaintext port",
                )));
            }
        } else if read.is_pending()
            && let Some(deadline) = &mut self.first_bytes_deadline
            && deadline.as_mut().poll(context).is_ready()
        {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection sent nothing in time",
            )));
        }
        read
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(context, buffer)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(context, buffers)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use rcgen::SanType;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto::ring};

    use super::super::tls::TlsFiles;
    use super::super::tls::test_certificates::TestCa;
    use super::*;

    async fn listener() -> Arc<TcpListener> {
        Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// TLS files of a server certificate `ca` signs, requiring client certificates it signs.
    fn mutual_tls_files(folder: &std::path::Path, ca: &TestCa) -> TlsFiles {
        let server = ca.server();
        let write = |name: &str, text: &str| {
            let path = folder.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        TlsFiles::from_flags(
            Some(&write("tls.crt", &server.certificate)),
            Some(&write("tls.key", &server.key)),
            Some(&write("ca.crt", &ca.pem())),
        )
        .unwrap()
        .unwrap()
    }

    #[tokio::test]
    async fn every_request_carries_the_peer_of_its_connection() {
        use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
        use tonic_health::pb::HealthCheckRequest;
        use tonic_health::pb::health_client::HealthClient;
        use tonic_health::pb::health_server::HealthServer;

        let ca = TestCa::new("test ca");
        let client = ca.client(Vec::new(), "reporting-job");
        let folder = tempfile::tempdir().unwrap();
        let listener = listener().await;
        let address = listener.local_addr().unwrap();
        let incoming = accept_each(
            listener,
            Arc::new(Semaphore::new(10)),
            Some(Tls::load(mutual_tls_files(folder.path(), &ca)).unwrap()),
        );
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let recording = {
            let seen = seen.clone();
            move |request: tonic::Request<()>| {
                seen.lock()
                    .unwrap()
                    .push(request.extensions().get::<Peer>().cloned());
                Ok(request)
            }
        };
        let health = tonic_health::server::HealthService::from_health_reporter(
            tonic_health::server::HealthReporter::new(),
        );
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(HealthServer::with_interceptor(health, recording))
                .serve_with_incoming(incoming),
        );
        let tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(ca.pem()))
            .identity(Identity::from_pem(&client.certificate, &client.key))
            .domain_name("localhost");
        let channel = Endpoint::from_shared(format!("https://{address}"))
            .unwrap()
            .tls_config(tls)
            .unwrap()
            .connect()
            .await
            .unwrap();

        HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .unwrap();

        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let peer = seen[0].clone().expect("a Peer in the request's extensions");
        assert_eq!(peer.client_principal.as_deref(), Some("reporting-job"));
        assert_eq!(peer.address.ip(), address.ip());
    }

    #[tokio::test]
    async fn a_tls_connection_carries_the_principal_of_its_client_certificate() {
        let ca = TestCa::new("test ca");
        let spiffe = "spiffe://cluster.local/ns/support/sa/helpdesk";
        let client = ca.client(vec![SanType::URI(spiffe.try_into().unwrap())], "helpdesk");
        let folder = tempfile::tempdir().unwrap();
        let files = mutual_tls_files(folder.path(), &ca);
        let listener = listener().await;
        let address = listener.local_addr().unwrap();
        let mut incoming = Box::pin(accept_each(
            listener,
            Arc::new(Semaphore::new(10)),
            Some(Tls::load(files).unwrap()),
        ));
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(ca.pem().as_bytes()).unwrap())
            .unwrap();
        let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(client.certificate.as_bytes()).unwrap()],
                PrivateKeyDer::from_pem_slice(client.key.as_bytes()).unwrap(),
            )
            .unwrap();

        let connecting = tokio::spawn(async move {
            let tcp = TcpStream::connect(address).await.unwrap();
            let local = tcp.local_addr().unwrap();
            let mut tls = TlsConnector::from(Arc::new(config))
                .connect(ServerName::try_from("localhost").unwrap(), tcp)
                .await
                .unwrap();
            tls.write_all(b"PRI").await.unwrap();
            (local, tls)
        });
        let mut connection = incoming.next().await.unwrap().unwrap();
        let (client_address, _open) = connecting.await.unwrap();
        let mut first_bytes = [0; 3];
        connection.read_exact(&mut first_bytes).await.unwrap();

        assert_eq!(
            connection.connect_info(),
            Peer {
                address: client_address,
                client_principal: Some(spiffe.to_string()),
            }
        );
        assert_eq!(&first_bytes, b"PRI");
    }

    #[tokio::test]
    async fn a_tls_hello_on_a_plaintext_port_fails_the_first_read() {
        let listener = listener().await;
        let address = listener.local_addr().unwrap();
        let mut incoming = Box::pin(accept_each(listener, Arc::new(Semaphore::new(10)), None));
        let mut client = TcpStream::connect(address).await.unwrap();
        client
            .write_all(&[TLS_HANDSHAKE_RECORD, 3, 1])
            .await
            .unwrap();

        let mut connection = incoming.next().await.unwrap().unwrap();
        let mut first_bytes = [0; 3];
        let read = connection.read(&mut first_bytes).await;

        assert_eq!(connection.connect_info().client_principal, None);
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::InvalidData);
    }
}
