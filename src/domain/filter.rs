//! Which ratings a list, a stream or a report is about.

use std::collections::BTreeMap;

use super::validation::{CustomerId, FieldReason, Key, ReasonCode, SurveyId, Violations};
use super::{Channel, FieldViolation, GivenTime, Micros, Rating};

/// A validated rating filter. Conditions combine with AND, values of one list with OR; an empty
/// list does not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RatingFilter {
    /// Surveys.
    pub survey_ids: Vec<String>,
    /// Touchpoints.
    pub touchpoints: Vec<String>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// One customer.
    pub customer_id: Option<String>,
    /// Lowest score, inclusive.
    pub min_score: Option<i32>,
    /// Highest score, inclusive.
    pub max_score: Option<i32>,
    /// Earliest occur_time, inclusive.
    pub start_time: Option<Micros>,
    /// Latest occur_time, exclusive.
    pub end_time: Option<Micros>,
    /// Attribute equalities; a rating without the attribute holds its empty value.
    pub attributes: BTreeMap<String, String>,
    /// Reason codes, of which a rating holds at least one.
    pub reason_codes: Vec<String>,
    /// Whether excluded ratings pass too; reports never set it.
    pub include_excluded: bool,
}

/// A filter as received: channels still wire numbers.
#[derive(Debug, Clone, Default)]
pub struct RatingFilterInput {
    /// Surveys.
    pub survey_ids: Vec<String>,
    /// Touchpoints.
    pub touchpoints: Vec<String>,
    /// Channel wire numbers.
    pub channel_numbers: Vec<i32>,
    /// One customer; empty means any.
    pub customer_id: String,
    /// Lowest score.
    pub min_score: Option<i32>,
    /// Highest score.
    pub max_score: Option<i32>,
    /// Earliest occur_time.
    pub start_time: GivenTime,
    /// Latest occur_time, exclusive.
    pub end_time: GivenTime,
    /// Attribute equalities.
    pub attributes: BTreeMap<String, String>,
    /// Reason codes.
    pub reason_codes: Vec<String>,
    /// Whether excluded ratings pass too.
    pub include_excluded: bool,
}

/// Most values in one repeated field of a filter.
pub const MAX_FILTER_VALUES: usize = 1_000;
/// Most attribute pairs in a filter. Each nests the SQL expression one level deeper, and SQLite
/// refuses an expression past a depth of 1,000 (at about 990 pairs the query failed INTERNAL). A
/// rating holds at most 32 attributes; twice that leaves room for pairs with an empty value,
/// which ask for an attribute's absence.
pub const MAX_FILTER_ATTRIBUTES: usize = 64;

impl RatingFilterInput {
    /// Returns the filter, or every violation with paths under `prefix` (`filter.`).
    pub fn parse(self, prefix: &str) -> Result<RatingFilter, Vec<FieldViolation>> {
        let mut violations = Violations::with_prefix(prefix);
        // Each value becomes a bound parameter of one SQL statement: SQLite takes 32,766 and
        // PostgreSQL 65,535 at most, and a list that long is a mistake, not a query. A list over
        // its limit is refused as a whole: its entries are not worth reading one by one.
        let mut within_limit = |field: &str, count: usize, most: usize| {
            if count > most {
                violations.add(
                    field,
                    FieldReason::TooMany,
                    format!("at most {most} values, not {count}"),
                );
            }
            count <= most
        };
        let survey_ids_within =
            within_limit("survey_ids", self.survey_ids.len(), MAX_FILTER_VALUES);
        let touchpoints_within =
            within_limit("touchpoints", self.touchpoints.len(), MAX_FILTER_VALUES);
        let channels_within =
            within_limit("channels", self.channel_numbers.len(), MAX_FILTER_VALUES);
        let attributes_within =
            within_limit("attributes", self.attributes.len(), MAX_FILTER_ATTRIBUTES);
        let reason_codes_within =
            within_limit("reason_codes", self.reason_codes.len(), MAX_FILTER_VALUES);
        if survey_ids_within {
            for (index, survey_id) in self.survey_ids.iter().enumerate() {
                violations.parse(
                    &format!("survey_ids[{index}]"),
                    SurveyId::PATTERN.check(survey_id),
                );
            }
        }
        if !self.customer_id.is_empty() {
            violations.parse("customer_id", CustomerId::PATTERN.check(&self.customer_id));
        }
        if touchpoints_within {
            for (index, touchpoint) in self.touchpoints.iter().enumerate() {
                violations.parse(
                    &format!("touchpoints[{index}]"),
                    Key::PATTERN.check(touchpoint),
                );
            }
        }
        let mut channels = Vec::new();
        if channels_within {
            for (index, number) in self.channel_numbers.iter().enumerate() {
                channels.extend(
                    violations.parse(&format!("channels[{index}]"), Channel::parse(*number)),
                );
            }
        }
        if reason_codes_within {
            for (index, code) in self.reason_codes.iter().enumerate() {
                violations.parse(
                    &format!("reason_codes[{index}]"),
                    ReasonCode::PATTERN.check(code),
                );
            }
        }
        let (start_time, end_time) = self.check_ranges(&mut violations);
        if attributes_within {
            violations.check_attributes(&self.attributes);
        }
        let filter = RatingFilter {
            survey_ids: self.survey_ids,
            touchpoints: self.touchpoints,
            channels,
            customer_id: (!self.customer_id.is_empty()).then_some(self.customer_id),
            min_score: self.min_score,
            max_score: self.max_score,
            start_time,
            end_time,
            attributes: self.attributes,
            reason_codes: self.reason_codes,
            include_excluded: self.include_excluded,
        };
        violations.finish(filter)
    }

