//! The Connect protocol on the gRPC port, which is also plain HTTP with JSON: `curl -H
//! 'content-type: application/json' -d '{…}' http://host/csat.v1.RatingService/SubmitRating`.
//! A Connect call is rewritten into the gRPC call it stands for and handed to the same stack
//! (gate, services, and whatever later layers add: auth, limits, metrics, logs), so that there is
//! one implementation of every RPC; its answer is rewritten back. Unary calls take
//! `application/json` or `application/proto`, streaming calls `application/connect+json` or
//! `application/connect+proto`; gRPC and gRPC-Web pass untouched; any other content type is
//! answered 415, as the gRPC spec asks.

mod envelope;
mod errors;
mod json;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use prost_reflect::{MessageDescriptor, MethodDescriptor};
use tonic::body::Body;
use tonic::codegen::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use tonic::codegen::http::{HeaderMap, Method, Request, Response, StatusCode};
use tonic::{Code, Status};
use tower::{Layer, Service};

use self::envelope::{COMPRESSED, END_STREAM, Envelopes, envelope};
pub use self::json::Transcoder;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Largest message of an answer stream this layer reads back from the gRPC stack (answers are
/// csat's own: this only bounds memory).
const MAX_ANSWER_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// What answers 415: the content types the port speaks.
const SPOKEN_CONTENT_TYPES: &str = "application/grpc, application/grpc-web, application/json, \
     application/proto, application/connect+json, application/connect+proto";

/// Adds [`ConnectService`] in front of a gRPC stack.
#[derive(Clone, Debug)]
pub struct ConnectLayer {
    transcoder: Arc<Transcoder>,
    max_request_bytes: usize,
}

impl ConnectLayer {
    /// Transcodes JSON with `transcoder`'s descriptors, and reads at most `max_request_bytes` of
    /// a unary request's body or of one message of a request stream.
    pub fn new(transcoder: Transcoder, max_request_bytes: usize) -> Self {
        Self {
            transcoder: Arc::new(transcoder),
            max_request_bytes,
        }
    }
}

impl<S> Layer<S> for ConnectLayer {
    type Service = ConnectService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ConnectService {
            inner,
            transcoder: self.transcoder.clone(),
            max_request_bytes: self.max_request_bytes,
        }
    }
}

/// See the module's description.
#[derive(Clone, Debug)]
pub struct ConnectService<S> {
    inner: S,
    transcoder: Arc<Transcoder>,
    max_request_bytes: usize,
}

/// The message encoding of a Connect call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codec {
    Json,
    Protobuf,
}

impl Codec {
    fn content_type(self, streaming: bool) -> &'static str {
        match (self, streaming) {
            (Codec::Json, false) => "application/json",
            (Codec::Protobuf, false) => "application/proto",
            (Codec::Json, true) => "application/connect+json",
            (Codec::Protobuf, true) => "application/connect+proto",
        }
    }
}

/// How a request asks to be served, from its content type.
#[derive(Debug, PartialEq, Eq)]
enum Protocol {
    /// gRPC or gRPC-Web: the stack's own.
    Grpc,
    Connect {
        codec: Codec,
        streaming: bool,
    },
    Unsupported,
}

fn protocol_of(headers: &HeaderMap) -> Protocol {
    let Some(content_type) = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return Protocol::Unsupported;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let connect = |codec, streaming| Protocol::Connect { codec, streaming };
    match essence.as_str() {
        grpc if grpc.starts_with("application/grpc") => Protocol::Grpc,
        "application/json" => connect(Codec::Json, false),
        "application/proto" => connect(Codec::Protobuf, false),
        "application/connect+json" => connect(Codec::Json, true),
        "application/connect+proto" => connect(Codec::Protobuf, true),
        _ => Protocol::Unsupported,
    }
}

impl<S, B> Service<Request<B>> for ConnectService<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready serves this call; the fresh one waits for the next.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        // CORS preflights are the stack's to answer; every protocol on the port calls by POST.
        if request.method() == Method::OPTIONS {
            return Box::pin(inner.call(request.map(Body::new)));
        }
        if request.method() != Method::POST {
            let answer = method_not_allowed();
            return Box::pin(async move { Ok(answer) });
        }
        match protocol_of(request.headers()) {
            Protocol::Grpc => Box::pin(inner.call(request.map(Body::new))),
            Protocol::Unsupported => {
                let answer = unsupported_media_type(SPOKEN_CONTENT_TYPES);
                Box::pin(async move { Ok(answer) })
            }
            Protocol::Connect { codec, streaming } => {
                let transcoder = self.transcoder.clone();
                let method = transcoder.method(request.uri().path());
                let max_request_bytes = self.max_request_bytes;
                Box::pin(async move {
                    let call = ConnectCall {
                        transcoder,
                        method,
                        codec,
                        max_request_bytes,
                    };
                    if streaming {
                        call.streaming(inner, request).await
                    } else {
                        call.unary(inner, request).await
                    }
                })
            }
        }
    }
}

