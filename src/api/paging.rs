//! AIP-158 page tokens: opaque to callers, bound to the filter they were issued for.

use crate::domain::validation::{COMPOSITE_POSITION, EXTERNAL_ID, Refusal, TokenPattern};
use crate::domain::{FieldReason, Violations};

/// Page size when the caller asks for 0.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Largest page; larger requests are served this many.
pub const MAX_PAGE_SIZE: usize = 1_000;

/// Returns the page size to serve for a requested one.
pub fn page_size(requested: i32) -> Result<usize, Refusal> {
    match requested {
        0 => Ok(DEFAULT_PAGE_SIZE),
        negative if negative < 0 => Err(Refusal::new(
            FieldReason::OutOfRange,
            "must not be negative",
        )),
        positive => Ok((positive as usize).min(MAX_PAGE_SIZE)),
    }
}

/// The page a List request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<P> {
    /// Most entries to serve.
    pub limit: usize,
    /// The position to resume after; `None` for the first page.
    pub after: Option<P>,
}

/// Returns the page a request of `call` asks for with `page_size` and `page_token` (a token of the
/// encoded `filter`, whose position `read_position` reads), recording a bad one of either.
pub fn page_request<P>(
    call: ListCall,
    page_size_requested: i32,
    page_token: &str,
    filter: &[u8],
    read_position: impl Fn(String) -> Option<P>,
    violations: &mut Violations,
) -> Option<PageRequest<P>> {
    let limit = violations.parse("page_size", page_size(page_size_requested));
    let after = decode_token(call, page_token, filter).and_then(|position| {
        position
            .map(|position| read_position(position).ok_or_else(invalid_page_token))
            .transpose()
    });
    let after = violations.parse("page_token", after);
    Some(PageRequest {
        limit: limit?,
        after: after?,
    })
}

/// The calls that page, each with tokens of its own: a token of one read by another would name a
/// position in another order (a sequence read as a survey id) and silently skip or end a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListCall {
    /// `SurveyService/ListSurveys`.
    Surveys,
    /// `RatingService/ListRatings`.
    Ratings,
    /// `BenchmarkService/ListBenchmarks`.
    Benchmarks,
    /// `FollowUpService/ListFollowUps`.
    FollowUps,
    /// `CustomerService/ListCustomers`.
    Customers,
    /// `InvitationService/ListInvitations`.
    Invitations,
}

impl ListCall {
    fn name(self) -> &'static [u8] {
        match self {
            ListCall::Surveys => b"csat.v1.SurveyService/ListSurveys",
            ListCall::Ratings => b"csat.v1.RatingService/ListRatings",
            ListCall::Benchmarks => b"csat.v1.BenchmarkService/ListBenchmarks",
            ListCall::FollowUps => b"csat.v1.FollowUpService/ListFollowUps",
            ListCall::Customers => b"csat.v1.CustomerService/ListCustomers",
            ListCall::Invitations => b"csat.v1.InvitationService/ListInvitations",
        }
    }

    /// The form of the positions its tokens hold.
    fn position_pattern(self) -> &'static TokenPattern {
        match self {
            ListCall::Customers | ListCall::Invitations => &COMPOSITE_POSITION,
            ListCall::Surveys | ListCall::Ratings | ListCall::Benchmarks | ListCall::FollowUps => {
                &EXTERNAL_ID
            }
        }
    }
}

/// Most encoded bytes of a list page's items. gRPC clients refuse messages over 4 MiB by default,
/// and 1,000 ratings with long comments and many attributes take up to 50 MB.
const MAX_PAGE_BYTES: usize = 3 * 1024 * 1024;

/// Turns the stored items of a page into its messages, as many as fit in [`MAX_PAGE_BYTES`] (the
/// first one whatever its size), and returns them, the `position` of the last one kept (what
/// its next page token is made of), and whether some were left out for the next page.
pub fn within_page_bytes<T, M: prost::Message, P>(
    stored: Vec<T>,
    position: impl Fn(&T) -> P,
    into_proto: impl Fn(T) -> M,
) -> (Vec<M>, Option<P>, bool) {
    let mut page = Vec::with_capacity(stored.len());
    let mut last_position = None;
    let mut page_bytes = 0;
    for item in stored {
        let item_position = position(&item);
        let message = into_proto(item);
        let length = message.encoded_len();
        // The field's one-byte tag and its length prefix, then the item.
        page_bytes += 1 + prost::length_delimiter_len(length) + length;
        if page_bytes > MAX_PAGE_BYTES && !page.is_empty() {
            return (page, last_position, true);
        }
        page.push(message);
        last_position = Some(item_position);
    }
    (page, last_position, false)
}

/// Returns a token of `call` that resumes after `position` for the query whose encoded filter is
/// `filter`.
pub fn encode_token(call: ListCall, filter: &[u8], position: &str) -> String {
    let plain = format!("{:016x}{position}", fingerprint(call, filter, position));
    plain.bytes().map(|byte| format!("{byte:02x}")).collect()
}

