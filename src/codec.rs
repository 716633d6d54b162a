//! The codec of every csat service: prost's, except that a message that does not decode is the
//! sender's fault. tonic-prost answers it INTERNAL, which tells a caller the service failed and
//! hides that its own request (malformed protobuf, a string that is not UTF-8) is what to fix.

use std::collections::HashMap;
use std::marker::PhantomData;

use prost::Message;
use tonic::codec::{Codec, DecodeBuf, Decoder};
use tonic::{Code, Status};
use tonic_prost::{ProstCodec, ProstEncoder};
use tonic_types::{ErrorDetails, StatusExt};

/// The domain of every ErrorInfo csat sends.
pub const ERROR_DOMAIN: &str = "csat";

/// Encodes with prost; refuses a message that does not decode with INVALID_ARGUMENT. The
/// generated clients use it too, where it reads this service's own answers.
#[derive(Debug, Clone)]
pub struct CsatCodec<T, U> {
    encoding: PhantomData<(T, U)>,
}

impl<T, U> Default for CsatCodec<T, U> {
    fn default() -> Self {
        Self {
            encoding: PhantomData,
        }
    }
}

impl<T, U> Codec for CsatCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = CsatDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstCodec::<T, U>::default().encoder()
    }

    fn decoder(&mut self) -> Self::Decoder {
        CsatDecoder {
            decoding: PhantomData,
        }
    }
}

/// Decodes a `U`; INVALID_ARGUMENT when the bytes are not one.
#[derive(Debug, Clone)]
pub struct CsatDecoder<U> {
    decoding: PhantomData<U>,
}

impl<U: Message + Default> Decoder for CsatDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buffer: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        U::decode(buffer).map(Some).map_err(|cause| {
            // prost names the field that failed: "failed to decode Protobuf message:
            // Rating.comment: invalid string value: data is not UTF-8 encoded".
            let details = ErrorDetails::with_error_info(
                "MALFORMED_MESSAGE",
                ERROR_DOMAIN,
                HashMap::<String, String>::new(),
            );
            Status::with_error_details(Code::InvalidArgument, cause.to_string(), details)
        })
    }
}
