//! Follow-ups: the work of answering an unhappy rating. Which ratings open one and when it is
//! due (the writer asks [`opened_follow_up`] for every rating it stores), how a follow-up may
//! change, and the loop's figures that reports give.

use std::collections::BTreeMap;

use super::report::{Aggregation, GroupReport, Report, SurveyCounts};
use super::validation::{REASON_CODE, Refusal, Violations, char_count, has_nul};
use super::{FieldReason, FieldViolation, Micros, Rating, Survey};

/// How long after its rating is stored a follow-up is due when the rule does not say.
pub const DEFAULT_DUE_WITHIN: Micros = 48 * HOUR;
/// Shortest `due_within`.
pub const MIN_DUE_WITHIN: Micros = SECOND;
/// Longest `due_within`.
pub const MAX_DUE_WITHIN: Micros = 365 * 24 * HOUR;
/// Most notes one follow-up holds: a follow-up is read whole, notes included, and a page of a
/// list must stay within a message.
pub const MAX_NOTES: usize = 100;
/// Longest note, in characters (a rating's comment has the same limit).
pub const MAX_NOTE_CHARS: usize = 4_000;
/// Longest assignee, in characters.
pub const MAX_ASSIGNEE_CHARS: usize = 256;

const SECOND: Micros = 1_000_000;
const HOUR: Micros = 3_600 * SECOND;

/// A survey's rule: which of its ratings open a follow-up, and how soon each is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpRule {
    /// Ratings scoring at or below this open one.
    pub max_score: i32,
    /// How long after the rating is stored the follow-up is due.
    pub due_within: Micros,
}

/// A `google.protobuf.Duration` the caller sent that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidDuration;

/// A rule as a request gave it, before validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpRuleDraft {
    /// Ratings scoring at or below this open one.
    pub max_score: i32,
    /// Absent (the default), a duration, or one that is not a valid duration.
    pub due_within: Option<Result<Micros, InvalidDuration>>,
}

impl FollowUpRuleDraft {
    /// Returns the rule, with the default due time when none is given, recording a due time
    /// that is no duration or out of range; the score is checked against the survey's scale by
    /// [`check_rule`], once the scale is known, so a bad due time leaves a rule (of the default
    /// due time) to check, in a survey that is refused anyway.
    pub fn into_rule(self, violations: &mut Violations) -> FollowUpRule {
        let field = "survey.follow_up.due_within";
        let due_within = match self.due_within {
            None => DEFAULT_DUE_WITHIN,
            Some(Err(InvalidDuration)) => {
                violations.add(field, FieldReason::BadFormat, "not a valid duration");
                DEFAULT_DUE_WITHIN
            }
            Some(Ok(due_within)) if !(MIN_DUE_WITHIN..=MAX_DUE_WITHIN).contains(&due_within) => {
                violations.add(field, FieldReason::OutOfRange, "from 1 second to 365 days");
                DEFAULT_DUE_WITHIN
            }
            Some(Ok(due_within)) => due_within,
        };
        FollowUpRule {
            max_score: self.max_score,
            due_within,
        }
    }
}

/// Records a rule whose max_score lies off the survey's scale.
pub fn check_rule(survey: &Survey, violations: &mut Violations) {
    if let Some(rule) = &survey.follow_up
        && !survey.accepts_score(rule.max_score)
    {
        violations.add(
            "survey.follow_up.max_score",
            FieldReason::OutOfRange,
            format!(
                "must be within the survey's scale {}-{}",
                survey.scale_min, survey.scale_max
            ),
        );
    }
}

/// Returns the due time of the follow-up that `rating`, stored now as a rating of `survey`,
/// opens; `None` when it opens none. Due times count from the rating's create_time, when the
/// service learnt of it, so that an import of old answers does not open follow-ups overdue
/// from the start.
pub fn opened_follow_up(rating: &Rating, survey: &Survey) -> Option<Micros> {
    let rule = survey.follow_up.as_ref()?;
    (rating.content.score <= rule.max_score)
        .then(|| rating.create_time.saturating_add(rule.due_within))
}

/// Where a follow-up is in its life. The numbers are the wire's and the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FollowUpState {
    /// Opened, not yet worked on.
    Open = 1,
    /// Being worked on.
    InProgress = 2,
    /// Closed, with a resolution code.
    Resolved = 3,
    /// Closed without action.
    Dismissed = 4,
}

