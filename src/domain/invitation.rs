//! Invitations: a caller's request to a customer to answer a survey, and the fatigue rule that
//! holds some back.

use super::rating::MAX_CLOCK_SKEW_MICROS;
use super::validation::{CustomerId, InvitationId, SurveyId, Violations};
use super::{Channel, FieldReason, FieldViolation, GivenTime, Micros};

/// Most days a survey's fatigue rule may span.
pub const MAX_DAYS_BETWEEN_INVITATIONS: i32 = 365;
const MICROS_PER_DAY: Micros = 86_400 * 1_000_000;

/// Why an invitation is not to be sent. The numbers are the wire's and the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    /// The customer was invited (not suppressed) within the survey's window.
    RecentlyInvited = 1,
    /// The customer answered within the survey's window.
    RecentlyAnswered = 2,
}

impl SuppressionReason {
    /// Returns the reason with this number; 0 and unknown numbers are none.
    pub fn from_number(number: i32) -> Option<SuppressionReason> {
        match number {
            1 => Some(SuppressionReason::RecentlyInvited),
            2 => Some(SuppressionReason::RecentlyAnswered),
            _ => None,
        }
    }

    /// Returns the reason's number.
    pub fn number(self) -> i32 {
        self as i32
    }
}

/// A stored invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Identifier and idempotency key.
    pub invitation_id: String,
    /// The survey asked.
    pub survey_id: String,
    /// The survey's touchpoint, kept with the invitation for reports.
    pub touchpoint: String,
    /// The customer asked.
    pub customer_id: String,
    /// How it is sent.
    pub channel: Channel,
    /// When it is sent.
    pub send_time: Micros,
    /// When it was stored.
    pub create_time: Micros,
    /// Why it is not to be sent; `None`: it is to be sent.
    pub suppression: Option<SuppressionReason>,
    /// The rating that answered it, while that rating is not excluded.
    pub response: Option<InvitationResponse>,
}

/// The answer to an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationResponse {
    /// The rating's key (of the invitation's survey).
    pub rating_id: String,
    /// When the customer answered: the rating's occur_time.
    pub response_time: Micros,
}

/// What the writer reads of an invitation that a rating names, under the counter lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationLink {
    /// The survey asked: only a rating of it may answer.
    pub survey_id: String,
    /// The customer asked; empty once erased.
    pub customer_id: String,
    /// How it was sent: the rollup cell of its response.
    pub channel: Channel,
    /// When it was sent: the rollup cell of its response.
    pub send_time: Micros,
    /// Whether it was held back: a response to it counts in no rate.
    pub suppressed: bool,
    /// The key (rating_id) of the rating of `survey_id` that answered it, if one did.
    pub answered_by: Option<String>,
}

/// Why a rating may not answer the invitation it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// No invitation has that id.
    Unknown,
    /// The invitation asks another survey.
    AnotherSurvey,
    /// The invitation asks another customer than the one the rating names.
    AnotherCustomer,
    /// Another rating answered it already.
    Answered,
}

impl InvitationLink {
    /// Returns why a new rating of `survey_id` by `customer_id` (empty: not said) may not
    /// answer this invitation, if it may not; `answered_in_batch` when a rating stored earlier
    /// in the same commit answers it.
    pub fn refusal(
        link: Option<&InvitationLink>,
        survey_id: &str,
        customer_id: &str,
        answered_in_batch: bool,
    ) -> Option<LinkRefusal> {
        let Some(link) = link else {
            return Some(LinkRefusal::Unknown);
        };
        if link.survey_id != survey_id {
            Some(LinkRefusal::AnotherSurvey)
        } else if !customer_id.is_empty()
            && !link.customer_id.is_empty()
            && link.customer_id != customer_id
        {
            // An erased invitation's customer is not known any more: any customer's answer is
            // taken, as when the rating names none.
            Some(LinkRefusal::AnotherCustomer)
        } else if answered_in_batch || link.answered_by.is_some() {
            Some(LinkRefusal::Answered)
        } else {
            None
        }
    }
}

/// A report's response figures for one group or bucket: invitations to be sent (not suppressed)
/// and the responses to them (by ratings not excluded), with the rate and its Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseFigures {
    /// Invitations not suppressed.
    pub invitation_count: i64,
    /// Of those, the ones answered by a rating not excluded.
    pub response_count: i64,
    /// The response rate in percent with its Wilson interval (low, high), in percent; `None`
    /// without an invitation.
    pub rate: Option<(f64, f64, f64)>,
}

impl ResponseFigures {
    /// Returns the figures of `responses` out of `invitations`, the interval at `confidence`
    /// (0-1).
    pub fn new(invitations: i64, responses: i64, confidence: f64) -> ResponseFigures {
        let rate = (invitations > 0).then(|| {
            let z = super::metrics::z_for_confidence(confidence);
            let (low, high) = super::metrics::wilson_interval(responses, invitations, z);
            (
                100.0 * responses as f64 / invitations as f64,
                100.0 * low,
                100.0 * high,
            )
        });
        ResponseFigures {
            invitation_count: invitations,
            response_count: responses,
            rate,
        }
    }
}

/// The caller's invitation, as the wire gave it.
#[derive(Debug, Clone, Default)]
pub struct InvitationInput {
    /// Requested id; empty means generate one.
    pub invitation_id: String,
    /// The survey.
    pub survey_id: String,
    /// The customer.
    pub customer_id: String,
    /// The channel's wire number.
    pub channel_number: i32,
    /// When it is sent, if given.
    pub send_time: GivenTime,
}

