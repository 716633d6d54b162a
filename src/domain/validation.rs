//! Field-level validation shared by every request type: why a field is refused (one closed set of
//! reasons), the ids and keys of the contract with their patterns, and the collector that names
//! every bad field of a request at once.

use std::collections::BTreeMap;

/// Why a field was refused: the closed set of `google.rpc.BadRequest.FieldViolation.reason`
/// values, which clients branch on. The proto comments (survey.proto, SurveyService) list the same
/// names with the same meanings: a new reason is a change of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldReason {
    /// The field is empty or absent, and the request needs it.
    Required,
    /// The value is not in the form its field takes: an id or key off its pattern, a NUL
    /// character in text, a timestamp or duration that is not one, a page token this call did
    /// not issue for this filter.
    BadFormat,
    /// A number or time outside the range its field allows: a score off the survey's scale, a
    /// negative page size, a confidence not between 0 and 1, an occur_time in the future.
    OutOfRange,
    /// Text longer than its field's limit in characters.
    TooLong,
    /// A list or map with more entries than its field's limit, or a report that would hold more
    /// groups, buckets or bytes than it may.
    TooMany,
    /// A value that is none of those its field takes: an enum number the contract does not have,
    /// an unknown time zone, an update_mask path that cannot be updated, a group_by entry.
    UnknownValue,
    /// An entry that a list takes once, repeated.
    Repeated,
    /// A value that contradicts another field of the request: min_score above max_score, a
    /// measure its metric does not take, compare_previous without a time range.
    Inconsistent,
}

impl FieldReason {
    /// Returns the reason as the contract spells it: `OUT_OF_RANGE`.
    pub fn name(self) -> &'static str {
        match self {
            FieldReason::Required => "REQUIRED",
            FieldReason::BadFormat => "BAD_FORMAT",
            FieldReason::OutOfRange => "OUT_OF_RANGE",
            FieldReason::TooLong => "TOO_LONG",
            FieldReason::TooMany => "TOO_MANY",
            FieldReason::UnknownValue => "UNKNOWN_VALUE",
            FieldReason::Repeated => "REPEATED",
            FieldReason::Inconsistent => "INCONSISTENT",
        }
    }
}

/// One bad field of a request: the field's path as the caller wrote it (`ratings[3].score`), why
/// it was refused, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field, in the request's own field names.
    pub field: String,
    /// Why the value was refused, for clients to branch on.
    pub reason: FieldReason,
    /// What is wrong, in a sentence the caller can act on.
    pub description: String,
}

impl FieldViolation {
    /// Returns a violation of `field` for `reason`, described by `description`.
    pub fn new(
        field: impl Into<String>,
        reason: FieldReason,
        description: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            reason,
            description: description.into(),
        }
    }
}

/// Why one value was refused, before it is given its field's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Why.
    pub reason: FieldReason,
    /// What is wrong, in a sentence the caller can act on.
    pub description: String,
}

impl Refusal {
    /// Returns the refusal for `reason`, described by `description`.
    pub fn new(reason: FieldReason, description: impl Into<String>) -> Self {
        Self {
            reason,
            description: description.into(),
        }
    }

    /// Returns the violation of `field` this refusal is.
    pub fn of_field(self, field: impl Into<String>) -> FieldViolation {
        FieldViolation::new(field, self.reason, self.description)
    }

    /// Returns the refusal of an empty value that the request needs.
    pub fn required() -> Self {
        Self::new(FieldReason::Required, "required")
    }
}

/// A `google.protobuf.Timestamp` the caller sent that is not one: its seconds fall outside
/// 0001-01-01 to 9999-12-31, or its nanos outside 0 to 999,999,999.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTimestamp;

impl InvalidTimestamp {
    /// What a violation says of such a field.
    pub const DESCRIPTION: &str = "not a valid timestamp: seconds from 0001-01-01T00:00:00Z to \
        9999-12-31T23:59:59Z, nanos from 0 to 999,999,999";
}

/// A time as a request gave it: absent, an instant, or an invalid timestamp.
pub type GivenTime = Option<Result<super::Micros, InvalidTimestamp>>;

/// The form of an id or key: the pattern the contract writes for it, and the check it stands for.
/// Each is written here once; descriptions and docs quote [`TokenPattern::text`].
#[derive(Debug)]
pub struct TokenPattern {
    text: &'static str,
    max_len: usize,
    allowed: fn(char) -> bool,
}