impl FollowUpState {
    /// Every state.
    pub const ALL: [FollowUpState; 4] = [
        FollowUpState::Open,
        FollowUpState::InProgress,
        FollowUpState::Resolved,
        FollowUpState::Dismissed,
    ];

    /// Returns the state with this number, if there is one (0, unspecified, is none).
    pub fn from_number(number: i32) -> Option<FollowUpState> {
        Self::ALL.into_iter().find(|state| state.number() == number)
    }

    /// Returns the state's number.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// Returns whether the follow-up is done with: resolved or dismissed.
    pub fn is_closed(self) -> bool {
        matches!(self, FollowUpState::Resolved | FollowUpState::Dismissed)
    }

    /// The states in which a follow-up can be overdue.
    pub const OPEN_STATES: [FollowUpState; 2] = [FollowUpState::Open, FollowUpState::InProgress];
}

/// One note, as written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FollowUpNote {
    /// The note.
    pub text: String,
    /// Who wrote it.
    pub principal: String,
    /// When.
    pub create_time: Micros,
}

/// A stored follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// Identifier: the sequence of the rating that opened it.
    pub follow_up_id: i64,
    /// The rating's survey.
    pub survey_id: String,
    /// The rating's key.
    pub rating_id: String,
    /// The rating's customer.
    pub customer_id: String,
    /// The rating's score.
    pub score: i32,
    /// The rating's comment.
    pub comment: String,
    /// The survey's touchpoint.
    pub touchpoint: String,
    /// The rating's channel number.
    pub channel: i32,
    /// The rating's occur_time.
    pub occur_time: Micros,
    /// Where it is.
    pub state: FollowUpState,
    /// Who works on it; empty for nobody.
    pub assignee: String,
    /// How it was resolved; empty when not said.
    pub resolution_code: String,
    /// Oldest first.
    pub notes: Vec<FollowUpNote>,
    /// The rating's create_time.
    pub create_time: Micros,
    /// When it is due.
    pub due_time: Micros,
    /// Last change.
    pub update_time: Micros,
    /// When closed; `None` while open.
    pub close_time: Option<Micros>,
    /// Counts the changes: the etag.
    pub version: i64,
}

impl FollowUp {
    /// Returns the follow-up that `rating` opens, due at `due_time` (see [`opened_follow_up`]).
    pub fn opened_by(rating: &Rating, due_time: Micros) -> FollowUp {
        FollowUp {
            follow_up_id: rating.sequence,
            survey_id: rating.survey_id.clone(),
            rating_id: rating.rating_id.clone(),
            customer_id: rating.content.customer_id.clone(),
            score: rating.content.score,
            comment: rating.content.comment.clone(),
            touchpoint: rating.touchpoint.clone(),
            channel: rating.content.channel.number(),
            occur_time: rating.occur_time,
            state: FollowUpState::Open,
            assignee: String::new(),
            resolution_code: String::new(),
            notes: Vec::new(),
            create_time: rating.create_time,
            due_time,
            update_time: rating.create_time,
            close_time: None,
            version: 1,
        }
    }

    /// Returns whether it is overdue at `now`: open and past its due time.
    pub fn is_overdue(&self, now: Micros) -> bool {
        !self.state.is_closed() && self.due_time < now
    }

    /// Returns the follow-up changed by `change` at `now`, or why it may not be.
    pub fn changed(&self, change: &FollowUpChange, now: Micros) -> Result<FollowUp, ChangeRefused> {
        let mut changed = self.clone();
        if let Some(assignee) = &change.assignee {
            changed.assignee.clone_from(assignee);
        }
        if let Some(code) = &change.resolution_code {
            changed.resolution_code.clone_from(code);
        }
        if let Some(state) = change.state
            && state != self.state
        {
            if self.state.is_closed() && state != FollowUpState::Open {
                return Err(ChangeRefused::Closed {
                    from: self.state,
                    to: state,
                });
            }
            changed.state = state;
            changed.close_time = state.is_closed().then_some(now);
        }
        if changed.state == FollowUpState::Resolved && changed.resolution_code.is_empty() {
            return Err(ChangeRefused::ResolutionCodeRequired);
        }
        if changed != *self {
            changed.update_time = now;
            changed.version += 1;
        }
        Ok(changed)
    }

    /// Returns the follow-up with `note` appended, or why it may not be.
    pub fn with_note(&self, note: FollowUpNote) -> Result<FollowUp, ChangeRefused> {
        if self.notes.len() >= MAX_NOTES {
            return Err(ChangeRefused::NotesFull);
        }
        let mut changed = self.clone();
        changed.update_time = note.create_time;
        changed.notes.push(note);
        changed.version += 1;
        Ok(changed)
    }
}

