//! Conversions between proto messages and domain types, shared by the services.

use prost_types::Timestamp;

use crate::domain::follow_up::{FollowUpRuleDraft, InvalidDuration};
use crate::domain::validation::Refusal;
use crate::domain::{
    FieldReason, GivenTime, InvalidTimestamp, Metric, Micros, Rating, RatingFilterInput,
    RatingInput, Survey, SurveyDraft, SurveyReason, SurveyState,
};
use crate::pb;

/// Returns a timestamp's microseconds since the epoch, or `None` when it is out of range.
pub fn micros_from_timestamp(timestamp: &Timestamp) -> Option<Micros> {
    // google.protobuf.Timestamp's own range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    const SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;
    if !(0..1_000_000_000).contains(&timestamp.nanos) || !SECONDS.contains(&timestamp.seconds) {
        return None;
    }
    timestamp
        .seconds
        .checked_mul(1_000_000)?
        .checked_add(i64::from(timestamp.nanos / 1_000))
}

/// What a violation says of a `google.protobuf.Duration` that is not one.
pub const INVALID_DURATION: &str = "not a valid duration: seconds and nanos of one sign, nanos \
    from -999,999,999 to 999,999,999, seconds within 10,000 years";

/// Returns whether `duration` is a `google.protobuf.Duration` as its definition allows: seconds
/// within ±315,576,000,000 (10,000 years), nanos within ±999,999,999, both of one sign.
pub fn is_valid_duration(duration: &prost_types::Duration) -> bool {
    const SECONDS: std::ops::RangeInclusive<i64> = -315_576_000_000..=315_576_000_000;
    const NANOS: std::ops::RangeInclusive<i32> = -999_999_999..=999_999_999;
    let one_sign = (duration.seconds >= 0 && duration.nanos >= 0)
        || (duration.seconds <= 0 && duration.nanos <= 0);
    SECONDS.contains(&duration.seconds) && NANOS.contains(&duration.nanos) && one_sign
}

/// Returns a valid duration's microseconds, rounded toward zero; `None` when it is not valid.
pub fn micros_from_duration(duration: &prost_types::Duration) -> Option<Micros> {
    is_valid_duration(duration)
        .then(|| duration.seconds * 1_000_000 + i64::from(duration.nanos / 1_000))
}

/// Returns the duration of a number of microseconds.
pub fn duration_from_micros(micros: Micros) -> prost_types::Duration {
    prost_types::Duration {
        seconds: micros / 1_000_000,
        nanos: ((micros % 1_000_000) * 1_000) as i32,
    }
}

/// Returns the timestamp of microseconds since the epoch.
pub fn timestamp_from_micros(micros: Micros) -> Timestamp {
    Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
    }
}

/// Returns the domain metric of a wire metric; `None` for unspecified or unknown numbers.
pub fn metric_from_proto(number: i32) -> Option<Metric> {
    match pb::Metric::try_from(number).ok()? {
        pb::Metric::Unspecified => None,
        pb::Metric::Csat => Some(Metric::Csat),
        pb::Metric::Nps => Some(Metric::Nps),
        pb::Metric::Ces => Some(Metric::Ces),
    }
}

/// Returns the wire form of a metric.
pub fn metric_to_proto(metric: Metric) -> pb::Metric {
    match metric {
        Metric::Csat => pb::Metric::Csat,
        Metric::Nps => pb::Metric::Nps,
        Metric::Ces => pb::Metric::Ces,
    }
}

/// Returns what an enum filter field named `field` selects: `None` (any) for 0, the value of a
/// known number, or the refusal of a number the enum does not have.
pub fn enum_filter<T>(
    number: i32,
    field: &str,
    from_proto: impl Fn(i32) -> Option<T>,
) -> Result<Option<T>, Refusal> {
    match number {
        0 => Ok(None),
        number => from_proto(number).map(Some).ok_or_else(|| {
            Refusal::new(
                FieldReason::UnknownValue,
                format!("unknown {field} {number}"),
            )
        }),
    }
}

/// Returns the domain state of a wire state; `None` for unspecified or unknown numbers.
pub fn state_from_proto(number: i32) -> Option<SurveyState> {
    match pb::SurveyState::try_from(number).ok()? {
        pb::SurveyState::Unspecified => None,
        pb::SurveyState::Active => Some(SurveyState::Active),
        pb::SurveyState::Archived => Some(SurveyState::Archived),
    }
}

