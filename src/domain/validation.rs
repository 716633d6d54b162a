//! Field-level validation shared by every request type.

use std::collections::BTreeMap;

/// One bad field of a request: the field's path as the caller wrote it (`ratings[3].score`) and what
/// is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field, in the request's own field names.
    pub field: String,
    /// Why the value was refused, in a sentence the caller can act on.
    pub description: String,
}

impl FieldViolation {
    /// Returns a violation of `field` described by `description`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
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

    /// Records that `field` (relative to the prefix) is bad.
    pub fn add(&mut self, field: &str, description: impl Into<String>) {
        self.found.push(FieldViolation::new(
            format!("{}{field}", self.prefix),
            description,
        ));
    }

    /// Returns the instant `field` gave, if any; records an invalid timestamp.
    pub fn given_time(&mut self, field: &str, given: GivenTime) -> Option<super::Micros> {
        match given? {
            Ok(instant) => Some(instant),
            Err(InvalidTimestamp) => {
                self.add(field, InvalidTimestamp::DESCRIPTION);
                None
            }
        }
    }

    /// Records what is wrong with the free text `value` of `field`: more than `max_chars`
    /// characters (`too_long` says so), or a NUL, which PostgreSQL cannot store in text: a NUL
    /// that reached it would fail its insert, and every later read of the column, for good.
    pub fn check_text(&mut self, field: &str, value: &str, max_chars: usize, too_long: &str) {
        if char_count(value) > max_chars {
            self.add(field, too_long);
        } else if has_nul(value) {
            self.add(field, "must not contain NUL characters");
        }
    }

    /// Records what is wrong with the attributes of a rating or a filter, each named
    /// `attributes["key"]`: keys not `[a-z0-9_.-]{1,63}`, values that are not free text of at most
    /// 256 characters. Callers refuse a map over their count limit before, instead of this.
    pub fn check_attributes(&mut self, attributes: &BTreeMap<String, String>) {
        for (key, value) in attributes {
            let field = format!("attributes[{key:?}]");
            if !is_key(key) {
                self.add(&field, "key must match [a-z0-9_.-]{1,63}");
            }
            self.check_text(
                &field,
                value,
                MAX_ATTRIBUTE_VALUE_CHARS,
                "value over 256 characters",
            );
        }
    }

    /// Records violations found elsewhere, whose paths are complete already.
    pub fn extend(&mut self, found: Vec<FieldViolation>) {
        self.found.extend(found);
    }

    /// Returns `value` when nothing was recorded, else every violation recorded.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldViolation>> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            Err(self.found)
        }
    }

    /// Returns every violation recorded.
    pub fn into_found(self) -> Vec<FieldViolation> {
        self.found
    }

    /// Returns whether nothing was recorded so far.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }
}

/// Longest attribute value, in characters.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 256;

/// Survey ids: `[a-z0-9-]{1,63}`.
pub fn is_survey_id(value: &str) -> bool {
    is_token(value, 63, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    })
}

/// Touchpoints, attribute keys and dimensions: `[a-z0-9_.-]{1,63}`.
pub fn is_key(value: &str) -> bool {
    is_token(value, 63, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')
    })
}

/// Rating and customer ids: `[A-Za-z0-9_.:-]{1,128}`.
pub fn is_external_id(value: &str) -> bool {
    is_token(value, 128, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')
    })
}

fn is_token(value: &str, max_len: usize, allowed: impl Fn(char) -> bool) -> bool {
    !value.is_empty() && value.len() <= max_len && value.chars().all(allowed)
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
        assert!(is_external_id("Ticket:42_a.b-c"));
        assert!(!is_external_id("with space"));
        assert!(!is_external_id("é"));
        assert!(is_external_id(&"x".repeat(128)));
        assert!(!is_external_id(&"x".repeat(129)));
    }

    #[test]
    fn violations_carry_the_prefix_and_all_fields() {
        let mut violations = Violations::with_prefix("ratings[2].");
        violations.add("score", "too high");
        violations.add("comment", "too long");
        let found = violations.finish(()).unwrap_err();
        assert_eq!(found[0].field, "ratings[2].score");
        assert_eq!(found[1].field, "ratings[2].comment");
    }
}