/// An invitation that passed every check that needs no survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// Identifier and idempotency key.
    pub invitation_id: String,
    /// The survey.
    pub survey_id: String,
    /// The customer.
    pub customer_id: String,
    /// How it is sent.
    pub channel: Channel,
    /// When it is sent; receipt time when the caller gave none.
    pub send_time: Micros,
    /// Whether the caller gave send_time; a retry without one matches any stored time.
    pub send_time_given: bool,
}

impl InvitationInput {
    /// Returns the invitation this input describes, or every field violation (paths start with
    /// `prefix`, such as `invitation.`).
    pub fn parse(self, prefix: &str, now: Micros) -> Result<NewInvitation, Vec<FieldViolation>> {
        let mut violations = Violations::with_prefix(prefix);
        let invitation_id = if self.invitation_id.is_empty() {
            uuid::Uuid::now_v7().to_string()
        } else {
            violations
                .parse("invitation_id", InvitationId::parse(self.invitation_id))
                .map_or_else(String::new, InvitationId::into_string)
        };
        let survey_id = violations.parse("survey_id", SurveyId::parse_required(self.survey_id));
        let customer_id =
            violations.parse("customer_id", CustomerId::parse_required(self.customer_id));
        let channel = violations.parse("channel", Channel::parse(self.channel_number));
        let send_time = match violations.given_time("send_time", self.send_time) {
            Some(send_time) if send_time > now.saturating_add(MAX_CLOCK_SKEW_MICROS) => {
                violations.add(
                    "send_time",
                    FieldReason::OutOfRange,
                    "more than 5 minutes in the future",
                );
                None
            }
            send_time => send_time,
        };
        let invitation = NewInvitation {
            invitation_id,
            survey_id: survey_id.map_or_else(String::new, SurveyId::into_string),
            customer_id: customer_id.map_or_else(String::new, CustomerId::into_string),
            channel: channel.unwrap_or(Channel::Unspecified),
            send_time: send_time.unwrap_or(now),
            send_time_given: send_time.is_some(),
        };
        violations.finish(invitation)
    }
}

impl NewInvitation {
    /// Returns whether `stored` is this same invitation sent before: equal survey, customer and
    /// channel, and equal send_time when this one names it.
    pub fn is_retry_of(&self, stored: &Invitation) -> bool {
        self.survey_id == stored.survey_id
            && self.customer_id == stored.customer_id
            && self.channel == stored.channel
            && (!self.send_time_given || self.send_time == stored.send_time)
    }

    /// Returns the earliest time whose invitations and answers hold this one back under a rule
    /// of `min_days`; `None` when the rule is off.
    pub fn fatigue_window_start(&self, min_days: i32) -> Option<Micros> {
        (min_days > 0).then(|| {
            self.send_time
                .saturating_sub(Micros::from(min_days) * MICROS_PER_DAY)
        })
    }
}

/// Returns the fatigue rule's refusal of `min_days`, if any.
pub fn check_min_days(min_days: i32) -> Result<(), super::validation::Refusal> {
    if (0..=MAX_DAYS_BETWEEN_INVITATIONS).contains(&min_days) {
        Ok(())
    } else {
        Err(super::validation::Refusal::new(
            FieldReason::OutOfRange,
            "from 0 (no fatigue rule) to 365 days",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> InvitationInput {
        InvitationInput {
            invitation_id: "inv-1".into(),
            survey_id: "chat".into(),
            customer_id: "c-1".into(),
            channel_number: 2,
            send_time: None,
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = InvitationInput {
            invitation_id: "no spaces".into(),
            survey_id: String::new(),
            customer_id: String::new(),
            channel_number: 99,
            send_time: Some(Ok(MAX_CLOCK_SKEW_MICROS + 2)),
        };
        let fields: Vec<String> = bad
            .parse("invitation.", 1)
            .unwrap_err()
            .into_iter()
            .map(|violation| violation.field)
            .collect();
        assert_eq!(
            fields,
            [
                "invitation.invitation_id",
                "invitation.survey_id",
                "invitation.customer_id",
                "invitation.channel",
                "invitation.send_time"
            ]
        );
    }

    #[test]
    fn a_retry_without_send_time_matches_any_stored_time() {
        let new = input().parse("", 10).unwrap();
        let stored = Invitation {
            invitation_id: new.invitation_id.clone(),
            survey_id: new.survey_id.clone(),
            touchpoint: "chat".into(),
            customer_id: new.customer_id.clone(),
            channel: new.channel,
            send_time: 3,
            create_time: 3,
            suppression: None,
            response: None,
        };
        assert!(new.is_retry_of(&stored));
        let timed = InvitationInput {
            send_time: Some(Ok(4)),
            ..input()
        };
        assert!(!timed.parse("", 10).unwrap().is_retry_of(&stored));
        let other_channel = InvitationInput {
            channel_number: 3,
            ..input()
        };
        assert!(!other_channel.parse("", 10).unwrap().is_retry_of(&stored));
    }

    #[test]
    fn the_window_is_off_at_zero_days() {
        let new = input().parse("", MICROS_PER_DAY * 10).unwrap();
        assert_eq!(new.fatigue_window_start(0), None);
        assert_eq!(new.fatigue_window_start(3), Some(MICROS_PER_DAY * 7));
        assert!(check_min_days(366).is_err() && check_min_days(-1).is_err());
    }
}
