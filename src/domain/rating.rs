//! Ratings: one customer's answer to one survey.

use std::collections::BTreeMap;

use super::validation::{
    CustomerId, InvitationId, RatingId, ReasonCode, Refusal, SurveyId, Violations,
};
use super::{FieldReason, FieldViolation, GivenTime, Micros, Survey};

const MAX_COMMENT_CHARS: usize = 4_000;
const MAX_ATTRIBUTES: usize = 32;
/// Most reason codes one rating holds.
pub const MAX_REASON_CODES: usize = 10;
/// How far in the future an occur_time may lie, for clocks that run a little ahead.
pub(crate) const MAX_CLOCK_SKEW_MICROS: Micros = 5 * 60 * 1_000_000;

/// How an answer came in. The numbers are the wire's and the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Not given.
    Unspecified = 0,
    /// Web chat.
    WebChat = 1,
    /// Email.
    Email = 2,
    /// Text message.
    Sms = 3,
    /// Interactive voice response.
    Ivr = 4,
    /// In an application.
    InApp = 5,
    /// Web page or form.
    Web = 6,
    /// By phone.
    Phone = 7,
    /// Anything else.
    Other = 8,
}

impl Channel {
    /// Returns the channel with this number, if there is one.
    pub fn from_number(number: i32) -> Option<Channel> {
        Some(match number {
            0 => Channel::Unspecified,
            1 => Channel::WebChat,
            2 => Channel::Email,
            3 => Channel::Sms,
            4 => Channel::Ivr,
            5 => Channel::InApp,
            6 => Channel::Web,
            7 => Channel::Phone,
            8 => Channel::Other,
            _ => return None,
        })
    }

    /// Returns the channel with this number, or the refusal of a number the contract does not
    /// have.
    pub fn parse(number: i32) -> Result<Channel, Refusal> {
        Channel::from_number(number).ok_or_else(|| {
            Refusal::new(
                FieldReason::UnknownValue,
                format!("unknown channel {number}"),
            )
        })
    }

    /// Returns the channel's number.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// Returns the channel's name as the contract spells it: `CHANNEL_WEB_CHAT`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Unspecified => "CHANNEL_UNSPECIFIED",
            Channel::WebChat => "CHANNEL_WEB_CHAT",
            Channel::Email => "CHANNEL_EMAIL",
            Channel::Sms => "CHANNEL_SMS",
            Channel::Ivr => "CHANNEL_IVR",
            Channel::InApp => "CHANNEL_IN_APP",
            Channel::Web => "CHANNEL_WEB",
            Channel::Phone => "CHANNEL_PHONE",
            Channel::Other => "CHANNEL_OTHER",
        }
    }
}

/// What a caller says about a rating; two submissions with the same key are the same rating when
/// their content is equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingContent {
    /// The score.
    pub score: i32,
    /// Free text.
    pub comment: String,
    /// Who answered; empty when not known.
    pub customer_id: String,
    /// How it came in.
    pub channel: Channel,
    /// Context.
    pub attributes: BTreeMap<String, String>,
    /// The reasons picked, sorted: the same reasons sent in another order are the same content.
    pub reason_codes: Vec<String>,
    /// The invitation this rating answers; empty when none. Kept by erasure: it identifies an
    /// invitation, not the customer.
    pub invitation_id: String,
}

impl RatingContent {
    /// Returns this content with what identifies the customer erased: comment, customer_id and
    /// attributes; scores, channel and reason codes stay, so that aggregate numbers do not move.
    pub fn erased(&self) -> RatingContent {
        RatingContent {
            comment: String::new(),
            customer_id: String::new(),
            attributes: BTreeMap::new(),
            ..self.clone()
        }
    }
}

/// A rating that passed every check that needs no survey, ready for the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRating {
    /// The survey answered.
    pub survey_id: String,
    /// Idempotency key.
    pub rating_id: String,
    /// Whether the caller chose `rating_id`; a generated one can never be a retry.
    pub rating_id_given: bool,
    /// What was answered.
    pub content: RatingContent,
    /// When the customer answered; receipt time when the caller gave none.
    pub occur_time: Micros,
    /// Whether the caller gave occur_time; a retry without one matches any stored time.
    pub occur_time_given: bool,
    /// For each of `content.reason_codes`, its index in the request, so that a refusal names
    /// the field as the caller sent it (`reason_codes[2]`), not its place once sorted.
    pub reason_code_indexes: Vec<usize>,
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// Position in commit order.
    pub sequence: i64,
    /// The survey answered.
    pub survey_id: String,
    /// The survey's touchpoint, fixed with the survey and kept with each rating for filtering.
    pub touchpoint: String,
    /// Idempotency key.
    pub rating_id: String,
    /// What was answered.
    pub content: RatingContent,
    /// When the customer answered.
    pub occur_time: Micros,
    /// When it was stored.
    pub create_time: Micros,
    /// Set while the rating is taken out of every number.
    pub exclusion: Option<Exclusion>,
    /// Whether the customer's data was erased: comment, customer_id and attributes are empty.
    pub erased: bool,
}