/// One Connect call: its method, if the descriptors know it, and its codec.
struct ConnectCall {
    transcoder: Arc<Transcoder>,
    method: Option<MethodDescriptor>,
    codec: Codec,
    max_request_bytes: usize,
}

impl ConnectCall {
    /// Whether the method streams either way, `None` when the descriptors do not know it.
    fn method_streams(&self) -> Option<bool> {
        self.method
            .as_ref()
            .map(|method| method.is_client_streaming() || method.is_server_streaming())
    }

    /// Serves a unary call: reads the whole body, calls the gRPC method with it, and answers the
    /// message, or the error with the HTTP status Connect gives its code.
    async fn unary<S, B>(
        self,
        mut inner: S,
        request: Request<B>,
    ) -> Result<Response<Body>, S::Error>
    where
        S: Service<Request<Body>, Response = Response<Body>>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        if self.method_streams() == Some(true) {
            return Ok(unsupported_media_type(
                "application/connect+json, application/connect+proto (a streaming method)",
            ));
        }
        let (parts, body) = request.into_parts();
        let prepared = async {
            check_identity_encoding(&parts.headers, "content-encoding")?;
            let body = Limited::new(body, self.max_request_bytes)
                .collect()
                .await
                .map_err(|cause| read_refusal(&cause, self.max_request_bytes))?
                .to_bytes();
            let message = self.request_message(&body)?;
            grpc_request(parts, Body::new(Full::new(envelope(0, &message))))
        };
        let grpc = match prepared.await {
            Ok(grpc) => grpc,
            Err(status) => return Ok(self.unary_error(&status)),
        };
        let answer = inner.call(grpc).await?;
        Ok(self.unary_answer(answer).await)
    }

    /// The protobuf bytes of a request message in this call's codec.
    fn request_message(&self, body: &[u8]) -> Result<Vec<u8>, Status> {
        match self.codec {
            Codec::Protobuf => Ok(body.to_vec()),
            Codec::Json => self
                .transcoder
                .json_to_protobuf(&self.message_type(MethodDescriptor::input)?, body),
        }
    }

    /// The body of an answer message in this call's codec.
    fn answer_message(&self, protobuf: &[u8]) -> Result<Vec<u8>, Status> {
        match self.codec {
            Codec::Protobuf => Ok(protobuf.to_vec()),
            Codec::Json => self
                .transcoder
                .protobuf_to_json(&self.message_type(MethodDescriptor::output)?, protobuf),
        }
    }

    /// A JSON call needs the method's message types; a protobuf call passes bytes through and
    /// lets the stack answer an unknown method.
    fn message_type(
        &self,
        side: fn(&MethodDescriptor) -> MessageDescriptor,
    ) -> Result<MessageDescriptor, Status> {
        self.method.as_ref().map(side).ok_or_else(|| {
            Status::unimplemented("no such method: the path must be /<package.Service>/<Method>")
        })
    }

    async fn unary_answer(&self, answer: Response<Body>) -> Response<Body> {
        let (parts, body) = answer.into_parts();
        let collected = match body.collect().await {
            Ok(collected) => collected,
            Err(status) => return self.unary_error(&status),
        };
        let trailers = collected.trailers().cloned().unwrap_or_default();
        let status = Status::from_header_map(&trailers)
            .or_else(|| Status::from_header_map(&parts.headers))
            .unwrap_or_else(|| Status::internal("the call ended without a status"));
        if status.code() != Code::Ok {
            return self.unary_error(&status);
        }
        let mut envelopes = Envelopes::new(usize::MAX);
        envelopes.push(&collected.to_bytes());
        let message = match envelopes.next_message() {
            Ok(Some((_, message))) => message,
            _ => return self.unary_error(&Status::internal("the call answered no message")),
        };
        let body = match self.answer_message(&message) {
            Ok(body) => body,
            Err(status) => return self.unary_error(&status),
        };
        let mut response = Response::new(Body::new(Full::new(Bytes::from(body))));
        let headers = response.headers_mut();
        copy_metadata(&parts.headers, headers, "");
        copy_metadata(&trailers, headers, "trailer-");
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(self.codec.content_type(false)),
        );
        response
    }

    fn unary_error(&self, status: &Status) -> Response<Body> {
        let body = errors::error_json(status, &self.transcoder).to_string();
        let mut response = Response::new(Body::new(Full::new(Bytes::from(body))));
        *response.status_mut() = errors::http_status(status.code());
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }

    /// Serves a streaming call: each request message is rewritten into a gRPC frame as it
    /// arrives, each answer message back into a Connect envelope, and the status and trailers
    /// into the end-stream message. Errors travel in the end-stream message, under HTTP 200.
    async fn streaming<S, B>(
        self,
        mut inner: S,
        request: Request<B>,
    ) -> Result<Response<Body>, S::Error>
    where
        S: Service<Request<Body>, Response = Response<Body>>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        if self.method_streams() == Some(false) {
            return Ok(unsupported_media_type(
                "application/json, application/proto (a unary method)",
            ));
        }
        let call = Arc::new(self);
        let (parts, body) = request.into_parts();
        let prepared = check_identity_encoding(&parts.headers, "connect-content-encoding")
            .and_then(|()| match call.codec {
                Codec::Json => call.message_type(MethodDescriptor::input).map(|_| ()),
                Codec::Protobuf => Ok(()),
            })
            .and_then(|()| {
                let frames = request_frames(call.clone(), body);
                grpc_request(parts, Body::new(StreamBody::new(frames)))
            });
        let grpc = match prepared {
            Ok(grpc) => grpc,
            Err(status) => {
                let end = end_stream(Some(&status), &HeaderMap::new(), &call.transcoder);
                return Ok(call.stream_response(&HeaderMap::new(), Body::new(Full::new(end))));
            }
        };
        let (parts, body) = inner.call(grpc).await?.into_parts();
        let answers = answer_frames(call.clone(), Status::from_header_map(&parts.headers), body);
        Ok(call.stream_response(&parts.headers, Body::new(StreamBody::new(answers))))
    }

    fn stream_response(&self, grpc_headers: &HeaderMap, body: Body) -> Response<Body> {
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        copy_metadata(grpc_headers, headers, "");
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(self.codec.content_type(true)),
        );
        response
    }

    /// A request message of a stream, as the gRPC frame it stands for.
    fn request_frame(&self, flags: u8, message: &[u8]) -> Result<Bytes, Status> {
        if flags & COMPRESSED != 0 {
            return Err(Status::unimplemented(
                "compressed messages are not supported: send them uncompressed (identity)",
            ));
        }
        if flags != 0 {
            return Err(Status::invalid_argument(format!(
                "a request message has unknown flags {flags:#04x}"
            )));
        }
        Ok(envelope(0, &self.request_message(message)?))
    }
}