fn state_to_proto(state: SurveyState) -> pb::SurveyState {
    match state {
        SurveyState::Active => pb::SurveyState::Active,
        SurveyState::Archived => pb::SurveyState::Archived,
    }
}

/// Returns the draft a wire survey describes; `survey_id` comes from the request.
pub fn survey_draft(survey: pb::Survey, survey_id: String) -> SurveyDraft {
    let metric = metric_from_proto(survey.metric);
    let state = state_from_proto(survey.state);
    SurveyDraft {
        unknown_metric: (metric.is_none() && survey.metric != 0).then_some(survey.metric),
        unknown_state: (state.is_none() && survey.state != 0).then_some(survey.state),
        survey_id,
        display_name: survey.display_name,
        question: survey.question,
        touchpoint: survey.touchpoint,
        metric,
        scale_min: survey.scale_min,
        scale_max: survey.scale_max,
        satisfied_threshold: survey.satisfied_threshold,
        target: survey.target,
        dimensions: survey.dimensions,
        state,
        follow_up: survey.follow_up.map(|rule| FollowUpRuleDraft {
            max_score: rule.max_score,
            due_within: rule
                .due_within
                .map(|due_within| micros_from_duration(&due_within).ok_or(InvalidDuration)),
        }),
        min_days_between_invitations: survey.min_days_between_invitations,
        reasons: survey
            .reasons
            .into_iter()
            .map(|reason| SurveyReason {
                code: reason.code,
                label: reason.label,
            })
            .collect(),
    }
}

/// Returns the wire form of a survey.
pub fn survey_to_proto(survey: &Survey) -> pb::Survey {
    pb::Survey {
        survey_id: survey.survey_id.clone(),
        display_name: survey.display_name.clone(),
        question: survey.question.clone(),
        touchpoint: survey.touchpoint.clone(),
        metric: metric_to_proto(survey.metric).into(),
        scale_min: Some(survey.scale_min),
        scale_max: Some(survey.scale_max),
        satisfied_threshold: survey.satisfied_threshold,
        target: survey.target,
        dimensions: survey.dimensions.clone(),
        state: state_to_proto(survey.state).into(),
        create_time: Some(timestamp_from_micros(survey.create_time)),
        update_time: Some(timestamp_from_micros(survey.update_time)),
        follow_up: survey.follow_up.map(|rule| pb::FollowUpRule {
            max_score: rule.max_score,
            due_within: Some(duration_from_micros(rule.due_within)),
        }),
        min_days_between_invitations: survey.min_days_between_invitations,
        reasons: survey
            .reasons
            .iter()
            .map(|reason| pb::SurveyReason {
                code: reason.code.clone(),
                label: reason.label.clone(),
            })
            .collect(),
    }
}

/// Returns the unvalidated input of a wire rating. An occur_time out of range becomes `i64::MAX`,
/// which validation then refuses as being in the future.
pub fn rating_input(rating: pb::Rating) -> RatingInput {
    RatingInput {
        rating_id: rating.rating_id,
        survey_id: rating.survey_id,
        score: rating.score,
        comment: rating.comment,
        customer_id: rating.customer_id,
        channel_number: rating.channel,
        attributes: rating.attributes,
        occur_time: given_time(rating.occur_time),
        reason_codes: rating.reason_codes,
        invitation_id: rating.invitation_id,
    }
}

/// Returns a time as the request gave it.
pub fn given_time(timestamp: Option<Timestamp>) -> GivenTime {
    timestamp.map(|timestamp| micros_from_timestamp(&timestamp).ok_or(InvalidTimestamp))
}

/// Reads a filter's time bound. Occur times are kept in whole microseconds, so a bound between
/// two is rounded up: `occur_time >= start_time` and `occur_time < end_time` then hold exactly as
/// written for the nanoseconds given.
fn given_bound(timestamp: Option<Timestamp>) -> GivenTime {
    timestamp.map(|timestamp| {
        let micros = micros_from_timestamp(&timestamp).ok_or(InvalidTimestamp)?;
        Ok(micros + i64::from(timestamp.nanos % 1_000 != 0))
    })
}

/// Returns the wire form of a stored rating.
pub fn rating_to_proto(rating: &Rating) -> pb::Rating {
    rating_into_proto(rating.clone())
}

