//! A PostgreSQL that goes away: health turns NOT_SERVING within a couple of seconds, calls are
//! answered UNAVAILABLE at once instead of each waiting out a pool's connect timeout (and a
//! client's deadline), and the service recovers by itself when the database returns. The server
//! reaches PostgreSQL through a proxy the test cuts, so the shared cluster keeps running.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::{Backend, TestDatabase, TestServer, rating, wait_for_health};
use csat::pb;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_outage_fails_calls_at_once_and_recovers() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let proxy = Proxy::start(postgres_address(&database.url)).await;
    let proxied_url = database.url.replacen(
        &postgres_address(&database.url).to_string(),
        &proxy.address.to_string(),
        1,
    );
    let mut server =
        TestServer::spawn_on(TestDatabase::at_url(proxied_url, Backend::Postgres)).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "before", 5)).await;

    proxy.cut();
    let cut_at = Instant::now();
    wait_for_health(&server.channel, ServingStatus::NotServing).await;
    let noticed = cut_at.elapsed();
    eprintln!("health NOT_SERVING {noticed:?} after the outage");
    assert!(
        noticed < Duration::from_secs(6),
        "health turned NOT_SERVING {noticed:?} after the outage"
    );
    for call in 0..3 {
        let started = Instant::now();
        let status = server
            .ratings
            .submit_rating(pb::SubmitRatingRequest {
                rating: Some(rating("chat", &format!("during-{call}"), 4)),
            })
            .await
            .expect_err("no rating is stored while the database is away");
        assert_eq!(status.code(), Code::Unavailable, "{status:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "answered at once, not after {:?}",
            started.elapsed()
        );
        let status = server
            .ratings
            .get_rating(pb::GetRatingRequest {
                survey_id: "chat".into(),
                rating_id: "before".into(),
            })
            .await
            .expect_err("reads fail too");
        assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    }

    proxy.restore().await;
    wait_for_health(&server.channel, ServingStatus::Serving).await;
    server.submit(rating("chat", "after", 3)).await;
    let listed = server.list_all(pb::RatingFilter::default(), 10).await;
    let ids: Vec<&str> = listed.iter().map(|r| r.rating_id.as_str()).collect();
    assert_eq!(ids, ["after", "before"]);
    let stored = server.stop_keeping_database().await;
    drop(stored);
    database.drop_database().await;
}

fn postgres_address(url: &str) -> SocketAddr {
    let authority = url.split('@').nth(1).unwrap().split('/').next().unwrap();
    let authority = authority.replace("localhost", "127.0.0.1");
    authority.parse().unwrap()
}

/// A TCP proxy to PostgreSQL that can be cut, as a stopped server is: every connection closed and
/// the port refusing new ones; then restored on the same port.
struct Proxy {
    address: SocketAddr,
    target: SocketAddr,
    cuts: watch::Sender<u64>,
    accepting: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (cuts, _) = watch::channel(0u64);
        let proxy = Proxy {
            address: listener.local_addr().unwrap(),
            target,
            cuts,
            accepting: std::sync::Mutex::default(),
        };
        proxy.accept_on(listener);
        proxy
    }

    fn accept_on(&self, listener: TcpListener) {
        let target = self.target;
        let cuts = self.cuts.clone();
        let accepting = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let mut cut_signal = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut_signal.changed() => {}
                    }
                });
            }
        });
        *self.accepting.lock().unwrap() = Some(accepting);
    }

    fn cut(&self) {
        if let Some(accepting) = self.accepting.lock().unwrap().take() {
            accepting.abort();
        }
        self.cuts.send_modify(|count| *count += 1);
    }

    async fn restore(&self) {
        // The aborted task drops its listener soon after: bind until the port is free again.
        for _ in 0..100 {
            if let Ok(listener) = TcpListener::bind(self.address).await {
                self.accept_on(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("cannot listen on {} again", self.address);
    }
}
