//! Surveys: one question at one touchpoint, with one metric and scale.

use super::follow_up::{FollowUpRule, FollowUpRuleDraft, check_rule};
use super::invitation::check_min_days;
use super::validation::{FieldReason, Key, ReasonCode, Refusal, SurveyId, Violations};
use super::{FieldViolation, Micros};

/// Most dimensions a survey may declare.
pub const MAX_DIMENSIONS: usize = 8;
const MAX_DISPLAY_NAME_CHARS: usize = 200;
const MAX_QUESTION_CHARS: usize = 1_000;
/// Most reasons a survey may offer.
pub const MAX_REASONS: usize = 50;
const MAX_REASON_LABEL_CHARS: usize = 200;

/// One reason a customer may give with a rating: a stable code that ratings carry, and the label
/// the customer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyReason {
    /// A [`ReasonCode`].
    pub code: String,
    /// What the customer reads.
    pub label: String,
}

/// What a survey measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Satisfied share and mean score.
    Csat,
    /// Promoters minus detractors on 0–10.
    Nps,
    /// Customer effort: mean score and easy share.
    Ces,
}

impl Metric {
    /// Returns the scale a survey of this metric gets when none is given.
    pub fn default_scale(self) -> (i32, i32) {
        match self {
            Metric::Csat => (1, 5),
            Metric::Nps => (0, 10),
            Metric::Ces => (1, 7),
        }
    }

    /// Returns the satisfied (CSAT) or easy (CES) threshold for a scale; NPS has none.
    pub fn default_threshold(self, scale_max: i32) -> Option<i32> {
        match self {
            // Top-2-box, except on scales of fewer than 5 points, where only the top box satisfies.
            Metric::Csat if scale_max < 5 => Some(scale_max),
            Metric::Csat => Some(scale_max.saturating_sub(1)),
            Metric::Ces if scale_max == 7 => Some(5),
            Metric::Ces => Some(scale_max.saturating_sub(1)),
            Metric::Nps => None,
        }
    }

    fn check_scale(self, scale_min: i32, scale_max: i32) -> Result<(), String> {
        match self {
            Metric::Csat if scale_min == 1 && matches!(scale_max, 3 | 5 | 7 | 10) => Ok(()),
            Metric::Csat => Err("CSAT scales are 1-3, 1-5, 1-7 or 1-10".into()),
            Metric::Nps if (scale_min, scale_max) == (0, 10) => Ok(()),
            Metric::Nps => Err("the NPS scale is always 0-10".into()),
            Metric::Ces if scale_min == 1 && (3..=10).contains(&scale_max) => Ok(()),
            Metric::Ces => Err("CES scales are 1 to N with N from 3 to 10".into()),
        }
    }
}

/// Whether a survey accepts ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyState {
    /// Accepts ratings.
    Active,
    /// Refuses new ratings; its history stays.
    Archived,
}

/// A stored survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Identifier, a [`SurveyId`].
    pub survey_id: String,
    /// Human-readable name.
    pub display_name: String,
    /// The question as asked.
    pub question: String,
    /// Where in the journey it is asked.
    pub touchpoint: String,
    /// What it measures.
    pub metric: Metric,
    /// Lowest score.
    pub scale_min: i32,
    /// Highest score.
    pub scale_max: i32,
    /// Lowest satisfied (CSAT) or easy (CES) score; `None` for NPS.
    pub satisfied_threshold: Option<i32>,
    /// The goal in the metric's unit.
    pub target: Option<f64>,
    /// Attribute keys reports group by fast.
    pub dimensions: Vec<String>,
    /// Whether it accepts ratings.
    pub state: SurveyState,
    /// The reasons a rating may name, codes unique.
    pub reasons: Vec<SurveyReason>,
    /// When it was created.
    pub create_time: Micros,
    /// When it last changed.
    pub update_time: Micros,
    /// Which ratings open a follow-up; `None`: none do.
    pub follow_up: Option<FollowUpRule>,
    /// The fatigue rule: invitations within this many days of the customer's last invitation or
    /// answer are suppressed; 0: no rule.
    pub min_days_between_invitations: i32,
}

