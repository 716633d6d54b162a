//! The proto3 JSON mapping of every message the port serves, from the descriptors the build
//! already compiles for reflection: one generic transcoder rather than serde on every type.

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor};
use tonic::{Code, Status};

use crate::api::with_reason;
use crate::error::{Error, Result};

/// JSON to protobuf and back, for csat's services, health, and the error details.
#[derive(Debug, Clone)]
pub struct Transcoder {
    pool: DescriptorPool,
}

impl Transcoder {
    /// Loads csat's descriptors, health's and google.rpc's (the error details).
    pub fn new() -> Result<Self> {
        let mut pool = DescriptorPool::new();
        for set in [
            crate::server::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_types::pb::FILE_DESCRIPTOR_SET,
        ] {
            pool.decode_file_descriptor_set(set)
                .map_err(Error::internal)?;
        }
        Ok(Self { pool })
    }

    /// The method a request path (`/csat.v1.RatingService/SubmitRating`) names, if served.
    pub fn method(&self, path: &str) -> Option<MethodDescriptor> {
        let (service, method) = path.strip_prefix('/')?.split_once('/')?;
        self.pool
            .get_service_by_name(service)?
            .methods()
            .find(|candidate| candidate.name() == method)
    }

    /// The message named `type_name` (`csat.v1.Rating`), if the pool knows it.
    pub fn message(&self, type_name: &str) -> Option<MessageDescriptor> {
        self.pool.get_message_by_name(type_name)
    }

    /// Encodes `json`, a `message` in the proto3 JSON mapping (field names in lowerCamelCase or
    /// as in the .proto), as protobuf. An empty body is the empty message, so that `curl -d ''`
    /// works for requests without fields. INVALID_ARGUMENT (`MALFORMED_MESSAGE`) names what
    /// did not parse.
    pub fn json_to_protobuf(
        &self,
        message: &MessageDescriptor,
        json: &[u8],
    ) -> std::result::Result<Vec<u8>, Status> {
        if json.iter().all(u8::is_ascii_whitespace) {
            return Ok(Vec::new());
        }
        let malformed = |cause: serde_json::Error| {
            with_reason(
                Code::InvalidArgument,
                "MALFORMED_MESSAGE",
                format!("the body is not a {} in JSON: {cause}", message.full_name()),
            )
        };
        let mut reader = serde_json::Deserializer::from_slice(json);
        let decoded =
            DynamicMessage::deserialize(message.clone(), &mut reader).map_err(malformed)?;
        reader.end().map_err(malformed)?;
        Ok(decoded.encode_to_vec())
    }

    /// Writes `protobuf`, an encoded `message`, in the proto3 JSON mapping: lowerCamelCase
    /// names, 64-bit integers as strings, fields at their default value left out.
    pub fn protobuf_to_json(
        &self,
        message: &MessageDescriptor,
        protobuf: &[u8],
    ) -> std::result::Result<Vec<u8>, Status> {
        let decoded = DynamicMessage::decode(message.clone(), protobuf).map_err(|cause| {
            Status::internal(format!(
                "an answer did not decode as {}: {cause}",
                message.full_name()
            ))
        })?;
        serde_json::to_vec(&decoded)
            .map_err(|cause| Status::internal(format!("an answer did not map to JSON: {cause}")))
    }

    /// The JSON of an error detail (`google.rpc.BadRequest`…) for Connect's `debug` field,
    /// `None` for a type the pool does not know.
    pub fn detail_json(&self, type_name: &str, protobuf: &[u8]) -> Option<serde_json::Value> {
        let descriptor = self.message(type_name)?;
        let decoded = DynamicMessage::decode(descriptor, protobuf).ok()?;
        serde_json::to_value(&decoded).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcoder() -> Transcoder {
        Transcoder::new().expect("the built descriptors load")
    }

    #[test]
    fn a_submit_round_trips_with_camel_case_and_proto_names_alike() {
        let transcoder = transcoder();
        let method = transcoder
            .method("/csat.v1.RatingService/SubmitRating")
            .expect("SubmitRating is served");
        let input = method.input();
        for body in [
            r#"{"rating": {"surveyId": "s", "ratingId": "r-1", "score": 4}}"#,
            r#"{"rating": {"survey_id": "s", "rating_id": "r-1", "score": 4}}"#,
        ] {
            let protobuf = transcoder
                .json_to_protobuf(&input, body.as_bytes())
                .unwrap();
            let decoded = crate::pb::SubmitRatingRequest::decode(protobuf.as_slice()).unwrap();
            let rating = decoded.rating.unwrap();
            assert_eq!((rating.survey_id.as_str(), rating.score), ("s", 4));
            let json = transcoder.protobuf_to_json(&input, &protobuf).unwrap();
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            assert_eq!(value["rating"]["ratingId"], "r-1");
        }
    }

    #[test]
    fn unknown_fields_and_trailing_bytes_are_refused_naming_the_message() {
        let transcoder = transcoder();
        let input = transcoder
            .method("/csat.v1.SurveyService/GetSurvey")
            .unwrap()
            .input();
        for body in [r#"{"surveyid": "x"}"#, r#"{"surveyId": "x"} {}"#, "{"] {
            let refusal = transcoder
                .json_to_protobuf(&input, body.as_bytes())
                .unwrap_err();
            assert_eq!(refusal.code(), Code::InvalidArgument, "{body}");
            assert!(
                refusal.message().contains("csat.v1.GetSurveyRequest"),
                "{body}"
            );
        }
        assert_eq!(
            transcoder.json_to_protobuf(&input, b" \n").unwrap(),
            Vec::<u8>::new()
        );
    }

    #[test]
    fn health_and_unknown_paths_resolve_as_served() {
        let transcoder = transcoder();
        assert!(transcoder.method("/grpc.health.v1.Health/Check").is_some());
        assert!(transcoder.method("/csat.v1.RatingService/Nope").is_none());
        assert!(transcoder.method("/nope").is_none());
        assert!(
            transcoder
                .detail_json("google.rpc.BadRequest", &[])
                .is_some()
        );
    }
}