/// Returns the position a token resumes after; refused when it is malformed or was issued by
/// another call or for another filter. An empty token means the first page.
pub fn decode_token(call: ListCall, token: &str, filter: &[u8]) -> Result<Option<String>, Refusal> {
    if token.is_empty() {
        return Ok(None);
    }
    if !token.len().is_multiple_of(2) {
        return Err(invalid_page_token());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(token.get(index..index + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid_page_token)?;
    let plain = String::from_utf8(bytes).map_err(|_| invalid_page_token())?;
    let (issued_for, position) = plain.split_at_checked(16).ok_or_else(invalid_page_token)?;
    // The fingerprint is no secret: a caller can forge a token, so its position must be one a
    // token can hold (a sequence or an id) before it reaches a query.
    if issued_for != format!("{:016x}", fingerprint(call, filter, position))
        || !call.position_pattern().matches(position)
    {
        return Err(invalid_page_token());
    }
    Ok(Some(position.to_string()))
}

/// The refusal of a page token that is not a `next_page_token` this call issued for this filter.
pub fn invalid_page_token() -> Refusal {
    Refusal::new(
        FieldReason::BadFormat,
        "not a next_page_token of this call: malformed, issued by another call, or for another filter",
    )
}

/// FNV-1a of the call, the filter and the position: stable across builds and platforms, unlike
/// the standard library's hasher. The position is in it so that a token cut short (a lost digit
/// is still a number) is refused rather than read as another position.
fn fingerprint(call: ListCall, filter: &[u8], position: &str) -> u64 {
    // 0xff never occurs in UTF-8 (nor in a call's name), so no triple reads as another.
    call.name()
        .iter()
        .chain(&[0xff])
        .chain(filter)
        .chain(&[0xff])
        .chain(position.as_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_for_its_own_filter() {
        let token = encode_token(ListCall::Ratings, b"filter-a", "1234");
        assert_eq!(
            decode_token(ListCall::Ratings, &token, b"filter-a").unwrap(),
            Some("1234".into())
        );
    }

    #[test]
    fn a_token_is_refused_for_another_filter_or_when_garbled() {
        let token = encode_token(ListCall::Ratings, b"filter-a", "1234");
        assert!(decode_token(ListCall::Ratings, &token, b"filter-b").is_err());
        assert!(decode_token(ListCall::Ratings, "zz", b"filter-a").is_err());
        assert!(decode_token(ListCall::Ratings, "abc", b"filter-a").is_err());
        // Cut short by one digit of the position, or by all of it.
        assert!(decode_token(ListCall::Ratings, &token[..token.len() - 2], b"filter-a").is_err());
        assert!(decode_token(ListCall::Ratings, &token[..32], b"filter-a").is_err());
        assert_eq!(
            decode_token(ListCall::Ratings, "", b"filter-a").unwrap(),
            None
        );
    }

    #[test]
    fn a_forged_token_whose_position_no_id_holds_is_refused() {
        let forged = encode_token(ListCall::Surveys, b"", "chat\0");
        assert!(decode_token(ListCall::Surveys, &forged, b"").is_err());
    }

    #[test]
    fn a_token_is_refused_by_another_call() {
        let token = encode_token(ListCall::Ratings, b"", "17");
        assert!(decode_token(ListCall::Surveys, &token, b"").is_err());
        assert!(decode_token(ListCall::Benchmarks, &token, b"").is_err());
        assert_eq!(
            decode_token(ListCall::Ratings, &token, b"").unwrap(),
            Some("17".into())
        );
    }

    #[test]
    fn page_sizes_default_and_cap() {
        assert_eq!(page_size(0).unwrap(), 50);
        assert_eq!(page_size(7).unwrap(), 7);
        assert_eq!(page_size(5_000).unwrap(), 1_000);
        assert!(page_size(-1).is_err());
    }

    #[test]
    fn a_page_keeps_what_fits_in_its_bytes_and_says_where_it_stopped() {
        let megabyte = "x".repeat(1024 * 1024);
        let stored: Vec<(u32, String)> = (1..=5).map(|n| (n, megabyte.clone())).collect();
        let (page, last, cut_short) = within_page_bytes(stored, |(n, _)| *n, |(_, text)| text);
        assert_eq!(
            page.len(),
            2,
            "three of a megabyte and their prefixes pass 3 MiB"
        );
        assert_eq!((last, cut_short), (Some(2), true));

        let small: Vec<(u32, String)> = (1..=3).map(|n| (n, "a".into())).collect();
        let (page, last, cut_short) = within_page_bytes(small, |(n, _)| *n, |(_, text)| text);
        assert_eq!((page.len(), last, cut_short), (3, Some(3), false));

        let huge = vec![(7, "x".repeat(4 * 1024 * 1024))];
        let (page, last, cut_short) = within_page_bytes(huge, |(n, _)| *n, |(_, text)| text);
        assert_eq!(
            (page.len(), last, cut_short),
            (1, Some(7), false),
            "the first one always"
        );
    }
}
