//! Calls that send request bytes as they are, valid or not: what a buggy or hostile client sends,
//! which the generated clients cannot.

use prost::bytes::{Buf, BufMut};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;

/// Encodes a request that is already bytes, and keeps the answer's bytes undecoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn encode(&mut self, item: Vec<u8>, buffer: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        buffer.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn decode(&mut self, buffer: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        Ok(Some(buffer.copy_to_bytes(buffer.remaining()).to_vec()))
    }
}

/// Calls the unary RPC `path` (`/csat.v1.SurveyService/GetSurvey`) with `request` as its encoded
/// message.
pub async fn call(
    channel: &Channel,
    path: &'static str,
    request: Vec<u8>,
) -> Result<Vec<u8>, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|cause| tonic::Status::unavailable(cause.to_string()))?;
    grpc.unary(
        tonic::Request::new(request),
        tonic::codegen::http::uri::PathAndQuery::from_static(path),
        RawCodec,
    )
    .await
    .map(tonic::Response::into_inner)
}

/// Bytes a default grpc-core client reads of a status in its metadata: the message as tonic
/// percent-encodes it into `grpc-message`, and the details base64-encoded into
/// `grpc-status-details-bin` (which repeat the message).
pub fn encoded_status_bytes(status: &tonic::Status) -> usize {
    let message: usize = status
        .message()
        .bytes()
        .map(|byte| {
            // tonic's set: controls, non-ASCII, space and " # < > ` ? { } are percent-encoded.
            if !(0x20..0x7f).contains(&byte) || b" \"#<>`?{}%".contains(&byte) {
                3
            } else {
                1
            }
        })
        .sum();
    let details = status.details().len().div_ceil(3) * 4;
    message + details
}
