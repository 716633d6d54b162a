//! The length-prefixed framing gRPC and Connect streams share: a flags byte, a big-endian u32
//! length, the message. Only the flags differ: Connect marks its last response message (the
//! end-stream message, JSON whatever the codec) with 0x02.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tonic::Status;

/// Flag of a compressed message, in both protocols.
pub const COMPRESSED: u8 = 0x01;
/// Flag of Connect's end-stream message.
pub const END_STREAM: u8 = 0x02;
const PREFIX_BYTES: usize = 5;

/// Returns `message` framed with `flags`.
pub fn envelope(flags: u8, message: &[u8]) -> Bytes {
    let mut framed = BytesMut::with_capacity(PREFIX_BYTES + message.len());
    framed.put_u8(flags);
    // Messages are capped far below 4 GiB by `Envelopes::max_message_bytes` and the codecs.
    framed.put_u32(u32::try_from(message.len()).unwrap_or(u32::MAX));
    framed.put_slice(message);
    framed.freeze()
}

/// Splits a byte stream, as it arrives in pieces of any size, into enveloped messages.
#[derive(Debug)]
pub struct Envelopes {
    buffered: BytesMut,
    max_message_bytes: usize,
}

impl Envelopes {
    /// Refuses any message longer than `max_message_bytes` before buffering it.
    pub fn new(max_message_bytes: usize) -> Self {
        Self {
            buffered: BytesMut::new(),
            max_message_bytes,
        }
    }

    /// Adds the next piece of the stream.
    pub fn push(&mut self, piece: &[u8]) {
        self.buffered.extend_from_slice(piece);
    }

    /// Returns the next complete message with its flags, `None` until one is complete.
    pub fn next_message(&mut self) -> Result<Option<(u8, Bytes)>, Status> {
        if self.buffered.len() < PREFIX_BYTES {
            return Ok(None);
        }
        let flags = self.buffered[0];
        let length = u32::from_be_bytes([
            self.buffered[1],
            self.buffered[2],
            self.buffered[3],
            self.buffered[4],
        ]) as usize;
        if length > self.max_message_bytes {
            return Err(Status::resource_exhausted(format!(
                "a message of {length} bytes is over the limit of {} bytes",
                self.max_message_bytes
            )));
        }
        if self.buffered.len() < PREFIX_BYTES + length {
            return Ok(None);
        }
        self.buffered.advance(PREFIX_BYTES);
        Ok(Some((flags, self.buffered.split_to(length).freeze())))
    }

    /// Whether a message was begun and not completed: at the end of the stream, it was cut.
    pub fn holds_partial_message(&self) -> bool {
        !self.buffered.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_split_across_pieces_come_out_whole_and_in_order() {
        let mut stream = envelope(0, b"first").to_vec();
        stream.extend_from_slice(&envelope(END_STREAM, b"{}"));
        let mut envelopes = Envelopes::new(1024);
        let mut seen = Vec::new();
        for byte in stream {
            envelopes.push(&[byte]);
            while let Some(message) = envelopes.next_message().unwrap() {
                seen.push(message);
            }
        }
        assert_eq!(
            seen,
            vec![
                (0, Bytes::from_static(b"first")),
                (END_STREAM, Bytes::from_static(b"{}"))
            ]
        );
        assert!(!envelopes.holds_partial_message());
    }

    #[test]
    fn an_oversized_length_is_refused_before_its_bytes_arrive() {
        let mut envelopes = Envelopes::new(4);
        envelopes.push(&envelope(0, b"12345")[..5]);
        let refusal = envelopes.next_message().unwrap_err();
        assert_eq!(refusal.code(), tonic::Code::ResourceExhausted);
    }

    #[test]
    fn a_cut_message_is_reported_as_partial() {
        let mut envelopes = Envelopes::new(1024);
        envelopes.push(&envelope(0, b"abc")[..6]);
        assert_eq!(envelopes.next_message().unwrap(), None);
        assert!(envelopes.holds_partial_message());
    }
}