/// The caller's description of a survey, before defaults and validation.
#[derive(Debug, Clone, Default)]
pub struct SurveyDraft {
    /// Requested id; empty means generate one.
    pub survey_id: String,
    /// Human-readable name.
    pub display_name: String,
    /// The question.
    pub question: String,
    /// Touchpoint.
    pub touchpoint: String,
    /// Metric; `None` when the caller left it unspecified.
    pub metric: Option<Metric>,
    /// Lowest score, if given.
    pub scale_min: Option<i32>,
    /// Highest score, if given.
    pub scale_max: Option<i32>,
    /// Threshold, if given.
    pub satisfied_threshold: Option<i32>,
    /// Goal, if given.
    pub target: Option<f64>,
    /// Dimensions.
    pub dimensions: Vec<String>,
    /// Requested state; `None` means active.
    pub state: Option<SurveyState>,
    /// Reasons.
    pub reasons: Vec<SurveyReason>,
    /// The metric's wire number when the contract has none such (`metric` is then `None`).
    pub unknown_metric: Option<i32>,
    /// The state's wire number when the contract has none such (`state` is then `None`).
    pub unknown_state: Option<i32>,
    /// The follow-up rule, if given.
    pub follow_up: Option<FollowUpRuleDraft>,
    /// The fatigue rule's days.
    pub min_days_between_invitations: i32,
}

impl SurveyDraft {
    /// Records the enum fields that hold a number the contract does not have: refused whether
    /// or not the request reads the field, since the caller meant something this service does not
    /// know (a client built against another contract, or a bug), and silence would hide it.
    fn check_unknown_numbers(&self, violations: &mut Violations) {
        if let Some(number) = self.unknown_metric {
            violations.add(
                "survey.metric",
                FieldReason::UnknownValue,
                format!("unknown metric {number}: METRIC_CSAT, METRIC_NPS or METRIC_CES"),
            );
        }
        if let Some(number) = self.unknown_state {
            violations.add(
                "survey.state",
                FieldReason::UnknownValue,
                format!("unknown state {number}: SURVEY_STATE_ACTIVE or SURVEY_STATE_ARCHIVED"),
            );
        }
    }

    /// Returns the survey this draft describes, with defaults filled in and `survey_id` generated
    /// when empty, or every field violation (paths relative to `prefix`).
    pub fn into_survey(self, prefix: &str, now: Micros) -> Result<Survey, Vec<FieldViolation>> {
        let mut violations = Violations::with_prefix(prefix);
        self.check_unknown_numbers(&mut violations);
        violations.parse("survey_id", check_new_survey_id(&self.survey_id));
        let survey_id = if self.survey_id.is_empty() {
            generate_survey_id()
        } else {
            self.survey_id
        };
        violations.parse(
            "survey.touchpoint",
            Key::PATTERN.check_required(&self.touchpoint),
        );
        let Some(metric) = self.metric else {
            if self.unknown_metric.is_none() {
                violations.add(
                    "survey.metric",
                    FieldReason::Required,
                    "required: METRIC_CSAT, METRIC_NPS or METRIC_CES",
                );
            }
            // Scale, threshold and target are read by the metric; the other fields are not (nor
            // the rule's due time; its score is read on the scale).
            if let Some(draft) = self.follow_up {
                draft.into_rule(&mut violations);
            }
            check_texts_and_dimensions(
                &self.display_name,
                &self.question,
                &self.dimensions,
                &mut violations,
            );
            check_reasons(&self.reasons, &mut violations);
            violations.parse(
                "survey.min_days_between_invitations",
                check_min_days(self.min_days_between_invitations),
            );
            return Err(violations.into_found());
        };
        let survey = Survey {
            survey_id,
            display_name: self.display_name,
            question: self.question,
            touchpoint: self.touchpoint,
            metric,
            scale_min: 0,
            scale_max: 0,
            satisfied_threshold: None,
            target: self.target,
            dimensions: self.dimensions,
            // A new survey always starts active; state is output only on create.
            state: SurveyState::Active,
            reasons: self.reasons,
            create_time: now,
            update_time: now,
            follow_up: self.follow_up.map(|draft| draft.into_rule(&mut violations)),
            min_days_between_invitations: self.min_days_between_invitations,
        };
        let survey = survey.with_scale(
            self.scale_min,
            self.scale_max,
            self.satisfied_threshold,
            &mut violations,
        );
        survey.check_descriptive_fields(&mut violations);
        violations.finish(survey)
    }
}