/// Why a change of a follow-up was refused, given what it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefused {
    /// A closed follow-up may only be reopened.
    Closed {
        /// Its state.
        from: FollowUpState,
        /// The state asked for.
        to: FollowUpState,
    },
    /// It would be resolved without a resolution code.
    ResolutionCodeRequired,
    /// It holds [`MAX_NOTES`] already.
    NotesFull,
}

/// What UpdateFollowUp changes: each field named in the mask, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpChange {
    /// The new assignee, when named.
    pub assignee: Option<String>,
    /// The new state, when named.
    pub state: Option<FollowUpState>,
    /// The new resolution code, when named (empty clears it).
    pub resolution_code: Option<String>,
}

/// The fields UpdateFollowUp changes, by their mask path.
pub const UPDATABLE_PATHS: [&str; 3] = ["assignee", "state", "resolution_code"];

impl FollowUpChange {
    /// Returns the change that `paths` name with the values given, or every bad field (paths
    /// `follow_up.<field>` and `update_mask`). `state` is the wire number.
    pub fn parse(
        paths: &[String],
        assignee: String,
        state: i32,
        resolution_code: String,
    ) -> Result<FollowUpChange, Vec<FieldViolation>> {
        let mut violations = Violations::default();
        violations.check_update_mask(paths, &UPDATABLE_PATHS);
        let named = |field: &str| paths.iter().any(|path| path == field);
        let mut change = FollowUpChange::default();
        if named("assignee") {
            violations.check_text(
                "follow_up.assignee",
                &assignee,
                MAX_ASSIGNEE_CHARS,
                "at most 256 characters",
            );
            change.assignee = Some(assignee);
        }
        if named("state") {
            change.state = violations.parse("follow_up.state", parse_state(state));
        }
        if named("resolution_code") {
            if !resolution_code.is_empty() {
                violations.parse(
                    "follow_up.resolution_code",
                    REASON_CODE.check(&resolution_code),
                );
            }
            change.resolution_code = Some(resolution_code);
        }
        violations.finish(change)
    }
}

/// Returns the state of a wire number that must name one.
pub fn parse_state(number: i32) -> Result<FollowUpState, Refusal> {
    match number {
        0 => Err(Refusal::new(
            FieldReason::Required,
            "required: FOLLOW_UP_STATE_OPEN, _IN_PROGRESS, _RESOLVED or _DISMISSED",
        )),
        number => FollowUpState::from_number(number).ok_or_else(|| {
            Refusal::new(
                FieldReason::UnknownValue,
                format!("unknown follow-up state {number}"),
            )
        }),
    }
}

/// Returns the refusal of a note's text, if any: empty, too long, or holding a NUL.
pub fn check_note(text: &str) -> Result<(), Refusal> {
    if text.is_empty() {
        Err(Refusal::required())
    } else if char_count(text) > MAX_NOTE_CHARS {
        Err(Refusal::new(
            FieldReason::TooLong,
            "at most 4,000 characters",
        ))
    } else if has_nul(text) {
        Err(Refusal::new(
            FieldReason::BadFormat,
            "must not contain NUL characters",
        ))
    } else {
        Ok(())
    }
}

/// Returns the follow-up id a request names, or its refusal: the decimal digits of a positive
/// number.
pub fn parse_follow_up_id(value: &str) -> Result<i64, Refusal> {
    if value.is_empty() {
        return Err(Refusal::required());
    }
    value
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0 && value.bytes().all(|byte| byte.is_ascii_digit()))
        .ok_or_else(|| Refusal::new(FieldReason::BadFormat, "must be decimal digits"))
}

/// What a report needs of one follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopFacts {
    /// When it was opened.
    pub create_time: Micros,
    /// When it is due.
    pub due_time: Micros,
    /// When it was closed, if it is.
    pub close_time: Option<Micros>,
}

/// The loop's figures over some follow-ups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoopFigures {
    /// Follow-ups.
    pub follow_up_count: i64,
    /// Of those, closed.
    pub closed_count: i64,
    /// Of those, closed by their due time.
    pub closed_within_due_count: i64,
    /// Median time from opening to closing; `None` when none is closed.
    pub median_time_to_close: Option<Micros>,
}

/// Collects follow-ups and computes their [`LoopFigures`].
#[derive(Debug, Clone, Default)]
pub struct LoopTally {
    follow_up_count: i64,
    closed_within_due_count: i64,
    times_to_close: Vec<Micros>,
}