impl TokenPattern {
    /// Returns the pattern as the contract writes it, for descriptions to quote.
    pub const fn text(&self) -> &'static str {
        self.text
    }

    /// Returns whether `value` matches the pattern.
    pub fn matches(&self, value: &str) -> bool {
        !value.is_empty() && value.len() <= self.max_len && value.chars().all(self.allowed)
    }

    /// Returns `()` when `value` matches; else a refusal quoting the pattern.
    pub fn check(&self, value: &str) -> Result<(), Refusal> {
        if self.matches(value) {
            Ok(())
        } else {
            Err(Refusal::new(
                FieldReason::BadFormat,
                format!("must match {}", self.text),
            ))
        }
    }

    /// Returns `()` when `value` matches; else why not: empty where it is required, or off the
    /// pattern.
    pub fn check_required(&self, value: &str) -> Result<(), Refusal> {
        if value.is_empty() {
            Err(Refusal::required())
        } else {
            self.check(value)
        }
    }
}

/// Survey and benchmark ids: lowercase, so that they read well in URLs and logs.
pub const LOWERCASE_ID: TokenPattern = TokenPattern {
    text: "[a-z0-9-]{1,63}",
    max_len: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
};

/// Touchpoints, attribute keys and dimensions.
pub const KEY: TokenPattern = TokenPattern {
    text: "[a-z0-9_.-]{1,63}",
    max_len: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'),
};

/// Reason codes, and follow-ups' resolution codes (a survey's reason code or any code of the same
/// form): no dot or dash, so that a code reads as one word in any language's identifiers and in
/// the stored form of a rating's codes.
pub const REASON_CODE: TokenPattern = TokenPattern {
    text: "[a-z0-9_]{1,63}",
    max_len: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_',
};

/// Ids that callers bring from their own systems: rating and customer ids.
pub const EXTERNAL_ID: TokenPattern = TokenPattern {
    text: "[A-Za-z0-9_.:-]{1,128}",
    max_len: 128,
    allowed: |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'),
};

/// Positions in page tokens that hold more than an id: a sort key, a separator and an id.
pub const COMPOSITE_POSITION: TokenPattern = TokenPattern {
    text: "[A-Za-z0-9_.:-]{1,160}",
    max_len: 160,
    allowed: |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'),
};

/// Defines a text type that holds only values of `$pattern`, parsed once on the way in.
macro_rules! token_type {
    ($(#[$doc:meta])* $name:ident, $pattern:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The form every value takes.
            pub const PATTERN: &TokenPattern = &$pattern;

            /// Returns the value, or why it is refused: off [`Self::PATTERN`], the empty
            /// value included.
            pub fn parse(value: impl Into<String>) -> Result<Self, Refusal> {
                let value = value.into();
                Self::PATTERN.check(&value).map(|()| Self(value))
            }

            /// Returns the value of a field the request needs, or why it is refused: empty, or
            /// off [`Self::PATTERN`].
            pub fn parse_required(value: impl Into<String>) -> Result<Self, Refusal> {
                let value = value.into();
                Self::PATTERN.check_required(&value).map(|()| Self(value))
            }

            /// Returns the value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Returns the value's text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(&self.0)
            }
        }
    };
}

token_type!(
    /// A survey's id.
    SurveyId,
    LOWERCASE_ID
);
token_type!(
    /// A benchmark's id, of the same form as a survey's.
    BenchmarkId,
    LOWERCASE_ID
);
token_type!(
    /// A rating's id, chosen by the caller as its idempotency key.
    RatingId,
    EXTERNAL_ID
);
token_type!(
    /// A customer's id, from the caller's own systems.
    CustomerId,
    EXTERNAL_ID
);
token_type!(
    /// An invitation's id, chosen by the caller as its idempotency key.
    InvitationId,
    EXTERNAL_ID
);
token_type!(
    /// A touchpoint, an attribute key or a dimension.
    Key,
    KEY
);

token_type!(
    /// A reason code of a survey, which ratings name.
    ReasonCode,
    REASON_CODE
);

/// Collects the violations of one request, so that every bad field is reported at once.
#[derive(Debug, Default)]
pub struct Violations {
    prefix: String,
    found: Vec<FieldViolation>,
}