/// Records what is wrong with the fields of a survey that do not depend on its metric.
fn check_texts_and_dimensions(
    display_name: &str,
    question: &str,
    dimensions: &[String],
    violations: &mut Violations,
) {
    violations.check_text(
        "survey.display_name",
        display_name,
        MAX_DISPLAY_NAME_CHARS,
        "at most 200 characters",
    );
    violations.check_text(
        "survey.question",
        question,
        MAX_QUESTION_CHARS,
        "at most 1,000 characters",
    );
    violations.check_token_list(
        "survey.dimensions",
        dimensions,
        Key::PATTERN,
        MAX_DIMENSIONS,
        "at most 8 dimensions",
        "repeated dimension",
    );
}

/// Records what is wrong with a survey's reasons: more than [`MAX_REASONS`], then each code off
/// its pattern or repeating an earlier one, each label too long or holding a NUL.
fn check_reasons(reasons: &[SurveyReason], violations: &mut Violations) {
    if reasons.len() > MAX_REASONS {
        violations.add(
            "survey.reasons",
            FieldReason::TooMany,
            format!("at most {MAX_REASONS} reasons, not {}", reasons.len()),
        );
        return;
    }
    for (index, reason) in reasons.iter().enumerate() {
        let code_field = format!("survey.reasons[{index}].code");
        if violations
            .parse(
                &code_field,
                ReasonCode::PATTERN.check_required(&reason.code),
            )
            .is_some()
            && reasons[..index]
                .iter()
                .any(|earlier| earlier.code == reason.code)
        {
            violations.add(&code_field, FieldReason::Repeated, "repeated reason code");
        }
        violations.check_text(
            &format!("survey.reasons[{index}].label"),
            &reason.label,
            MAX_REASON_LABEL_CHARS,
            "at most 200 characters",
        );
    }
}

impl Survey {
    /// Returns the survey with its scale and threshold set from the given values or the metric's
    /// defaults, recording what is invalid.
    fn with_scale(
        mut self,
        scale_min: Option<i32>,
        scale_max: Option<i32>,
        satisfied_threshold: Option<i32>,
        violations: &mut Violations,
    ) -> Self {
        let (default_min, default_max) = self.metric.default_scale();
        self.scale_min = scale_min.unwrap_or(default_min);
        self.scale_max = scale_max.unwrap_or(default_max);
        if let Err(reason) = self.metric.check_scale(self.scale_min, self.scale_max) {
            // Every scale starts at the metric's default minimum: name each bound that is off.
            if self.scale_min != default_min {
                violations.add("survey.scale_min", FieldReason::OutOfRange, reason.clone());
            }
            if self
                .metric
                .check_scale(default_min, self.scale_max)
                .is_err()
            {
                violations.add("survey.scale_max", FieldReason::OutOfRange, reason);
            }
        }
        self.satisfied_threshold = match (self.metric, satisfied_threshold) {
            (Metric::Nps, Some(_)) => {
                violations.add(
                    "survey.satisfied_threshold",
                    FieldReason::Inconsistent,
                    "NPS has no threshold: promoters are 9-10, detractors 0-6",
                );
                None
            }
            (_, Some(threshold)) if threshold < self.scale_min || threshold > self.scale_max => {
                violations.add(
                    "survey.satisfied_threshold",
                    FieldReason::OutOfRange,
                    format!(
                        "must be within the scale {}-{}",
                        self.scale_min, self.scale_max
                    ),
                );
                Some(threshold)
            }
            (_, Some(threshold)) => Some(threshold),
            (metric, None) => metric.default_threshold(self.scale_max),
        };
        self
    }