impl LoopTally {
    /// Counts one follow-up.
    pub fn add(&mut self, facts: LoopFacts) {
        self.follow_up_count += 1;
        if let Some(close_time) = facts.close_time {
            self.times_to_close.push(close_time - facts.create_time);
            if close_time <= facts.due_time {
                self.closed_within_due_count += 1;
            }
        }
    }

    /// Returns the figures: the median of an even count is the mean of the middle two, rounded
    /// down to the microsecond.
    pub fn figures(&self) -> LoopFigures {
        let mut times = self.times_to_close.clone();
        times.sort_unstable();
        let middle = times.len() / 2;
        let median_time_to_close = match times.len() {
            0 => None,
            count if count % 2 == 1 => Some(times[middle]),
            _ => Some(
                (i128::from(times[middle - 1]) + i128::from(times[middle])).div_euclid(2) as i64,
            ),
        };
        LoopFigures {
            follow_up_count: self.follow_up_count,
            closed_count: times.len() as i64,
            closed_within_due_count: self.closed_within_due_count,
            median_time_to_close,
        }
    }
}

/// A follow-up as a report places it: in the groups of its rating (one, or one per reason code
/// when grouped by reason), and the bucket of its rating's occur_time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedFollowUp {
    /// The group keys of its rating (one value per group_by entry each).
    pub keys: Vec<Vec<String>>,
    /// The bucket of its rating, if the report has buckets.
    pub bucket: Option<usize>,
    /// What the figures count.
    pub facts: LoopFacts,
}

/// Sets the loop's figures of `report`, overall, per group and per bucket, from `placed`, the
/// follow-ups of the ratings `current` counts, where follow-ups apply: where a survey with
/// ratings counted there is one for which `applies` (it has a rule, or follow-ups).
pub fn add_loop_figures(
    report: &mut Report,
    current: &Aggregation,
    applies: impl Fn(&str) -> bool,
    placed: &[PlacedFollowUp],
) {
    let buckets = current.plan.len();
    let applies_in = |by_survey: &BTreeMap<String, SurveyCounts>, bucket: Option<usize>| {
        by_survey.iter().any(|(survey_id, counts)| {
            let counted = match bucket {
                None => &counts.total,
                Some(bucket) => &counts.buckets[bucket],
            };
            applies(survey_id) && counted.iter().any(|count| *count > 0)
        })
    };
    let mut overall = Tallies::new(buckets);
    let mut by_group: BTreeMap<&[String], Tallies> = BTreeMap::new();
    for follow_up in placed {
        overall.add(follow_up);
        for key in &follow_up.keys {
            by_group
                .entry(key.as_slice())
                .or_insert_with(|| Tallies::new(buckets))
                .add(follow_up);
        }
    }
    let empty = Tallies::new(buckets);
    let set =
        |group: &mut GroupReport, tallies: &Tallies, parts: &[&BTreeMap<String, SurveyCounts>]| {
            if parts.iter().any(|by_survey| applies_in(by_survey, None)) {
                group.follow_ups = Some(tallies.total.figures());
            }
            for (bucket, series) in group.series.iter_mut().enumerate() {
                if parts
                    .iter()
                    .any(|by_survey| applies_in(by_survey, Some(bucket)))
                {
                    series.follow_ups = Some(tallies.buckets[bucket].figures());
                }
            }
        };
    let every_group: Vec<&BTreeMap<String, SurveyCounts>> = current.groups.values().collect();
    set(&mut report.overall, &overall, &every_group);
    for group in &mut report.groups {
        let key: Vec<String> = group.key.iter().map(|(_, value)| value.clone()).collect();
        let Some(by_survey) = current.groups.get(&key) else {
            continue;
        };
        set(
            group,
            by_group.get(&key[..]).unwrap_or(&empty),
            &[by_survey],
        );
    }
}

/// The tallies of one group: over the range, and per bucket.
struct Tallies {
    total: LoopTally,
    buckets: Vec<LoopTally>,
}

impl Tallies {
    fn new(buckets: usize) -> Tallies {
        Tallies {
            total: LoopTally::default(),
            buckets: vec![LoopTally::default(); buckets],
        }
    }