impl Violations {
    /// Returns an empty collector whose field paths start with `prefix` (empty, or `rating.`).
    pub fn with_prefix(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            found: Vec::new(),
        }
    }

    /// Records that `field` (relative to the prefix) is refused for `reason`.
    pub fn add(&mut self, field: &str, reason: FieldReason, description: impl Into<String>) {
        self.found.push(FieldViolation::new(
            format!("{}{field}", self.prefix),
            reason,
            description,
        ));
    }

    /// Returns the value `parsed` holds, or its refusal as the one violation of `field`: for a
    /// request with one field to check.
    pub fn only<T>(field: &str, parsed: Result<T, Refusal>) -> Result<T, Vec<FieldViolation>> {
        let mut violations = Violations::default();
        match violations.parse(field, parsed) {
            Some(value) => Ok(value),
            None => Err(violations.into_found()),
        }
    }

    /// Returns the value `parsed` holds, or records its refusal as a violation of `field`.
    pub fn parse<T>(&mut self, field: &str, parsed: Result<T, Refusal>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(refusal) => {
                self.found
                    .push(refusal.of_field(format!("{}{field}", self.prefix)));
                None
            }
        }
    }

    /// Returns the value of a part of the request parsed on its own, or records every violation
    /// it found (their paths are complete already).
    pub fn absorb<T>(&mut self, parsed: Result<T, Vec<FieldViolation>>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(found) => {
                self.extend(found);
                None
            }
        }
    }

    /// Records violations found elsewhere, whose paths are complete already.
    pub fn extend(&mut self, found: Vec<FieldViolation>) {
        self.found.extend(found);
    }

    /// Returns the instant `field` gave, if any; records an invalid timestamp.
    pub fn given_time(&mut self, field: &str, given: GivenTime) -> Option<super::Micros> {
        match given? {
            Ok(instant) => Some(instant),
            Err(InvalidTimestamp) => {
                self.add(field, FieldReason::BadFormat, InvalidTimestamp::DESCRIPTION);
                None
            }
        }
    }

    /// Records what is wrong with an update's `update_mask`: no path at all, or a path that is
    /// not one of `allowed` (each such path once, in the caller's order).
    pub fn check_update_mask(&mut self, paths: &[String], allowed: &[&str]) {
        if paths.is_empty() {
            self.add(
                "update_mask",
                FieldReason::Required,
                "required: name the fields to change",
            );
        }
        for path in paths {
            if !allowed.contains(&path.as_str()) {
                self.add(
                    "update_mask",
                    FieldReason::UnknownValue,
                    format!(
                        "{path:?} cannot be updated; allowed: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// Records what is wrong with the free text `value` of `field`: more than `max_chars`
    /// characters (`too_long` says so), or a NUL, which PostgreSQL cannot store in text: a NUL
    /// that reached it would fail its insert, and every later read of the column, for good.
    pub fn check_text(&mut self, field: &str, value: &str, max_chars: usize, too_long: &str) {
        if char_count(value) > max_chars {
            self.add(field, FieldReason::TooLong, too_long);
        } else if has_nul(value) {
            self.add(
                field,
                FieldReason::BadFormat,
                "must not contain NUL characters",
            );
        }
    }

    /// Records what is wrong with the attributes of a rating or a filter, each named
    /// `attributes["key"]`: keys that are not a [`Key`], values that are not free text of at most
    /// 256 characters. Callers refuse a map over their count limit before, instead of this.
    pub fn check_attributes(&mut self, attributes: &BTreeMap<String, String>) {
        for (key, value) in attributes {
            let field = format!("attributes[{key:?}]");
            if !Key::PATTERN.matches(key) {
                self.add(
                    &field,
                    FieldReason::BadFormat,
                    format!("key must match {}", Key::PATTERN.text()),
                );
            }
            self.check_text(
                &field,
                value,
                MAX_ATTRIBUTE_VALUE_CHARS,
                "value over 256 characters",
            );
        }
    }

    /// Records what is wrong with a list of ids or keys that takes each entry once: more than
    /// `most` entries (`too_many` says so), then entries off `pattern`, then entries that repeat
    /// an earlier one (`repeated` says so). The count comes first: the entries of a list over it
    /// are not worth reading one by one, and below it the search for repeats stays short.
    pub fn check_token_list(
        &mut self,
        field: &str,
        entries: &[String],
        pattern: &TokenPattern,
        most: usize,
        too_many: &str,
        repeated: &str,
    ) {
        if entries.len() > most {
            self.add(field, FieldReason::TooMany, too_many);
            return;
        }
        for (index, entry) in entries.iter().enumerate() {
            let entry_field = format!("{field}[{index}]");
            if self.parse(&entry_field, pattern.check(entry)).is_some()
                && entries[..index].contains(entry)
            {
                self.add(&entry_field, FieldReason::Repeated, repeated);
            }
        }
    }

    /// Returns `value` when nothing was recorded, else every violation recorded.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldViolation>> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            Err(self.found)
        }
    }

    /// Returns every violation recorded, for a request known to be refused: one whose parse of
    /// a field it needs found none.
    pub fn into_found(self) -> Vec<FieldViolation> {
        self.found
    }
}

/// Longest attribute value, in characters.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 256;

/// Returns whether `value` is a survey id.
pub fn is_survey_id(value: &str) -> bool {
    SurveyId::PATTERN.matches(value)
}

/// Returns whether `value` is a touchpoint, an attribute key or a dimension.
pub fn is_key(value: &str) -> bool {
    Key::PATTERN.matches(value)
}

/// Returns the field paths of `found`, in order: what tests of the fields a parse names compare.
#[cfg(test)]
pub fn fields_of(found: Vec<FieldViolation>) -> Vec<String> {
    found.into_iter().map(|violation| violation.field).collect()
}

/// Returns whether `value` holds a NUL character, which PostgreSQL cannot store in text.
pub fn has_nul(value: &str) -> bool {
    value.contains('\0')
}

/// Returns the length in characters (Unicode scalar values), the unit of every text limit.
pub fn char_count(value: &str) -> usize {
    value.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_ids_allow_lowercase_digits_and_dashes_only() {
        assert!(is_survey_id("support-chat-2026"));
        assert!(!is_survey_id(""));
        assert!(!is_survey_id("Support"));
        assert!(!is_survey_id("a_b"));
        assert!(is_survey_id(&"a".repeat(63)));
        assert!(!is_survey_id(&"a".repeat(64)));
    }

    #[test]
    fn keys_allow_underscore_and_dot() {
        assert!(is_key("support_chat.v2-x"));
        assert!(!is_key("Agent"));
        assert!(!is_key("a b"));
        assert!(!is_key(&"k".repeat(64)));
    }

    #[test]
    fn external_ids_allow_colons_and_capitals_up_to_128() {
        assert!(EXTERNAL_ID.matches("Ticket:42_a.b-c"));
        assert!(!EXTERNAL_ID.matches("with space"));
        assert!(!EXTERNAL_ID.matches("é"));
        assert!(EXTERNAL_ID.matches(&"x".repeat(128)));
        assert!(!EXTERNAL_ID.matches(&"x".repeat(129)));
    }

    #[test]
    fn an_empty_id_is_required_and_a_malformed_one_is_bad_format() {
        assert_eq!(
            SurveyId::parse_required("").unwrap_err(),
            Refusal::required()
        );
        assert_eq!(
            SurveyId::parse("").unwrap_err().reason,
            FieldReason::BadFormat
        );
        assert_eq!(
            RatingId::parse("has space").unwrap_err(),
            Refusal::new(
                FieldReason::BadFormat,
                format!("must match {}", EXTERNAL_ID.text())
            )
        );
        assert_eq!(
            SurveyId::parse("chat").unwrap().as_str(),
            BenchmarkId::parse("chat").unwrap().as_str()
        );
    }

    #[test]
    fn violations_carry_the_prefix_the_reason_and_all_fields() {
        let mut violations = Violations::with_prefix("ratings[2].");
        violations.add("score", FieldReason::OutOfRange, "too high");
        let parsed = violations.parse("customer_id", CustomerId::parse("a b"));
        let found = violations.finish(()).unwrap_err();
        assert_eq!(parsed, None);
        assert_eq!(
            found,
            [
                FieldViolation::new("ratings[2].score", FieldReason::OutOfRange, "too high"),
                FieldViolation::new(
                    "ratings[2].customer_id",
                    FieldReason::BadFormat,
                    format!("must match {}", EXTERNAL_ID.text())
                ),
            ]
        );
    }

    #[test]
    fn violations_of_a_part_parsed_on_its_own_join_the_others() {
        let mut violations = Violations::default();
        let part: Result<(), _> = Err(vec![FieldViolation::new(
            "query.min_sample",
            FieldReason::OutOfRange,
            "must not be negative",
        )]);
        violations.absorb(part);
        violations.add("min_interval", FieldReason::OutOfRange, "from 0.1 s to 1 h");
        let fields = fields_of(violations.finish(()).unwrap_err());
        assert_eq!(fields, ["query.min_sample", "min_interval"]);
    }

    #[test]
    fn text_over_its_limit_is_too_long_and_a_nul_is_bad_format() {
        let mut violations = Violations::default();
        violations.check_text("comment", "ab", 1, "at most 1 character");
        violations.check_text("source", "a\0", 10, "at most 10 characters");
        let reasons: Vec<FieldReason> = violations
            .finish(())
            .unwrap_err()
            .into_iter()
            .map(|violation| violation.reason)
            .collect();
        assert_eq!(reasons, [FieldReason::TooLong, FieldReason::BadFormat]);
    }
}