    fn check_descriptive_fields(&self, violations: &mut Violations) {
        check_rule(self, violations);
        check_texts_and_dimensions(
            &self.display_name,
            &self.question,
            &self.dimensions,
            violations,
        );
        check_reasons(&self.reasons, violations);
        violations.parse(
            "survey.min_days_between_invitations",
            check_min_days(self.min_days_between_invitations),
        );
        if let Some(target) = self.target {
            let (lowest, highest, unit) = match self.metric {
                Metric::Csat => (0.0, 100.0, "a CSAT percent"),
                Metric::Nps => (-100.0, 100.0, "NPS points"),
                Metric::Ces => (
                    f64::from(self.scale_min),
                    f64::from(self.scale_max),
                    "a CES mean score",
                ),
            };
            if !(lowest..=highest).contains(&target) {
                violations.add(
                    "survey.target",
                    FieldReason::OutOfRange,
                    format!("{unit}, from {lowest} to {highest}"),
                );
            }
        }
    }

    /// Returns this survey changed by the fields of `draft` named in `paths`, or every violation.
    /// `has_ratings` says whether ratings exist, which freezes metric, scale and threshold.
    pub fn updated(
        &self,
        draft: SurveyDraft,
        paths: &[String],
        has_ratings: bool,
        now: Micros,
    ) -> Result<Survey, SurveyUpdateError> {
        let mut violations = Violations::default();
        let mut updated = self.clone();
        let mut scale_changed = false;
        violations.absorb(check_update_mask(paths));
        draft.check_unknown_numbers(&mut violations);
        // Each field once, however often the mask repeats it: a field copied per repeat would
        // make a mask of many repeats cost its count times the field's size. Paths that name no
        // field were reported just above.
        let named_fields: Vec<UpdatableField> = UpdatableField::ALL
            .into_iter()
            .filter(|field| paths.iter().any(|path| path == field.path()))
            .collect();
        for field in named_fields.iter().copied() {
            match field {
                UpdatableField::DisplayName => updated.display_name = draft.display_name.clone(),
                UpdatableField::Question => updated.question = draft.question.clone(),
                UpdatableField::Target => updated.target = draft.target,
                UpdatableField::Dimensions => updated.dimensions = draft.dimensions.clone(),
                UpdatableField::FollowUp => {
                    updated.follow_up = draft.follow_up.map(|rule| rule.into_rule(&mut violations));
                }
                UpdatableField::Reasons => updated.reasons = draft.reasons.clone(),
                UpdatableField::MinDaysBetweenInvitations => {
                    updated.min_days_between_invitations = draft.min_days_between_invitations;
                }
                UpdatableField::State => match draft.state {
                    Some(state) => updated.state = state,
                    None if draft.unknown_state.is_some() => {}
                    None => violations.add(
                        "survey.state",
                        FieldReason::Required,
                        "SURVEY_STATE_ACTIVE or SURVEY_STATE_ARCHIVED",
                    ),
                },
                UpdatableField::Metric
                | UpdatableField::ScaleMin
                | UpdatableField::ScaleMax
                | UpdatableField::SatisfiedThreshold => scale_changed = true,
            }
        }
        if scale_changed {
            updated = updated.rescaled(self, &draft, &named_fields, &mut violations);
        }
        updated.check_descriptive_fields(&mut violations);
        let mut updated = violations
            .finish(updated)
            .map_err(SurveyUpdateError::InvalidArgument)?;
        let scale_differs = updated.metric != self.metric
            || updated.scale_min != self.scale_min
            || updated.scale_max != self.scale_max
            || updated.satisfied_threshold != self.satisfied_threshold;
        if scale_differs && has_ratings {
            return Err(SurveyUpdateError::ScaleFrozen);
        }
        // An update that changes nothing is no update: caches and clients comparing update_time
        // see no change.
        if updated != *self {
            updated.update_time = now;
        }
        Ok(updated)
    }

