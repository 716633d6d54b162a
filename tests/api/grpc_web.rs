//! gRPC-Web as a browser speaks it, over HTTP/1.1 on the gRPC port: calls, and the CORS
//! exchange that lets pages of the configured origins make them.

use std::net::SocketAddr;

use crate::common::{Backend, TestDatabase, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DASHBOARD: &str = "https://dashboard.example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_an_allowed_origin_calls_and_reads_statuses_and_their_details() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let server = TestServer::spawn_with(database, |config| {
        config.cors_allowed_origins = [DASHBOARD, "http://localhost:5173"]
            .map(|origin| csat::config::cors_origin(origin).unwrap())
            .into();
    })
    .await;

    let answer = preflight(server.address, DASHBOARD).await;
    let other_origin = preflight(server.address, "https://elsewhere.example.com").await;
    let check = health_check(server.address, DASHBOARD).await;
    let refused = grpc_web_call(
        server.address,
        DASHBOARD,
        "/csat.v1.SurveyService/CreateSurvey",
        &[],
    )
    .await;
    server.stop().await;

    assert!(answer.status.starts_with("HTTP/1.1 200"), "{answer:?}");
    assert_eq!(answer.header("access-control-allow-origin"), DASHBOARD);
    assert!(
        answer
            .header("access-control-allow-methods")
            .contains("POST")
    );
    let allowed_headers = answer.header("access-control-allow-headers");
    for asked in [
        "content-type",
        "x-grpc-web",
        "x-user-agent",
        "authorization",
    ] {
        assert!(allowed_headers.contains(asked), "{allowed_headers}");
    }
    assert_eq!(other_origin.header("access-control-allow-origin"), "");

    assert_eq!(check.header("access-control-allow-origin"), DASHBOARD);
    // A data frame holding HealthCheckResponse { status: SERVING }, then the trailers' frame.
    assert_eq!(&check.body[..7], &SERVING_FRAME);
    assert_eq!(check.body[7], 0x80);
    assert!(String::from_utf8_lossy(&check.body[12..]).contains("grpc-status:0"));

    // An empty CreateSurvey: INVALID_ARGUMENT (3) with its BadRequest, in headers a page may read.
    assert_eq!(refused.header("grpc-status"), "3");
    assert!(!refused.header("grpc-status-details-bin").is_empty());
    let exposed = refused.header("access-control-expose-headers");
    for header in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(header), "{exposed}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_does_not_decode_is_invalid_argument() {
    let server = TestServer::spawn(Backend::Sqlite).await;
    // GetSurveyRequest { survey_id: "ch\xff" }: a string that is not UTF-8.
    let not_utf8 = [0x0a, 0x03, b'c', b'h', 0xff];

    let answer = grpc_web_call(
        server.address,
        DASHBOARD,
        "/csat.v1.SurveyService/GetSurvey",
        &not_utf8,
    )
    .await;
    server.stop().await;

    assert_eq!(answer.header("grpc-status"), "3", "{answer:?}");
    assert!(
        answer
            .header("grpc-message")
            .starts_with("failed%20to%20decode%20Protobuf%20message")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_allowed_origins_no_page_is_let_in_but_grpc_web_still_answers() {
    let server = TestServer::spawn(Backend::Sqlite).await;

    let answer = preflight(server.address, DASHBOARD).await;
    let check = health_check(server.address, DASHBOARD).await;
    server.stop().await;

    assert_eq!(answer.header("access-control-allow-origin"), "");
    assert_eq!(check.header("access-control-allow-origin"), "");
    assert_eq!(&check.body[..7], &SERVING_FRAME);
}

/// An HTTP/1.1 response: status line, headers (names in lower case), and the body unchunked.
#[derive(Debug)]
struct Response {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// The values of header `name`, joined by commas; empty when absent.
    fn header(&self, name: &str) -> String {
        self.headers
            .iter()
            .filter(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The preflight request a browser sends before a gRPC-Web call from a page of `origin`.
async fn preflight(address: SocketAddr, origin: &str) -> Response {
    exchange(
        address,
        &format!(
            "OPTIONS /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: {address}\r\n\
             Origin: {origin}\r\nAccess-Control-Request-Method: POST\r\n\
             Access-Control-Request-Headers: content-type,x-grpc-web,x-user-agent,authorization\r\n\
             Connection: close\r\n\r\n"
        ),
        &[],
    )
    .await
}

/// The data frame of HealthCheckResponse { status: SERVING }.
const SERVING_FRAME: [u8; 7] = [0, 0, 0, 0, 2, 0x08, 0x01];

/// grpc.health.v1.Health/Check for the whole server, from a page of `origin`.
async fn health_check(address: SocketAddr, origin: &str) -> Response {
    grpc_web_call(address, origin, "/grpc.health.v1.Health/Check", &[]).await
}

/// A unary gRPC-Web call of `path` with the encoded request `message`, from a page of `origin`.
async fn grpc_web_call(address: SocketAddr, origin: &str, path: &str, message: &[u8]) -> Response {
    let mut body = vec![0];
    body.extend_from_slice(&u32::try_from(message.len()).unwrap().to_be_bytes());
    body.extend_from_slice(message);
    exchange(
        address,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\n\
             Content-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ),
        &body,
    )
    .await
}

async fn exchange(address: SocketAddr, head: &str, body: &[u8]) -> Response {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await.unwrap();
    let end_of_head = received
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap();
    let head = String::from_utf8(received[..end_of_head].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().to_string();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    let raw = &received[end_of_head + 4..];
    let chunked = headers
        .iter()
        .any(|(name, value)| name == "transfer-encoding" && value == "chunked");
    let body = if chunked {
        unchunked(raw)
    } else {
        raw.to_vec()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// The body of a chunked transfer encoding.
fn unchunked(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end_of_size = raw.windows(2).position(|window| window == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&raw[..end_of_size]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        let start = end_of_size + 2;
        body.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}