/// The gRPC frames of a Connect request stream, as its envelopes arrive. An envelope that does
/// not transcode ends the stream with its status, which the service receives as the stream's
/// error, exactly as a gRPC client's malformed message.
fn request_frames<B>(
    call: Arc<ConnectCall>,
    body: B,
) -> impl futures_util::Stream<Item = Result<http_body::Frame<Bytes>, Status>> + Send + 'static
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let state = (
        Box::pin(body),
        Envelopes::new(call.max_request_bytes),
        false,
    );
    futures_util::stream::unfold(state, move |(mut body, mut envelopes, ended)| {
        let call = call.clone();
        async move {
            if ended {
                return None;
            }
            loop {
                match envelopes.next_message() {
                    Ok(Some((flags, message))) => {
                        let frame = call.request_frame(flags, &message);
                        let ended = frame.is_err();
                        return Some((frame.map(http_body::Frame::data), (body, envelopes, ended)));
                    }
                    Ok(None) => {}
                    Err(status) => return Some((Err(status), (body, envelopes, true))),
                }
                match body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            envelopes.push(&data);
                        }
                    }
                    Some(Err(cause)) => {
                        let status = Status::cancelled(format!(
                            "the request stream broke off: {}",
                            cause.into()
                        ));
                        return Some((Err(status), (body, envelopes, true)));
                    }
                    None if envelopes.holds_partial_message() => {
                        let status =
                            Status::invalid_argument("the request stream ended inside a message");
                        return Some((Err(status), (body, envelopes, true)));
                    }
                    None => return None,
                }
            }
        }
    })
}