    /// Returns this survey, an update of `original`, with the metric, scale and threshold that
    /// `draft` gives in the fields named, recording what is invalid.
    fn rescaled(
        mut self,
        original: &Survey,
        draft: &SurveyDraft,
        named_fields: &[UpdatableField],
        violations: &mut Violations,
    ) -> Survey {
        let named = |path: &str| named_fields.iter().any(|field| field.path() == path);
        if named("metric") {
            match draft.metric {
                Some(metric) => self.metric = metric,
                None if draft.unknown_metric.is_some() => {}
                None => violations.add(
                    "survey.metric",
                    FieldReason::Required,
                    "required when named in update_mask",
                ),
            }
        }
        let metric_changed = self.metric != original.metric;
        // Fields not named keep their value, unless the metric changed: then they follow the
        // new metric's defaults.
        let keep = |field: &str, current: Option<i32>, given: Option<i32>| {
            if named(field) {
                given
            } else if metric_changed {
                None
            } else {
                current
            }
        };
        let scale_min = keep("scale_min", Some(original.scale_min), draft.scale_min);
        let scale_max = keep("scale_max", Some(original.scale_max), draft.scale_max);
        // A threshold set for another scale means nothing on the new one.
        let scale_moved =
            scale_min != Some(original.scale_min) || scale_max != Some(original.scale_max);
        let threshold = if named("satisfied_threshold") {
            draft.satisfied_threshold
        } else if metric_changed || scale_moved {
            None
        } else {
            original.satisfied_threshold
        };
        self.with_scale(scale_min, scale_max, threshold, violations)
    }

    /// Returns `()` when `score` lies on this survey's scale, else its refusal.
    pub fn check_score(&self, score: i32) -> Result<(), Refusal> {
        if self.accepts_score(score) {
            Ok(())
        } else {
            Err(Refusal::new(
                FieldReason::OutOfRange,
                format!(
                    "{score} is outside the survey's scale {}-{}",
                    self.scale_min, self.scale_max
                ),
            ))
        }
    }

    /// Returns whether `score` lies on this survey's scale.
    pub fn accepts_score(&self, score: i32) -> bool {
        (self.scale_min..=self.scale_max).contains(&score)
    }

    /// Returns `()` when this survey offers the reason `code`, else its refusal.
    pub fn check_reason_code(&self, code: &str) -> Result<(), Refusal> {
        if self.reasons.iter().any(|reason| reason.code == code) {
            Ok(())
        } else {
            Err(Refusal::new(
                FieldReason::UnknownValue,
                format!(
                    "{code:?} is not a reason code of survey {:?} (see its reasons)",
                    self.survey_id
                ),
            ))
        }
    }

    /// Returns the codes this survey offers that `updated`, its next version, no longer does.
    pub fn reason_codes_removed_by(&self, updated: &Survey) -> Vec<String> {
        self.reasons
            .iter()
            .filter(|reason| !updated.reasons.iter().any(|kept| kept.code == reason.code))
            .map(|reason| reason.code.clone())
            .collect()
    }
}

/// Why an update was refused.
#[derive(Debug, PartialEq)]
pub enum SurveyUpdateError {
    /// Bad fields.
    InvalidArgument(Vec<FieldViolation>),
    /// Metric, scale or threshold would change on a survey that has ratings.
    ScaleFrozen,
}

fn generate_survey_id() -> String {
    // The UUIDv7's hex digits are lowercase, as a survey id's must be.
    uuid::Uuid::now_v7().to_string()
}

/// Checks the survey_id a caller chose for a new survey; an empty one asks for one to be
/// generated.
pub fn check_new_survey_id(survey_id: &str) -> Result<(), Refusal> {
    if survey_id.is_empty() {
        Ok(())
    } else {
        SurveyId::PATTERN.check(survey_id)
    }
}

/// The fields UpdateSurvey changes, by their mask path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpdatableField {
    DisplayName,
    Question,
    Target,
    Dimensions,
    State,
    Metric,
    ScaleMin,
    ScaleMax,
    SatisfiedThreshold,
    FollowUp,
    Reasons,
    MinDaysBetweenInvitations,
}

impl UpdatableField {
    const ALL: [UpdatableField; 12] = [
        UpdatableField::DisplayName,
        UpdatableField::Question,
        UpdatableField::Target,
        UpdatableField::Dimensions,
        UpdatableField::State,
        UpdatableField::Metric,
        UpdatableField::ScaleMin,
        UpdatableField::ScaleMax,
        UpdatableField::SatisfiedThreshold,
        UpdatableField::FollowUp,
        UpdatableField::Reasons,
        UpdatableField::MinDaysBetweenInvitations,
    ];