    fn add(&mut self, follow_up: &PlacedFollowUp) {
        self.total.add(follow_up.facts);
        if let Some(tally) = follow_up
            .bucket
            .and_then(|bucket| self.buckets.get_mut(bucket))
        {
            tally.add(follow_up.facts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, Metric, RatingContent, SurveyState};

    fn survey(rule: Option<FollowUpRule>) -> Survey {
        Survey {
            survey_id: "chat".into(),
            display_name: String::new(),
            question: String::new(),
            touchpoint: "support_chat".into(),
            metric: Metric::Csat,
            scale_min: 1,
            scale_max: 5,
            satisfied_threshold: Some(4),
            target: None,
            dimensions: Vec::new(),
            state: SurveyState::Active,
            create_time: 0,
            update_time: 0,
            follow_up: rule,
            reasons: Vec::new(),
            min_days_between_invitations: 0,
        }
    }

    fn rating(score: i32) -> Rating {
        Rating {
            sequence: 9,
            survey_id: "chat".into(),
            touchpoint: "support_chat".into(),
            rating_id: "r".into(),
            content: RatingContent {
                score,
                comment: String::new(),
                customer_id: String::new(),
                channel: Channel::Email,
                attributes: Default::default(),
                reason_codes: Vec::new(),
                invitation_id: String::new(),
            },
            occur_time: 5,
            create_time: 1_000,
            exclusion: None,
            erased: false,
        }
    }

    #[test]
    fn ratings_at_or_below_max_score_open_one_due_from_their_create_time() {
        let rule = FollowUpRule {
            max_score: 2,
            due_within: 50,
        };
        let with_rule = survey(Some(rule));
        assert_eq!(opened_follow_up(&rating(1), &with_rule), Some(1_050));
        assert_eq!(opened_follow_up(&rating(2), &with_rule), Some(1_050));
        assert_eq!(opened_follow_up(&rating(3), &with_rule), None);
        assert_eq!(opened_follow_up(&rating(1), &survey(None)), None);
    }

    fn open() -> FollowUp {
        FollowUp::opened_by(&rating(1), 2_000)
    }

    fn to(state: FollowUpState, code: Option<&str>) -> FollowUpChange {
        FollowUpChange {
            state: Some(state),
            resolution_code: code.map(str::to_string),
            ..FollowUpChange::default()
        }
    }

    #[test]
    fn closing_sets_close_time_and_reopening_clears_it() {
        let resolved = open()
            .changed(&to(FollowUpState::Resolved, Some("refund")), 3_000)
            .unwrap();
        assert_eq!(
            (resolved.close_time, resolved.version, resolved.update_time),
            (Some(3_000), 2, 3_000)
        );
        let reopened = resolved
            .changed(&to(FollowUpState::Open, None), 4_000)
            .unwrap();
        assert_eq!((reopened.close_time, reopened.version), (None, 3));
    }

    #[test]
    fn a_closed_follow_up_reopens_only_to_open_and_resolving_needs_a_code() {
        let dismissed = open()
            .changed(&to(FollowUpState::Dismissed, None), 3_000)
            .unwrap();
        for state in [FollowUpState::InProgress, FollowUpState::Resolved] {
            assert!(matches!(
                dismissed.changed(&to(state, Some("x")), 4_000),
                Err(ChangeRefused::Closed { .. })
            ));
        }
        assert_eq!(
            open().changed(&to(FollowUpState::Resolved, None), 3_000),
            Err(ChangeRefused::ResolutionCodeRequired)
        );
    }

    #[test]
    fn a_change_that_changes_nothing_keeps_the_version() {
        let unchanged = open()
            .changed(&to(FollowUpState::Open, None), 3_000)
            .unwrap();
        assert_eq!(unchanged, open());
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let mut tally = LoopTally::default();
        for (close, due) in [(Some(10), 10), (Some(13), 5), (None, 0), (Some(2), 100)] {
            tally.add(LoopFacts {
                create_time: 0,
                due_time: due,
                close_time: close,
            });
        }
        tally.add(LoopFacts {
            create_time: 0,
            due_time: 0,
            close_time: Some(20),
        });
        assert_eq!(
            tally.figures(),
            LoopFigures {
                follow_up_count: 5,
                closed_count: 4,
                closed_within_due_count: 2,
                median_time_to_close: Some(11),
            }
        );
    }

    #[test]
    fn ids_are_positive_decimal_numbers() {
        assert_eq!(parse_follow_up_id("17"), Ok(17));
        for bad in ["", "-1", "0", "+3", "1e3", "99999999999999999999"] {
            assert!(parse_follow_up_id(bad).is_err(), "{bad}");
        }
    }
}