/// The Connect envelopes of a gRPC answer stream, ending with the end-stream message made of its
/// status (from the trailers, or from the headers of a trailers-only answer) and trailers.
fn answer_frames(
    call: Arc<ConnectCall>,
    headers_status: Option<Status>,
    body: Body,
) -> impl futures_util::Stream<Item = Result<http_body::Frame<Bytes>, Status>> + Send + 'static {
    let state = (body, Envelopes::new(MAX_ANSWER_MESSAGE_BYTES), false);
    futures_util::stream::unfold(state, move |(mut body, mut envelopes, ended)| {
        let call = call.clone();
        let headers_status = headers_status.clone();
        async move {
            if ended {
                return None;
            }
            let end = |status: Option<&Status>, trailers: &HeaderMap| {
                let status = status.filter(|status| status.code() != Code::Ok);
                http_body::Frame::data(end_stream(status, trailers, &call.transcoder))
            };
            loop {
                match envelopes.next_message() {
                    Ok(Some((_, message))) => match call.answer_message(&message) {
                        Ok(message) => {
                            let frame = http_body::Frame::data(envelope(0, &message));
                            return Some((Ok(frame), (body, envelopes, false)));
                        }
                        Err(status) => {
                            let frame = end(Some(&status), &HeaderMap::new());
                            return Some((Ok(frame), (body, envelopes, true)));
                        }
                    },
                    Ok(None) => {}
                    Err(status) => {
                        let frame = end(Some(&status), &HeaderMap::new());
                        return Some((Ok(frame), (body, envelopes, true)));
                    }
                }
                let frame = match body.frame().await {
                    Some(Ok(frame)) => frame,
                    Some(Err(status)) => {
                        return Some((
                            Ok(end(Some(&status), &HeaderMap::new())),
                            (body, envelopes, true),
                        ));
                    }
                    None => {
                        let status = headers_status
                            .clone()
                            .unwrap_or_else(|| Status::internal("the call ended without a status"));
                        return Some((
                            Ok(end(Some(&status), &HeaderMap::new())),
                            (body, envelopes, true),
                        ));
                    }
                };
                match frame.into_data() {
                    Ok(data) => envelopes.push(&data),
                    Err(frame) => {
                        let trailers = frame.into_trailers().unwrap_or_default();
                        let status = Status::from_header_map(&trailers)
                            .unwrap_or_else(|| Status::internal("the call ended without a status"));
                        return Some((Ok(end(Some(&status), &trailers)), (body, envelopes, true)));
                    }
                }
            }
        }
    })
}

/// Connect's end-stream message: JSON whatever the codec, with the error if the call failed and
/// the trailers as `metadata`.
fn end_stream(error: Option<&Status>, trailers: &HeaderMap, transcoder: &Transcoder) -> Bytes {
    let mut metadata = serde_json::Map::new();
    for (name, value) in trailers {
        if is_protocol_header(name) {
            continue;
        }
        let values = metadata
            .entry(name.as_str().to_owned())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let (serde_json::Value::Array(values), Ok(value)) = (values, value.to_str()) {
            values.push(value.into());
        }
    }
    let mut message = serde_json::Map::new();
    if let Some(status) = error {
        message.insert("error".into(), errors::error_json(status, transcoder));
    }
    if !metadata.is_empty() {
        message.insert("metadata".into(), metadata.into());
    }
    envelope(
        END_STREAM,
        serde_json::Value::Object(message).to_string().as_bytes(),
    )
}

/// The gRPC request a Connect call stands for: the same path, metadata and extensions, gRPC's
/// content type, and Connect's timeout as `grpc-timeout`.
fn grpc_request(
    parts: tonic::codegen::http::request::Parts,
    body: Body,
) -> Result<Request<Body>, Status> {
    let mut request = Request::from_parts(parts, body);
    // What the gRPC stack expects; tonic-web passes HTTP/1.1 calls of other kinds nowhere.
    *request.version_mut() = tonic::codegen::http::Version::HTTP_2;
    let headers = request.headers_mut();
    let timeout = headers.remove("connect-timeout-ms");
    for connect_only in [
        "content-encoding",
        "accept-encoding",
        "connect-protocol-version",
        "connect-content-encoding",
        "connect-accept-encoding",
    ] {
        headers.remove(connect_only);
    }
    headers.remove(CONTENT_LENGTH);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    headers.insert("te", HeaderValue::from_static("trailers"));
    if let Some(timeout) = timeout {
        headers.insert("grpc-timeout", grpc_timeout(&timeout)?);
    }
    Ok(request)
}