/// Most characters of an exclusion's note.
pub const MAX_EXCLUSION_NOTE_CHARS: usize = 1_000;

/// Why a rating was taken out of the numbers. The numbers are the wire's and the database's,
/// where 0 means not excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExclusionReason {
    /// A test answer.
    Test = 1,
    /// Spam or abuse.
    Spam = 2,
    /// The same answer given twice under two keys.
    DuplicateResponse = 3,
    /// An employee's answer.
    Employee = 4,
    /// Anything else.
    Other = 5,
}

impl ExclusionReason {
    /// Returns the reason with this number, if there is one (0, unspecified, is none).
    pub fn from_number(number: i32) -> Option<ExclusionReason> {
        Some(match number {
            1 => ExclusionReason::Test,
            2 => ExclusionReason::Spam,
            3 => ExclusionReason::DuplicateResponse,
            4 => ExclusionReason::Employee,
            5 => ExclusionReason::Other,
            _ => return None,
        })
    }

    /// Returns the reason a request gives, or why it cannot be one.
    pub fn parse(number: i32) -> Result<ExclusionReason, Refusal> {
        match number {
            0 => Err(Refusal::new(
                FieldReason::Required,
                "say why the rating is excluded",
            )),
            _ => ExclusionReason::from_number(number).ok_or_else(|| {
                Refusal::new(
                    FieldReason::UnknownValue,
                    format!("unknown exclusion reason {number}"),
                )
            }),
        }
    }

    /// Returns the reason's number.
    pub fn number(self) -> i32 {
        self as i32
    }
}

/// Who took a rating out of the numbers, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// Why.
    pub reason: ExclusionReason,
    /// The caller's note.
    pub note: String,
    /// The caller's principal.
    pub principal: String,
    /// When.
    pub exclude_time: Micros,
}

/// The fields of a rating as received, before validation.
#[derive(Debug, Clone, Default)]
pub struct RatingInput {
    /// Requested key; empty means generate one.
    pub rating_id: String,
    /// The survey answered.
    pub survey_id: String,
    /// The score.
    pub score: i32,
    /// Free text.
    pub comment: String,
    /// Who answered.
    pub customer_id: String,
    /// The channel's wire number.
    pub channel_number: i32,
    /// Context.
    pub attributes: BTreeMap<String, String>,
    /// When the customer answered, if given.
    pub occur_time: GivenTime,
    /// Reason codes, in the caller's order.
    pub reason_codes: Vec<String>,
    /// The invitation answered; empty when none.
    pub invitation_id: String,
}

impl RatingInput {
    /// Returns the rating this input describes, or every field violation (paths start with
    /// `prefix`, such as `rating.` or `ratings[3].`). The score is checked against the survey by
    /// [`NewRating::check_against`].
    pub fn parse(self, prefix: &str, now: Micros) -> Result<NewRating, Vec<FieldViolation>> {
        let mut violations = Violations::with_prefix(prefix);
        // A value refused is replaced by a stand-in (empty, unspecified): the rating is then
        // refused as a whole, stand-ins with it.
        let survey_id = violations.parse("survey_id", SurveyId::parse_required(self.survey_id));
        let rating_id_given = !self.rating_id.is_empty();
        let rating_id = if rating_id_given {
            violations
                .parse("rating_id", RatingId::parse(self.rating_id))
                .map_or_else(String::new, RatingId::into_string)
        } else {
            uuid::Uuid::now_v7().to_string()
        };
        let customer_id = if self.customer_id.is_empty() {
            self.customer_id
        } else {
            violations
                .parse("customer_id", CustomerId::parse(self.customer_id))
                .map_or_else(String::new, CustomerId::into_string)
        };
        violations.check_text(
            "comment",
            &self.comment,
            MAX_COMMENT_CHARS,
            "at most 4,000 characters",
        );
        let invitation_id = if self.invitation_id.is_empty() {
            self.invitation_id
        } else {
            violations
                .parse("invitation_id", InvitationId::parse(self.invitation_id))
                .map_or_else(String::new, InvitationId::into_string)
        };
        let channel = violations.parse("channel", Channel::parse(self.channel_number));
        // The count first: the entries of a map over it are not worth reading one by one.
        if self.attributes.len() > MAX_ATTRIBUTES {
            violations.add("attributes", FieldReason::TooMany, "at most 32 attributes");
        } else {
            violations.check_attributes(&self.attributes);
        }
        violations.check_token_list(
            "reason_codes",
            &self.reason_codes,
            ReasonCode::PATTERN,
            MAX_REASON_CODES,
            "at most 10 reason codes",
            "repeated reason code",
        );
        let mut reason_code_indexes: Vec<usize> = (0..self.reason_codes.len()).collect();
        reason_code_indexes
            .sort_by(|left, right| self.reason_codes[*left].cmp(&self.reason_codes[*right]));
        let reason_codes = reason_code_indexes
            .iter()
            .map(|index| self.reason_codes[*index].clone())
            .collect();
        let occur_time = match violations.given_time("occur_time", self.occur_time) {
            Some(occur_time) if occur_time > now.saturating_add(MAX_CLOCK_SKEW_MICROS) => {
                violations.add(
                    "occur_time",
                    FieldReason::OutOfRange,
                    "more than 5 minutes in the future",
                );
                None
            }
            occur_time => occur_time,
        };
        let rating = NewRating {
            survey_id: survey_id.map_or_else(String::new, SurveyId::into_string),
            rating_id,
            rating_id_given,
            content: RatingContent {
                score: self.score,
                comment: self.comment,
                customer_id,
                channel: channel.unwrap_or(Channel::Unspecified),
                attributes: self.attributes,
                reason_codes,
                invitation_id,
            },
            occur_time: occur_time.unwrap_or(now),
            occur_time_given: occur_time.is_some(),
            reason_code_indexes,
        };
        violations.finish(rating)
    }
}