    fn path(self) -> &'static str {
        match self {
            UpdatableField::DisplayName => "display_name",
            UpdatableField::Question => "question",
            UpdatableField::Target => "target",
            UpdatableField::Dimensions => "dimensions",
            UpdatableField::State => "state",
            UpdatableField::Metric => "metric",
            UpdatableField::ScaleMin => "scale_min",
            UpdatableField::ScaleMax => "scale_max",
            UpdatableField::SatisfiedThreshold => "satisfied_threshold",
            UpdatableField::FollowUp => "follow_up",
            UpdatableField::Reasons => "reasons",
            UpdatableField::MinDaysBetweenInvitations => "min_days_between_invitations",
        }
    }
}

/// Checks an UpdateSurvey's mask, whatever the survey: on its own too, so that a request without
/// a survey hears of its mask in the same answer.
pub fn check_update_mask(paths: &[String]) -> Result<(), Vec<FieldViolation>> {
    let mut violations = Violations::default();
    violations.check_update_mask(paths, &UpdatableField::ALL.map(UpdatableField::path));
    violations.finish(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(metric: Metric) -> SurveyDraft {
        SurveyDraft {
            touchpoint: "support_chat".into(),
            metric: Some(metric),
            ..SurveyDraft::default()
        }
    }

    #[test]
    fn defaults_follow_the_metric() {
        let csat = draft(Metric::Csat).into_survey("", 0).unwrap();
        assert_eq!(
            (csat.scale_min, csat.scale_max, csat.satisfied_threshold),
            (1, 5, Some(4))
        );
        let nps = draft(Metric::Nps).into_survey("", 0).unwrap();
        assert_eq!(
            (nps.scale_min, nps.scale_max, nps.satisfied_threshold),
            (0, 10, None)
        );
        let ces = draft(Metric::Ces).into_survey("", 0).unwrap();
        assert_eq!(
            (ces.scale_min, ces.scale_max, ces.satisfied_threshold),
            (1, 7, Some(5))
        );
    }

    #[test]
    fn csat_threshold_is_top_two_box_or_top_box_below_five_points() {
        for (scale_max, threshold) in [(3, 3), (5, 4), (7, 6), (10, 9)] {
            let survey = SurveyDraft {
                scale_max: Some(scale_max),
                ..draft(Metric::Csat)
            }
            .into_survey("", 0)
            .unwrap();
            assert_eq!(
                survey.satisfied_threshold,
                Some(threshold),
                "scale 1-{scale_max}"
            );
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = SurveyDraft {
            survey_id: "Bad Id".into(),
            touchpoint: "Support Chat".into(),
            metric: Some(Metric::Csat),
            scale_max: Some(4),
            dimensions: vec!["agent".into(), "agent".into()],
            ..SurveyDraft::default()
        };
        assert_eq!(
            bad_fields(bad),
            [
                "survey_id",
                "survey.touchpoint",
                "survey.scale_max",
                "survey.dimensions[1]"
            ]
        );
    }

    fn bad_fields(draft: SurveyDraft) -> Vec<String> {
        draft
            .into_survey("", 0)
            .unwrap_err()
            .into_iter()
            .map(|violation| violation.field)
            .collect()
    }

    #[test]
    fn a_missing_metric_still_reports_the_fields_that_do_not_depend_on_it() {
        let bad = SurveyDraft {
            display_name: "n".repeat(201),
            question: "q".repeat(1_001),
            dimensions: vec!["Agent".into()],
            ..draft(Metric::Csat)
        };
        assert_eq!(
            bad_fields(SurveyDraft {
                metric: None,
                ..bad
            }),
            [
                "survey.metric",
                "survey.display_name",
                "survey.question",
                "survey.dimensions[0]"
            ]
        );
    }

    #[test]
    fn each_bound_of_a_bad_scale_is_named() {
        let scale = |scale_min, scale_max| SurveyDraft {
            scale_min,
            scale_max,
            ..draft(Metric::Csat)
        };
        assert_eq!(bad_fields(scale(Some(0), Some(5))), ["survey.scale_min"]);
        assert_eq!(bad_fields(scale(None, Some(4))), ["survey.scale_max"]);
        assert_eq!(
            bad_fields(scale(Some(2), Some(4))),
            ["survey.scale_min", "survey.scale_max"]
        );
        let ces_from_zero = SurveyDraft {
            scale_min: Some(0),
            ..draft(Metric::Ces)
        };
        assert_eq!(bad_fields(ces_from_zero), ["survey.scale_min"]);
    }

    #[test]
    fn scale_is_frozen_once_ratings_exist() {
        let survey = draft(Metric::Csat).into_survey("", 0).unwrap();
        let change = SurveyDraft {
            scale_max: Some(7),
            ..SurveyDraft::default()
        };
        let paths = vec!["scale_max".to_string()];
        assert_eq!(
            survey.updated(change.clone(), &paths, true, 1),
            Err(SurveyUpdateError::ScaleFrozen)
        );
        let updated = survey.updated(change, &paths, false, 1).unwrap();
        assert_eq!(
            (updated.scale_max, updated.satisfied_threshold),
            (7, Some(6))
        );
    }

    #[test]
    fn an_update_that_changes_nothing_keeps_update_time() {
        let survey = draft(Metric::Csat).into_survey("", 0).unwrap();
        let same_scale = SurveyDraft {
            scale_max: Some(5),
            ..SurveyDraft::default()
        };
        let paths = vec!["scale_max".to_string()];
        let unchanged = survey.updated(same_scale, &paths, true, 7).unwrap();
        assert_eq!(unchanged, survey);
        let renamed = SurveyDraft {
            display_name: "Chat".into(),
            ..SurveyDraft::default()
        };
        let paths = vec!["display_name".to_string()];
        assert_eq!(
            survey
                .updated(renamed, &paths, true, 7)
                .unwrap()
                .update_time,
            7
        );
    }

    fn reason(code: &str) -> SurveyReason {
        SurveyReason {
            code: code.into(),
            label: format!("label of {code}"),
        }
    }

    #[test]
    fn bad_reasons_are_each_named() {
        let bad = SurveyDraft {
            reasons: vec![
                reason("long_wait"),
                reason("Long-Wait"),
                reason(""),
                reason("long_wait"),
                SurveyReason {
                    code: "rude".into(),
                    label: "x".repeat(201),
                },
            ],
            ..draft(Metric::Csat)
        };
        let violations = bad.into_survey("", 0).unwrap_err();
        let found: Vec<(String, FieldReason)> = violations
            .into_iter()
            .map(|violation| (violation.field, violation.reason))
            .collect();
        assert_eq!(
            found,
            [
                ("survey.reasons[1].code".into(), FieldReason::BadFormat),
                ("survey.reasons[2].code".into(), FieldReason::Required),
                ("survey.reasons[3].code".into(), FieldReason::Repeated),
                ("survey.reasons[4].label".into(), FieldReason::TooLong),
            ]
        );
    }

    #[test]
    fn fifty_reasons_are_allowed_and_fifty_one_are_too_many() {
        let reasons = |count: usize| SurveyDraft {
            reasons: (0..count)
                .map(|index| reason(&format!("r{index}")))
                .collect(),
            ..draft(Metric::Csat)
        };
        assert_eq!(reasons(50).into_survey("", 0).unwrap().reasons.len(), 50);
        assert_eq!(bad_fields(reasons(51)), ["survey.reasons"]);
    }

    #[test]
    fn an_update_of_reasons_replaces_the_list_and_tells_the_codes_removed() {
        let survey = SurveyDraft {
            reasons: vec![reason("long_wait"), reason("rude")],
            ..draft(Metric::Csat)
        }
        .into_survey("", 0)
        .unwrap();
        let change = SurveyDraft {
            reasons: vec![
                SurveyReason {
                    code: "long_wait".into(),
                    label: "Waited".into(),
                },
                reason("wrong_answer"),
            ],
            ..SurveyDraft::default()
        };
        let updated = survey
            .updated(change, &["reasons".to_string()], true, 3)
            .unwrap();
        assert_eq!(updated.reasons[0].label, "Waited");
        assert_eq!(survey.reason_codes_removed_by(&updated), ["rude"]);
        assert!(updated.check_reason_code("wrong_answer").is_ok());
        assert_eq!(
            updated.check_reason_code("rude").unwrap_err().reason,
            FieldReason::UnknownValue
        );
    }

    #[test]
    fn generated_ids_are_valid_survey_ids() {
        let survey = draft(Metric::Csat).into_survey("", 0).unwrap();
        assert!(
            SurveyId::parse(survey.survey_id.as_str()).is_ok(),
            "{}",
            survey.survey_id
        );
    }
}