/// `connect-timeout-ms` (at most 10 digits) as a `grpc-timeout` (at most 8 digits and a unit).
fn grpc_timeout(connect_timeout_ms: &HeaderValue) -> Result<HeaderValue, Status> {
    let milliseconds = connect_timeout_ms
        .to_str()
        .ok()
        .filter(|text| {
            !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| {
            Status::invalid_argument(
                "connect-timeout-ms must be a number of milliseconds, at most 10 digits",
            )
        })?;
    let timeout = if milliseconds <= 99_999_999 {
        format!("{milliseconds}m")
    } else {
        format!("{}S", (milliseconds / 1000).min(99_999_999))
    };
    HeaderValue::from_str(&timeout).map_err(|_| Status::internal("an unwritable grpc-timeout"))
}

fn check_identity_encoding(headers: &HeaderMap, name: &str) -> Result<(), Status> {
    match headers.get(name) {
        Some(encoding) if encoding.as_bytes() != b"identity" => {
            Err(Status::unimplemented(format!(
                "{name} {} is not supported: send messages uncompressed (identity)",
                String::from_utf8_lossy(encoding.as_bytes())
            )))
        }
        _ => Ok(()),
    }
}

fn read_refusal(cause: &BoxError, max_request_bytes: usize) -> Status {
    if cause.is::<http_body_util::LengthLimitError>() {
        Status::resource_exhausted(format!(
            "the request body is over {max_request_bytes} bytes"
        ))
    } else {
        Status::cancelled(format!("the request body could not be read: {cause}"))
    }
}

/// Headers of the gRPC protocol itself, which a Connect answer states its own way.
fn is_protocol_header(name: &HeaderName) -> bool {
    let name = name.as_str();
    name == "content-type"
        || name == "content-length"
        || name == "te"
        || name == "trailer"
        || name.starts_with("grpc-")
}

/// Copies the application's metadata in `grpc`, under `prefix` (`trailer-` for the trailers of
/// a unary answer, which Connect sends as headers).
fn copy_metadata(grpc: &HeaderMap, connect: &mut HeaderMap, prefix: &str) {
    for (name, value) in grpc {
        if is_protocol_header(name) {
            continue;
        }
        if let Ok(name) = HeaderName::from_bytes(format!("{prefix}{name}").as_bytes()) {
            connect.append(name, value.clone());
        }
    }
}

/// HTTP 405: a browser or `curl` without `-d` sends GET, which no protocol here uses.
fn method_not_allowed() -> Response<Body> {
    let body = "csat answers POST /<package.Service>/<Method>: gRPC, gRPC-Web, or Connect with \
                content-type application/json, e.g. curl -H 'content-type: application/json' -d '{}' \
                http://HOST:PORT/csat.v1.SurveyService/ListSurveys\n";
    let mut response = Response::new(Body::new(Full::new(Bytes::from_static(body.as_bytes()))));
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    let headers = response.headers_mut();
    headers.insert("allow", HeaderValue::from_static("POST"));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// HTTP 415, naming in `accept-post` what the port takes instead.
fn unsupported_media_type(accepted: &'static str) -> Response<Body> {
    let body = format!(
        "unsupported content type: csat answers gRPC, gRPC-Web and Connect; send one of: {accepted}\n"
    );
    let mut response = Response::new(Body::new(Full::new(Bytes::from(body))));
    *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    let headers = response.headers_mut();
    headers.insert("accept-post", HeaderValue::from_static(accepted));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[test]
    fn content_types_pick_the_protocol() {
        let connect = |codec, streaming| Protocol::Connect { codec, streaming };
        for (content_type, protocol) in [
            ("application/grpc", Protocol::Grpc),
            ("application/grpc+proto", Protocol::Grpc),
            ("application/grpc-web-text", Protocol::Grpc),
            ("application/json", connect(Codec::Json, false)),
            (
                "Application/JSON; charset=utf-8",
                connect(Codec::Json, false),
            ),
            ("application/proto", connect(Codec::Protobuf, false)),
            ("application/connect+json", connect(Codec::Json, true)),
            ("application/connect+proto", connect(Codec::Protobuf, true)),
            ("text/plain", Protocol::Unsupported),
            ("application/x-www-form-urlencoded", Protocol::Unsupported),
        ] {
            assert_eq!(
                protocol_of(&headers(content_type)),
                protocol,
                "{content_type}"
            );
        }
        assert_eq!(protocol_of(&HeaderMap::new()), Protocol::Unsupported);
    }

    #[test]
    fn connect_timeouts_become_grpc_timeouts_in_range() {
        let timeout = |text: &str| grpc_timeout(&HeaderValue::from_str(text).unwrap());
        assert_eq!(timeout("1500").unwrap(), "1500m");
        assert_eq!(timeout("9999999999").unwrap(), "9999999S");
        for bad in ["", "-1", "1.5", "12345678901", "soon"] {
            assert_eq!(
                timeout(bad).unwrap_err().code(),
                Code::InvalidArgument,
                "{bad:?}"
            );
        }
    }
}