/// Returns the wire form of a stored rating, moving its text rather than copying it.
pub fn rating_into_proto(rating: Rating) -> pb::Rating {
    pb::Rating {
        rating_id: rating.rating_id,
        survey_id: rating.survey_id,
        score: rating.content.score,
        comment: rating.content.comment,
        customer_id: rating.content.customer_id,
        channel: rating.content.channel.number(),
        attributes: rating.content.attributes,
        occur_time: Some(timestamp_from_micros(rating.occur_time)),
        create_time: Some(timestamp_from_micros(rating.create_time)),
        sequence: rating.sequence,
        reason_codes: rating.content.reason_codes,
        exclusion: rating.exclusion.map(|exclusion| pb::RatingExclusion {
            reason: exclusion.reason.number(),
            note: exclusion.note,
            principal: exclusion.principal,
            exclude_time: Some(timestamp_from_micros(exclusion.exclude_time)),
        }),
        erased: rating.erased,
        invitation_id: rating.content.invitation_id,
    }
}

/// Returns the unvalidated input of a wire filter.
pub fn filter_input(filter: pb::RatingFilter) -> RatingFilterInput {
    RatingFilterInput {
        survey_ids: filter.survey_ids,
        touchpoints: filter.touchpoints,
        channel_numbers: filter.channels,
        customer_id: filter.customer_id,
        min_score: filter.min_score,
        max_score: filter.max_score,
        start_time: given_bound(filter.start_time),
        end_time: given_bound(filter.end_time),
        attributes: filter.attributes,
        reason_codes: filter.reason_codes,
        include_excluded: filter.include_excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_bound_between_two_microseconds_is_rounded_up() {
        let at = |nanos| {
            Some(Timestamp {
                seconds: 1_763_000_000,
                nanos,
            })
        };
        let whole = 1_763_000_000_000_000;
        let bounds = |nanos| {
            let input = filter_input(pb::RatingFilter {
                start_time: at(nanos),
                end_time: at(nanos),
                ..Default::default()
            });
            (input.start_time, input.end_time)
        };
        assert_eq!(bounds(0), (Some(Ok(whole)), Some(Ok(whole))));
        assert_eq!(bounds(1_000), (Some(Ok(whole + 1)), Some(Ok(whole + 1))));
        // 1,500 ns past the second lies between whole + 1 us and whole + 2 us: a rating at
        // whole + 1 us is before it, so the first occur time at or after it is whole + 2 us.
        assert_eq!(bounds(1_500), (Some(Ok(whole + 2)), Some(Ok(whole + 2))));
        assert_eq!(bounds(1), (Some(Ok(whole + 1)), Some(Ok(whole + 1))));
    }

    #[test]
    fn timestamps_round_trip_at_microsecond_precision() {
        for micros in [0, 1, -1, 1_700_000_000_123_456, -1_500_000] {
            let timestamp = timestamp_from_micros(micros);
            assert!((0..1_000_000_000).contains(&timestamp.nanos));
            assert_eq!(micros_from_timestamp(&timestamp), Some(micros));
        }
    }

    #[test]
    fn timestamps_outside_protobufs_range_are_refused() {
        let first = Timestamp {
            seconds: -62_135_596_800,
            nanos: 0,
        };
        let last = Timestamp {
            seconds: 253_402_300_799,
            nanos: 999_999_999,
        };
        assert!(micros_from_timestamp(&first).is_some());
        assert!(micros_from_timestamp(&last).is_some());
        for outside in [first.seconds - 1, last.seconds + 1] {
            let timestamp = Timestamp {
                seconds: outside,
                nanos: 0,
            };
            assert_eq!(micros_from_timestamp(&timestamp), None, "{outside}");
        }
    }

    #[test]
    fn durations_of_mixed_signs_or_nanos_beyond_a_second_are_invalid() {
        let duration = |seconds, nanos| prost_types::Duration { seconds, nanos };
        for valid in [
            (1, 5),
            (-1, -5),
            (0, -5),
            (0, 999_999_999),
            (315_576_000_000, 0),
        ] {
            assert!(is_valid_duration(&duration(valid.0, valid.1)), "{valid:?}");
        }
        for invalid in [(1, -5), (-1, 5), (0, 1_000_000_000), (315_576_000_001, 0)] {
            assert!(
                !is_valid_duration(&duration(invalid.0, invalid.1)),
                "{invalid:?}"
            );
        }
    }

    #[test]
    fn out_of_range_timestamps_are_refused() {
        let huge = Timestamp {
            seconds: i64::MAX,
            nanos: 0,
        };
        assert_eq!(micros_from_timestamp(&huge), None);
        let bad_nanos = Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert_eq!(micros_from_timestamp(&bad_nanos), None);
    }
}
