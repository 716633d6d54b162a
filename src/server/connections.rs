//! Accepting connections: at most `--max-connections` open at once (each costs the HTTP/2 state
//! and buffers of a client, whatever it sends), and past that the listener waits, so that further
//! clients queue in the kernel's backlog and connect as others leave, rather than being refused.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::transport::server::{Connected, TcpConnectInfo};
use tracing::warn;

use super::KEEPALIVE_INTERVAL;

/// Waits between failed accepts (out of file descriptors), doubling from the first to the last.
const MIN_ACCEPT_BACKOFF: Duration = Duration::from_millis(5);
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Between the kernel's keepalive probes of a connection silent for KEEPALIVE_INTERVAL.
const TCP_KEEPALIVE_PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// How long a new connection may stay silent: one that sends nothing (not even HTTP/2's preface)
/// would otherwise hold its place for ever, and a client opening many such would lock every other
/// client out, orchestrators' health probes included.
const FIRST_BYTES_DEADLINE: Duration = Duration::from_secs(10);

/// An accepted connection, holding its place among the open ones until it closes.
pub struct Connection {
    stream: TcpStream,
    _place: OwnedSemaphorePermit,
    /// Until the first bytes arrive: when it fires first, reading fails and the connection closes.
    first_bytes_deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// Accepts from `listener` (shared by the starting and serving phases) while fewer than `places`
/// connections are open.
pub fn accept_each(
    listener: Arc<TcpListener>,
    places: Arc<Semaphore>,
) -> impl futures_util::Stream<Item = io::Result<Connection>> {
    futures_util::stream::unfold((listener, places), |(listener, places)| async move {
        let place = match places.clone().try_acquire_owned() {
            Ok(place) => place,
            Err(_) => {
                warn!("the most connections allowed are open: waiting for one to close");
                places.clone().acquire_owned().await.ok()?
            }
        };
        let stream = accept(&listener).await;
        configure(&stream);
        let connection = Connection {
            stream,
            _place: place,
            first_bytes_deadline: Some(Box::pin(tokio::time::sleep(FIRST_BYTES_DEADLINE))),
        };
        Some((Ok(connection), (listener, places)))
    })
}

async fn accept(listener: &TcpListener) -> TcpStream {
    let mut backoff = Duration::ZERO;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return stream,
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
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.stream.connect_info()
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
            self.first_bytes_deadline = None;
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