impl NewRating {
    /// Returns what `survey` refuses of this rating, each field relative to the rating: a score
    /// off its scale, reason codes it does not offer.
    pub fn violations_against(&self, survey: &Survey) -> Vec<FieldViolation> {
        let mut violations = Violations::default();
        violations.parse("score", survey.check_score(self.content.score));
        let mut unknown: Vec<(usize, Refusal)> = self
            .content
            .reason_codes
            .iter()
            .zip(&self.reason_code_indexes)
            .filter_map(|(code, index)| {
                survey
                    .check_reason_code(code)
                    .err()
                    .map(|refusal| (*index, refusal))
            })
            .collect();
        unknown.sort_by_key(|(index, _)| *index);
        for (index, refusal) in unknown {
            violations.parse::<()>(&format!("reason_codes[{index}]"), Err(refusal));
        }
        violations.into_found()
    }

    /// Returns whether `stored` is this same rating sent before: equal content, and equal
    /// occur_time when this one names it.
    /// An erased rating matches on what erasure keeps: its retry is a duplicate.
    pub fn is_retry_of(&self, stored: &Rating) -> bool {
        let same_content = if stored.erased {
            self.content.erased() == stored.content
        } else {
            self.content == stored.content
        };
        same_content && (!self.occur_time_given || self.occur_time == stored.occur_time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InvalidTimestamp;
    use crate::domain::validation::fields_of;

    fn input() -> RatingInput {
        RatingInput {
            rating_id: "r-1".into(),
            survey_id: "chat".into(),
            score: 4,
            channel_number: 1,
            ..RatingInput::default()
        }
    }

    #[test]
    fn a_valid_input_keeps_its_fields() {
        let rating = input().parse("rating.", 1_000).unwrap();
        assert_eq!(rating.rating_id, "r-1");
        assert_eq!(rating.content.channel, Channel::WebChat);
        assert_eq!(rating.occur_time, 1_000);
        assert!(!rating.occur_time_given);
    }

    #[test]
    fn every_bad_field_is_named_with_the_prefix() {
        let mut attributes = BTreeMap::new();
        attributes.insert("Bad Key".to_string(), "v".repeat(257));
        let bad = RatingInput {
            rating_id: "has space".into(),
            survey_id: String::new(),
            comment: "x".repeat(4_001),
            channel_number: 99,
            attributes,
            occur_time: Some(Ok(MAX_CLOCK_SKEW_MICROS + 2)),
            ..input()
        };
        let fields = fields_of(bad.parse("ratings[3].", 1).unwrap_err());
        assert_eq!(
            fields,
            [
                "ratings[3].survey_id",
                "ratings[3].rating_id",
                "ratings[3].comment",
                "ratings[3].channel",
                "ratings[3].attributes[\"Bad Key\"]",
                "ratings[3].attributes[\"Bad Key\"]",
                "ratings[3].occur_time",
            ]
        );
    }

    #[test]
    fn an_invalid_timestamp_is_not_taken_for_a_time_in_the_future() {
        let bad = RatingInput {
            occur_time: Some(Err(InvalidTimestamp)),
            ..input()
        };
        let violations = bad.parse("rating.", 0).unwrap_err();
        assert_eq!(
            violations,
            [FieldViolation::new(
                "rating.occur_time",
                FieldReason::BadFormat,
                InvalidTimestamp::DESCRIPTION
            )]
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let mut attributes = BTreeMap::new();
        for index in 0..32 {
            attributes.insert(format!("k{index}"), "v".repeat(256));
        }
        let at_limits = RatingInput {
            comment: "é".repeat(4_000),
            attributes,
            occur_time: Some(Ok(MAX_CLOCK_SKEW_MICROS + 1)),
            ..input()
        };
        assert!(at_limits.parse("", 1).is_ok());
    }

    #[test]
    fn a_nul_in_the_comment_is_refused() {
        let with_nul = RatingInput {
            comment: "bad\0byte".into(),
            ..input()
        };
        assert_eq!(with_nul.parse("", 1).unwrap_err()[0].field, "comment");
    }

    #[test]
    fn a_nul_in_an_attribute_value_is_refused() {
        let with_nul = RatingInput {
            attributes: BTreeMap::from([("agent".to_string(), "a\0".to_string())]),
            ..input()
        };
        assert_eq!(
            with_nul.parse("rating.", 1).unwrap_err(),
            [FieldViolation::new(
                "rating.attributes[\"agent\"]",
                FieldReason::BadFormat,
                "must not contain NUL characters"
            )]
        );
    }

    #[test]
    fn over_thirty_two_attributes_is_refused() {
        let attributes = (0..33)
            .map(|index| (format!("k{index}"), String::new()))
            .collect();
        let too_many = RatingInput {
            attributes,
            ..input()
        };
        let violations = too_many.parse("", 1).unwrap_err();
        assert_eq!(violations[0].field, "attributes");
    }

    #[test]
    fn reason_codes_are_sorted_and_remember_where_the_caller_put_them() {
        let rating = RatingInput {
            reason_codes: vec!["wrong_answer".into(), "long_wait".into(), "rude".into()],
            ..input()
        }
        .parse("", 1)
        .unwrap();
        assert_eq!(
            rating.content.reason_codes,
            ["long_wait", "rude", "wrong_answer"]
        );
        assert_eq!(rating.reason_code_indexes, [1, 2, 0]);
    }

    #[test]
    fn bad_reason_codes_are_each_named_and_over_ten_are_too_many() {
        let bad = RatingInput {
            reason_codes: vec!["rude".into(), "Rude".into(), "rude".into(), String::new()],
            ..input()
        };
        let found: Vec<(String, FieldReason)> = bad
            .parse("rating.", 1)
            .unwrap_err()
            .into_iter()
            .map(|violation| (violation.field, violation.reason))
            .collect();
        assert_eq!(
            found,
            [
                ("rating.reason_codes[1]".into(), FieldReason::BadFormat),
                ("rating.reason_codes[2]".into(), FieldReason::Repeated),
                ("rating.reason_codes[3]".into(), FieldReason::BadFormat),
            ]
        );
        let codes = |count: usize| RatingInput {
            reason_codes: (0..count).map(|index| format!("c{index}")).collect(),
            ..input()
        };
        assert!(codes(MAX_REASON_CODES).parse("", 1).is_ok());
        assert_eq!(
            fields_of(codes(MAX_REASON_CODES + 1).parse("", 1).unwrap_err()),
            ["reason_codes"]
        );
    }

    #[test]
    fn a_survey_refuses_codes_it_does_not_offer_naming_them_as_sent() {
        let survey = crate::domain::SurveyDraft {
            touchpoint: "support_chat".into(),
            metric: Some(crate::domain::Metric::Csat),
            reasons: vec![crate::domain::SurveyReason {
                code: "rude".into(),
                label: "Rude".into(),
            }],
            ..crate::domain::SurveyDraft::default()
        }
        .into_survey("", 0)
        .unwrap();
        let rating = RatingInput {
            score: 6,
            reason_codes: vec!["zebra".into(), "rude".into(), "apple".into()],
            ..input()
        }
        .parse("", 1)
        .unwrap();
        assert_eq!(
            fields_of(rating.violations_against(&survey)),
            ["score", "reason_codes[0]", "reason_codes[2]"]
        );
    }

    #[test]
    fn a_retry_without_occur_time_matches_any_stored_time() {
        let retry = input().parse("", 99).unwrap();
        let stored = Rating {
            sequence: 1,
            survey_id: retry.survey_id.clone(),
            touchpoint: "support_chat".into(),
            rating_id: retry.rating_id.clone(),
            content: retry.content.clone(),
            occur_time: 5,
            create_time: 5,
            exclusion: None,
            erased: false,
        };
        assert!(retry.is_retry_of(&stored));
        let changed = RatingInput {
            score: 2,
            ..input()
        }
        .parse("", 99)
        .unwrap();
        assert!(!changed.is_retry_of(&stored));
        let other_time = RatingInput {
            occur_time: Some(Ok(6)),
            ..input()
        }
        .parse("", 99)
        .unwrap();
        assert!(!other_time.is_retry_of(&stored));
    }
}