    /// Returns the time range the filter gives, recording invalid timestamps and ranges, of
    /// scores or times, that no rating could fall in.
    fn check_ranges(&self, violations: &mut Violations) -> (Option<Micros>, Option<Micros>) {
        if let (Some(min_score), Some(max_score)) = (self.min_score, self.max_score)
            && min_score > max_score
        {
            violations.add(
                "min_score",
                FieldReason::Inconsistent,
                "must not exceed max_score",
            );
        }
        let start_time = violations.given_time("start_time", self.start_time);
        let end_time = violations.given_time("end_time", self.end_time);
        if let (Some(start_time), Some(end_time)) = (start_time, end_time)
            && start_time >= end_time
        {
            violations.add(
                "start_time",
                FieldReason::Inconsistent,
                "must be before end_time",
            );
        }
        (start_time, end_time)
    }
}

impl RatingFilter {
    /// Returns whether `rating` passes this filter. The store pushes the same conditions into SQL;
    /// this is the reference they must agree with, and what live streams apply.
    pub fn matches(&self, rating: &Rating) -> bool {
        let content = &rating.content;
        (self.include_excluded || rating.exclusion.is_none())
            && (self.survey_ids.is_empty() || self.survey_ids.contains(&rating.survey_id))
            && (self.touchpoints.is_empty() || self.touchpoints.contains(&rating.touchpoint))
            && (self.channels.is_empty() || self.channels.contains(&content.channel))
            && self
                .customer_id
                .as_ref()
                .is_none_or(|customer_id| *customer_id == content.customer_id)
            && self
                .min_score
                .is_none_or(|min_score| content.score >= min_score)
            && self
                .max_score
                .is_none_or(|max_score| content.score <= max_score)
            && self
                .start_time
                .is_none_or(|start_time| rating.occur_time >= start_time)
            && self
                .end_time
                .is_none_or(|end_time| rating.occur_time < end_time)
            && (self.reason_codes.is_empty()
                || self
                    .reason_codes
                    .iter()
                    .any(|code| content.reason_codes.contains(code)))
            && self.attributes.iter().all(|(key, value)| {
                // A rating without the attribute holds its empty value, as in a report's groups:
                // the rollups reports read count both alike and cannot tell them apart.
                content.attributes.get(key).map_or("", String::as_str) == value
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InvalidTimestamp;
    use crate::domain::RatingContent;
    use crate::domain::validation::fields_of;

    fn rating(score: i32, agent: &str) -> Rating {
        Rating {
            sequence: 1,
            survey_id: "chat".into(),
            touchpoint: "support_chat".into(),
            rating_id: "r".into(),
            content: RatingContent {
                score,
                comment: String::new(),
                customer_id: "c-1".into(),
                channel: Channel::Sms,
                attributes: BTreeMap::from([("agent".to_string(), agent.to_string())]),
                reason_codes: vec!["long_wait".into(), "rude".into()],
                invitation_id: String::new(),
            },
            occur_time: 100,
            create_time: 100,
            exclusion: None,
            erased: false,
        }
    }

    #[test]
    fn unhappy_feed_keeps_scores_up_to_two() {
        let unhappy = RatingFilter {
            max_score: Some(2),
            ..RatingFilter::default()
        };
        assert!(unhappy.matches(&rating(2, "a")));
        assert!(!unhappy.matches(&rating(3, "a")));
    }

    #[test]
    fn time_range_is_start_inclusive_end_exclusive() {
        let range = |start_time, end_time| RatingFilter {
            start_time: Some(start_time),
            end_time: Some(end_time),
            ..RatingFilter::default()
        };
        assert!(range(100, 101).matches(&rating(5, "a")));
        assert!(!range(90, 100).matches(&rating(5, "a")));
    }

    #[test]
    fn every_condition_must_hold() {
        let filter = RatingFilter {
            touchpoints: vec!["support_chat".into()],
            channels: vec![Channel::Sms, Channel::Email],
            customer_id: Some("c-1".into()),
            attributes: BTreeMap::from([("agent".to_string(), "a".to_string())]),
            ..RatingFilter::default()
        };
        assert!(filter.matches(&rating(5, "a")));
        assert!(!filter.matches(&rating(5, "b")));
    }

    #[test]
    fn an_empty_value_also_matches_a_rating_without_the_attribute() {
        let with_agent = |value: &str| RatingFilter {
            attributes: BTreeMap::from([("agent".to_string(), value.to_string())]),
            ..RatingFilter::default()
        };
        let mut without_agent = rating(5, "");
        without_agent.content.attributes.clear();
        assert!(with_agent("").matches(&without_agent));
        assert!(with_agent("").matches(&rating(5, "")));
        assert!(!with_agent("").matches(&rating(5, "a")));
        assert!(!with_agent("a").matches(&without_agent));
    }

    #[test]
    fn reason_codes_select_ratings_holding_any_of_them() {
        let holding = |codes: &[&str]| RatingFilter {
            reason_codes: codes.iter().map(|code| code.to_string()).collect(),
            ..RatingFilter::default()
        };
        let mut without_reasons = rating(5, "a");
        without_reasons.content.reason_codes.clear();

        assert!(holding(&["rude"]).matches(&rating(5, "a")));
        assert!(holding(&["wrong_answer", "long_wait"]).matches(&rating(5, "a")));
        assert!(!holding(&["wrong_answer"]).matches(&rating(5, "a")));
        assert!(!holding(&["rude"]).matches(&without_reasons));
        assert!(holding(&[]).matches(&without_reasons));
    }

    #[test]
    fn a_reason_code_off_its_pattern_is_named() {
        let input = RatingFilterInput {
            reason_codes: vec!["rude".into(), "Long-Wait".into()],
            ..RatingFilterInput::default()
        };
        assert_eq!(
            fields_of(input.parse("filter.").unwrap_err()),
            ["filter.reason_codes[1]"]
        );
    }

    #[test]
    fn inverted_ranges_are_refused() {
        let input = RatingFilterInput {
            min_score: Some(4),
            max_score: Some(2),
            start_time: Some(Ok(5)),
            end_time: Some(Ok(5)),
            channel_numbers: vec![42],
            ..RatingFilterInput::default()
        };
        let fields = fields_of(input.parse("filter.").unwrap_err());
        assert_eq!(
            fields,
            [
                "filter.channels[0]",
                "filter.min_score",
                "filter.start_time"
            ]
        );
    }

    #[test]
    fn lists_longer_than_a_statement_can_bind_are_refused() {
        let input = RatingFilterInput {
            survey_ids: vec!["chat".into(); MAX_FILTER_VALUES + 1],
            touchpoints: vec!["checkout".into(); MAX_FILTER_VALUES],
            ..RatingFilterInput::default()
        };
        let violations = input.parse("filter.").unwrap_err();
        assert_eq!(
            violations,
            [FieldViolation::new(
                "filter.survey_ids",
                FieldReason::TooMany,
                "at most 1000 values, not 1001"
            )]
        );
    }

    #[test]
    fn attribute_values_follow_the_rule_of_a_ratings_values() {
        let input = RatingFilterInput {
            attributes: BTreeMap::from([
                ("agent".to_string(), "a\0".to_string()),
                ("team".to_string(), "t".repeat(257)),
            ]),
            ..RatingFilterInput::default()
        };
        assert_eq!(
            input.parse("filter.").unwrap_err(),
            [
                FieldViolation::new(
                    "filter.attributes[\"agent\"]",
                    FieldReason::BadFormat,
                    "must not contain NUL characters"
                ),
                FieldViolation::new(
                    "filter.attributes[\"team\"]",
                    FieldReason::TooLong,
                    "value over 256 characters"
                ),
            ]
        );
    }

    #[test]
    fn the_entries_of_a_list_over_its_limit_are_not_checked_one_by_one() {
        let input = RatingFilterInput {
            survey_ids: vec!["Bad".into(); MAX_FILTER_VALUES + 1],
            channel_numbers: vec![42; MAX_FILTER_VALUES + 1],
            ..RatingFilterInput::default()
        };
        let fields = fields_of(input.parse("filter.").unwrap_err());
        assert_eq!(fields, ["filter.survey_ids", "filter.channels"]);
    }

    #[test]
    fn more_attribute_pairs_than_a_sqlite_expression_nests_are_refused() {
        let pairs = |count: usize| RatingFilterInput {
            attributes: (0..count)
                .map(|index| (format!("key_{index}"), "value".to_string()))
                .collect(),
            ..RatingFilterInput::default()
        };
        assert!(pairs(MAX_FILTER_ATTRIBUTES).parse("filter.").is_ok());
        assert_eq!(
            pairs(MAX_FILTER_ATTRIBUTES + 1)
                .parse("filter.")
                .unwrap_err(),
            [FieldViolation::new(
                "filter.attributes",
                FieldReason::TooMany,
                "at most 64 values, not 65"
            )]
        );
    }

    #[test]
    fn invalid_timestamps_are_named() {
        let input = RatingFilterInput {
            start_time: Some(Err(InvalidTimestamp)),
            end_time: Some(Err(InvalidTimestamp)),
            ..RatingFilterInput::default()
        };
        let violations = input.parse("filter.").unwrap_err();
        assert_eq!(
            violations,
            [
                FieldViolation::new(
                    "filter.start_time",
                    FieldReason::BadFormat,
                    InvalidTimestamp::DESCRIPTION
                ),
                FieldViolation::new(
                    "filter.end_time",
                    FieldReason::BadFormat,
                    InvalidTimestamp::DESCRIPTION
                )
            ]
        );
    }
}
