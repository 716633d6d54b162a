//! What the writer decides for each submitted rating and each submission, without I/O: new,
//! duplicate, conflict, or refused (unknown or archived survey, score off the scale, a reason
//! code the survey does not offer), and an
//! all-or-nothing submission stored whole or not at all.

use std::collections::{HashMap, HashSet};

use super::invitation::{InvitationLink, LinkRefusal};
use super::{FieldViolation, NewRating, Rating, Survey, SurveyState};

/// The invitations a batch's ratings name, by id, as the writer read them in its transaction;
/// absent: no such invitation.
pub type InvitationLinks = HashMap<String, InvitationLink>;

/// Ratings submitted together, as one caller's call hands them to the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The ratings, in the caller's order.
    pub ratings: Vec<NewRating>,
    /// Whether one refusal stores none of them.
    pub all_or_nothing: bool,
}

/// A rating the writer accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    /// Newly stored.
    Stored(Rating),
    /// Stored before with the same content; returned as stored then.
    Duplicate(Rating),
}

impl Accepted {
    /// Returns the stored rating, consuming the answer.
    pub fn into_rating(self) -> Rating {
        match self {
            Accepted::Stored(rating) | Accepted::Duplicate(rating) => rating,
        }
    }
}

/// Why the writer refused a rating.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The survey does not exist.
    UnknownSurvey,
    /// The survey is archived.
    ArchivedSurvey,
    /// The rating does not fit its survey: a score off the scale, reason codes the survey does
    /// not offer. Each violation names its field relative to the rating (`score`,
    /// `reason_codes[2]`).
    OffSurvey(Vec<FieldViolation>),
    /// The key is stored with other content.
    Conflict,
    /// The invitation named cannot be answered by this rating.
    Invitation(LinkRefusal),
    /// The rating was fine, but another rating of its all-or-nothing batch was refused.
    RolledBack,
}

/// The writer's answer for one rating.
pub type RatingResult = std::result::Result<Accepted, Rejection>;

/// What a commit decided: each submission's results and the ratings it stores.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommitOutcome {
    /// One result per rating, per submission, in the order submitted.
    pub results: Vec<Vec<RatingResult>>,
    /// The ratings to store, in sequence order.
    pub stored: Vec<Rating>,
}

/// How many ratings of a commit had each answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Newly stored.
    pub accepted: u64,
    /// Stored before with the same content.
    pub duplicate: u64,
    /// Refused, rolled back with their batch included.
    pub refused: u64,
}

impl CommitOutcome {
    /// Returns how many ratings of the batch were stored, duplicates, and refused.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for result in self.results.iter().flatten() {
            match result {
                Ok(Accepted::Stored(_)) => tally.accepted += 1,
                Ok(Accepted::Duplicate(_)) => tally.duplicate += 1,
                Err(_) => tally.refused += 1,
            }
        }
        tally
    }

    /// Returns whether any rating of the batch was refused.
    pub fn refuses_any(&self) -> bool {
        self.results.iter().flatten().any(Result::is_err)
    }

    /// Returns whether a decision made without looking keys up refused a rating of `batch` whose
    /// key the caller chose: if that key is stored, the rating is a duplicate (or a conflict)
    /// instead, even in a survey archived since.
    pub fn refuses_a_given_key(&self, batch: &[Submission]) -> bool {
        batch
            .iter()
            .zip(&self.results)
            .any(|(submission, submission_results)| {
                submission
                    .ratings
                    .iter()
                    .zip(submission_results)
                    .any(|(rating, result)| rating.rating_id_given && result.is_err())
            })
    }
}

/// Stored ratings found under the keys a batch names, by survey and rating id.
#[derive(Debug, Clone, Default)]
pub struct StoredRatings {
    by_survey: HashMap<String, HashMap<String, Rating>>,
}

impl StoredRatings {
    /// Adds a stored rating.
    pub fn insert(&mut self, rating: Rating) {
        self.by_survey
            .entry(rating.survey_id.clone())
            .or_default()
            .insert(rating.rating_id.clone(), rating);
    }

    /// Returns whether none was found.
    pub fn is_empty(&self) -> bool {
        self.by_survey.is_empty()
    }

    /// Returns the rating stored under the key of `new_rating`, if any.
    pub fn get(&self, new_rating: &NewRating) -> Option<&Rating> {
        self.by_survey
            .get(&new_rating.survey_id)?
            .get(&new_rating.rating_id)
    }
}

/// What becomes of one rating on its own, before the all-or-nothing rule of its submission.
#[derive(Debug, PartialEq)]
pub enum Verdict<'s, 'r> {
    /// New: stored in this survey.
    New(&'s Survey),
    /// Sent before with the same content: answered with the rating stored then.
    Duplicate(&'r Rating),
    /// Refused.
    Refused(Rejection),
}

/// Decides one rating: against `earlier`, the rating stored under its key before (by an earlier
/// commit or earlier in the same batch), which settles it whatever the survey's state; otherwise
/// against its `survey`.
pub fn judge<'s, 'r>(
    new_rating: &NewRating,
    earlier: Option<&'r Rating>,
    survey: Option<&'s Survey>,
) -> Verdict<'s, 'r> {
    if let Some(earlier) = earlier {
        return if new_rating.is_retry_of(earlier) {
            Verdict::Duplicate(earlier)
        } else {
            Verdict::Refused(Rejection::Conflict)
        };
    }
    match survey {
        None => Verdict::Refused(Rejection::UnknownSurvey),
        Some(survey) if survey.state == SurveyState::Archived => {
            Verdict::Refused(Rejection::ArchivedSurvey)
        }
        Some(survey) => {
            // Checked here, where the survey is the one the commit stores the rating against: a
            // reason removed since the api checked it refuses the rating instead of storing a
            // code the survey no longer offers.
            let violations = new_rating.violations_against(survey);
            if violations.is_empty() {
                Verdict::New(survey)
            } else {
                Verdict::Refused(Rejection::OffSurvey(violations))
            }
        }
    }
}

/// Returns why a new rating may not answer the invitation it names, if it names one. A retry
/// never comes here: the rating stored first settles it (its content holds the same
/// invitation_id, or it is a conflict).
fn link_refusal(
    new_rating: &NewRating,
    invitations: &InvitationLinks,
    staged: &Staged<'_>,
) -> Option<LinkRefusal> {
    let invitation_id = new_rating.content.invitation_id.as_str();
    if invitation_id.is_empty() {
        return None;
    }
    InvitationLink::refusal(
        invitations.get(invitation_id),
        &new_rating.survey_id,
        &new_rating.content.customer_id,
        staged.index_by_invitation.contains_key(invitation_id),
    )
}

/// Applies the all-or-nothing rule to one submission's results: when the submission asks for it
/// and any rating was refused, every accepted one (new or duplicate) becomes
/// [`Rejection::RolledBack`]. Returns whether it rolled the submission back.
pub fn roll_back_if_any_refused(all_or_nothing: bool, results: &mut [RatingResult]) -> bool {
    if !all_or_nothing || !results.iter().any(Result::is_err) {
        return false;
    }
    for result in results.iter_mut() {
        if result.is_ok() {
            *result = Err(Rejection::RolledBack);
        }
    }
    true
}

/// Returns whether every survey the batch names is among `surveys`.
pub fn names_only_known_surveys(batch: &[Submission], surveys: &HashMap<String, Survey>) -> bool {
    batch
        .iter()
        .flat_map(|submission| &submission.ratings)
        .all(|rating| surveys.contains_key(&rating.survey_id))
}

/// Returns the surveys the batch names that are not among `surveys`, once each.
pub fn unseen_survey_ids<'b>(
    batch: &'b [Submission],
    surveys: &HashMap<String, Survey>,
) -> HashSet<&'b String> {
    batch
        .iter()
        .flat_map(|submission| &submission.ratings)
        .map(|rating| &rating.survey_id)
        .filter(|survey_id| !surveys.contains_key(*survey_id))
        .collect()
}

/// The ratings a batch stores so far, numbered as they come, and where each key went.
struct Staged<'b> {
    ratings: Vec<Rating>,
    /// Index in `ratings` by key, borrowed from the submissions rather than copied.
    index_by_key: HashMap<(&'b str, &'b str), usize>,
    /// Index in `ratings` of the rating answering each invitation, so that a second one in the
    /// same commit is refused as a stored one would be.
    index_by_invitation: HashMap<&'b str, usize>,
    first_sequence: i64,
    create_time: i64,
}

impl<'b> Staged<'b> {
    fn get(&self, new_rating: &NewRating) -> Option<&Rating> {
        let key = (new_rating.survey_id.as_str(), new_rating.rating_id.as_str());
        self.index_by_key
            .get(&key)
            .map(|index| &self.ratings[*index])
    }

    /// Stages `new_rating` in `survey` with the next sequence, and returns it as stored.
    fn push(&mut self, new_rating: &'b NewRating, survey: &Survey) -> Rating {
        let rating = Rating {
            sequence: self.first_sequence + self.ratings.len() as i64,
            survey_id: new_rating.survey_id.clone(),
            touchpoint: survey.touchpoint.clone(),
            rating_id: new_rating.rating_id.clone(),
            content: new_rating.content.clone(),
            occur_time: new_rating.occur_time,
            create_time: self.create_time,
            exclusion: None,
            erased: false,
        };
        let key = (new_rating.survey_id.as_str(), new_rating.rating_id.as_str());
        self.index_by_key.insert(key, self.ratings.len());
        if !new_rating.content.invitation_id.is_empty() {
            self.index_by_invitation
                .insert(&new_rating.content.invitation_id, self.ratings.len());
        }
        self.ratings.push(rating.clone());
        rating
    }

    /// Unstages every rating from position `len` on.
    fn truncate(&mut self, len: usize) {
        self.index_by_key.retain(|_, index| *index < len);
        self.index_by_invitation.retain(|_, index| *index < len);
        self.ratings.truncate(len);
    }
}

/// Returns whether any rating of the batch names an invitation.
pub fn names_an_invitation(batch: &[Submission]) -> bool {
    batch
        .iter()
        .flat_map(|submission| &submission.ratings)
        .any(|rating| !rating.content.invitation_id.is_empty())
}

/// Returns the invitations the batch names, once each.
pub fn named_invitation_ids(batch: &[Submission]) -> HashSet<&str> {
    batch
        .iter()
        .flat_map(|submission| &submission.ratings)
        .map(|rating| rating.content.invitation_id.as_str())
        .filter(|invitation_id| !invitation_id.is_empty())
        .collect()
}

/// Decides every rating of the batch against the surveys, the ratings stored under its keys
/// (`known`), the invitations it names (`invitations`) and the ratings the batch stores before
/// it, and numbers the new ones from `first_sequence`, created at `create_time`.
pub fn decide(
    batch: &[Submission],
    surveys: &HashMap<String, Survey>,
    known: &StoredRatings,
    invitations: &InvitationLinks,
    first_sequence: i64,
    create_time: i64,
) -> CommitOutcome {
    let mut staged = Staged {
        ratings: Vec::new(),
        index_by_key: HashMap::new(),
        index_by_invitation: HashMap::new(),
        first_sequence,
        create_time,
    };
    let mut results = Vec::with_capacity(batch.len());
    for submission in batch {
        let staged_before_submission = staged.ratings.len();
        let mut submission_results = Vec::with_capacity(submission.ratings.len());
        for new_rating in &submission.ratings {
            let earlier = staged.get(new_rating).or_else(|| {
                // Skip hashing the key when nothing was looked up.
                (!known.is_empty()).then(|| known.get(new_rating)).flatten()
            });
            let result = match judge(new_rating, earlier, surveys.get(&new_rating.survey_id)) {
                Verdict::New(survey) => match link_refusal(new_rating, invitations, &staged) {
                    Some(refusal) => Err(Rejection::Invitation(refusal)),
                    None => Ok(Accepted::Stored(staged.push(new_rating, survey))),
                },
                Verdict::Duplicate(earlier) => Ok(Accepted::Duplicate(earlier.clone())),
                Verdict::Refused(rejection) => Err(rejection),
            };
            submission_results.push(result);
        }
        if roll_back_if_any_refused(submission.all_or_nothing, &mut submission_results) {
            staged.truncate(staged_before_submission);
        }
        results.push(submission_results);
    }
    CommitOutcome {
        results,
        stored: staged.ratings,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::{Channel, FieldReason, Metric, RatingContent, RatingInput, SurveyReason};

    const FIRST_SEQUENCE: i64 = 41;
    const CREATE_TIME: i64 = 7_000;

    fn survey(survey_id: &str, state: SurveyState) -> Survey {
        Survey {
            survey_id: survey_id.into(),
            display_name: "Chat".into(),
            question: "How did we do?".into(),
            touchpoint: "support_chat".into(),
            metric: Metric::Csat,
            scale_min: 1,
            scale_max: 5,
            satisfied_threshold: Some(4),
            target: None,
            dimensions: Vec::new(),
            state,
            reasons: ["long_wait", "rude"]
                .map(|code| SurveyReason {
                    code: code.into(),
                    label: code.into(),
                })
                .into(),
            create_time: 0,
            update_time: 0,
            follow_up: None,
            min_days_between_invitations: 0,
        }
    }

    fn surveys() -> HashMap<String, Survey> {
        HashMap::from([
            ("chat".into(), survey("chat", SurveyState::Active)),
            ("old".into(), survey("old", SurveyState::Archived)),
        ])
    }

    fn new_rating(survey_id: &str, rating_id: &str, score: i32) -> NewRating {
        NewRating {
            survey_id: survey_id.into(),
            rating_id: rating_id.into(),
            rating_id_given: true,
            content: RatingContent {
                score,
                comment: String::new(),
                customer_id: String::new(),
                channel: Channel::WebChat,
                attributes: BTreeMap::new(),
                reason_codes: Vec::new(),
                invitation_id: String::new(),
            },
            occur_time: 1_000,
            occur_time_given: true,
            reason_code_indexes: Vec::new(),
        }
    }

    fn stored(new_rating: &NewRating, sequence: i64) -> Rating {
        Rating {
            sequence,
            survey_id: new_rating.survey_id.clone(),
            touchpoint: "support_chat".into(),
            rating_id: new_rating.rating_id.clone(),
            content: new_rating.content.clone(),
            occur_time: new_rating.occur_time,
            create_time: CREATE_TIME,
            exclusion: None,
            erased: false,
        }
    }

    fn submission(ratings: Vec<NewRating>, all_or_nothing: bool) -> Submission {
        Submission {
            ratings,
            all_or_nothing,
        }
    }

    fn decide_alone(batch: &[Submission], known: &StoredRatings) -> CommitOutcome {
        decide(
            batch,
            &surveys(),
            known,
            &InvitationLinks::new(),
            FIRST_SEQUENCE,
            CREATE_TIME,
        )
    }

    #[test]
    fn the_tally_counts_each_rating_of_every_submission_by_its_answer() {
        let earlier = stored(&new_rating("chat", "a", 4), 7);
        let mut known = StoredRatings::default();
        known.insert(earlier);
        let batch = [
            submission(
                vec![new_rating("chat", "a", 4), new_rating("chat", "b", 2)],
                false,
            ),
            submission(
                vec![new_rating("chat", "c", 3), new_rating("nowhere", "d", 3)],
                true,
            ),
        ];

        let outcome = decide_alone(&batch, &known);

        assert_eq!(
            outcome.tally(),
            Tally {
                accepted: 1,
                duplicate: 1,
                refused: 2
            }
        );
    }

    #[test]
    fn new_ratings_are_numbered_from_the_first_sequence_with_the_surveys_touchpoint() {
        let first = new_rating("chat", "a", 5);
        let second = new_rating("chat", "b", 1);
        let batch = [
            submission(vec![first.clone()], false),
            submission(vec![second.clone()], false),
        ];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        let expected = vec![stored(&first, 41), stored(&second, 42)];
        assert_eq!(outcome.stored, expected);
        assert_eq!(
            outcome.results,
            vec![
                vec![Ok(Accepted::Stored(expected[0].clone()))],
                vec![Ok(Accepted::Stored(expected[1].clone()))],
            ]
        );
    }

    #[test]
    fn a_retry_of_a_stored_rating_is_a_duplicate_and_stores_nothing() {
        let retry = new_rating("chat", "a", 4);
        let earlier = Rating {
            create_time: 5,
            exclusion: None,
            erased: false,
            ..stored(&retry, 3)
        };
        let mut known = StoredRatings::default();
        known.insert(earlier.clone());

        let outcome = decide_alone(&[submission(vec![retry], false)], &known);

        assert_eq!(
            outcome.results,
            vec![vec![Ok(Accepted::Duplicate(earlier))]]
        );
        assert_eq!(outcome.stored, Vec::new());
    }

    #[test]
    fn a_stored_key_with_other_content_is_a_conflict() {
        let mut known = StoredRatings::default();
        known.insert(stored(&new_rating("chat", "a", 4), 3));

        let outcome = decide_alone(
            &[submission(vec![new_rating("chat", "a", 2)], false)],
            &known,
        );

        assert_eq!(outcome.results, vec![vec![Err(Rejection::Conflict)]]);
        assert_eq!(outcome.stored, Vec::new());
    }

    #[test]
    fn a_key_repeated_in_one_batch_is_stored_once_then_a_duplicate_or_a_conflict() {
        let first = new_rating("chat", "a", 4);
        let batch = [
            submission(vec![first.clone()], false),
            submission(vec![first.clone(), new_rating("chat", "a", 3)], false),
        ];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        let once = stored(&first, 41);
        assert_eq!(
            outcome.results,
            vec![
                vec![Ok(Accepted::Stored(once.clone()))],
                vec![
                    Ok(Accepted::Duplicate(once.clone())),
                    Err(Rejection::Conflict)
                ],
            ]
        );
        assert_eq!(outcome.stored, vec![once]);
    }

    #[test]
    fn unknown_and_archived_surveys_and_off_scale_scores_are_refused() {
        let batch = [submission(
            vec![
                new_rating("gone", "a", 4),
                new_rating("old", "b", 4),
                new_rating("chat", "c", 6),
            ],
            false,
        )];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        let off_scale = FieldViolation::new(
            "score",
            FieldReason::OutOfRange,
            "6 is outside the survey's scale 1-5",
        );
        assert_eq!(
            outcome.results,
            vec![vec![
                Err(Rejection::UnknownSurvey),
                Err(Rejection::ArchivedSurvey),
                Err(Rejection::OffSurvey(vec![off_scale])),
            ]]
        );
        assert_eq!(outcome.stored, Vec::new());
    }

    fn with_reasons(rating_id: &str, codes: &[&str]) -> NewRating {
        RatingInput {
            rating_id: rating_id.into(),
            survey_id: "chat".into(),
            score: 4,
            channel_number: 1,
            occur_time: Some(Ok(1_000)),
            reason_codes: codes.iter().map(|code| code.to_string()).collect(),
            ..RatingInput::default()
        }
        .parse("", 2_000)
        .unwrap()
    }

    #[test]
    fn reason_codes_the_survey_does_not_offer_are_named_as_sent() {
        let batch = [submission(
            vec![with_reasons("a", &["zzz_unknown", "rude", "aaa_unknown"])],
            false,
        )];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        let Err(Rejection::OffSurvey(violations)) = &outcome.results[0][0] else {
            panic!("{:?}", outcome.results);
        };
        let fields: Vec<&str> = violations
            .iter()
            .map(|violation| violation.field.as_str())
            .collect();
        assert_eq!(fields, ["reason_codes[0]", "reason_codes[2]"]);
        assert!(
            violations
                .iter()
                .all(|violation| violation.reason == FieldReason::UnknownValue)
        );
    }

    #[test]
    fn the_same_reasons_in_another_order_are_a_duplicate_and_others_a_conflict() {
        let first = with_reasons("a", &["rude", "long_wait"]);
        let earlier = stored(&first, 3);
        assert_eq!(earlier.content.reason_codes, ["long_wait", "rude"]);
        let chat = survey("chat", SurveyState::Active);

        let reordered = with_reasons("a", &["long_wait", "rude"]);
        let fewer = with_reasons("a", &["rude"]);

        assert_eq!(
            judge(&reordered, Some(&earlier), Some(&chat)),
            Verdict::Duplicate(&earlier)
        );
        assert_eq!(
            judge(&fewer, Some(&earlier), Some(&chat)),
            Verdict::Refused(Rejection::Conflict)
        );
    }

    #[test]
    fn a_retry_in_a_survey_archived_since_is_still_a_duplicate() {
        let retry = new_rating("old", "a", 4);
        let earlier = stored(&retry, 3);
        let archived = survey("old", SurveyState::Archived);

        let verdict = judge(&retry, Some(&earlier), Some(&archived));

        assert_eq!(verdict, Verdict::Duplicate(&earlier));
    }

    #[test]
    fn one_refusal_rolls_back_an_all_or_nothing_submission_and_frees_its_sequences() {
        let kept_out = new_rating("chat", "a", 4);
        let later = new_rating("chat", "b", 4);
        let batch = [
            submission(vec![kept_out.clone(), new_rating("gone", "x", 4)], true),
            submission(vec![later.clone(), kept_out.clone()], false),
        ];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        assert_eq!(
            outcome.results,
            vec![
                vec![Err(Rejection::RolledBack), Err(Rejection::UnknownSurvey)],
                vec![
                    Ok(Accepted::Stored(stored(&later, 41))),
                    Ok(Accepted::Stored(stored(&kept_out, 42))),
                ],
            ]
        );
        assert_eq!(
            outcome.stored,
            vec![stored(&later, 41), stored(&kept_out, 42)]
        );
    }

    #[test]
    fn one_refusal_leaves_the_others_of_a_submission_that_is_not_all_or_nothing() {
        let fine = new_rating("chat", "a", 4);
        let batch = [submission(
            vec![fine.clone(), new_rating("gone", "x", 4)],
            false,
        )];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        assert_eq!(
            outcome.results,
            vec![vec![
                Ok(Accepted::Stored(stored(&fine, 41))),
                Err(Rejection::UnknownSurvey)
            ]]
        );
        assert_eq!(outcome.stored, vec![stored(&fine, 41)]);
    }

    #[test]
    fn rolling_back_turns_duplicates_too_and_keeps_each_refusal() {
        let earlier = stored(&new_rating("chat", "a", 4), 3);
        let mut results = vec![Ok(Accepted::Duplicate(earlier)), Err(Rejection::Conflict)];

        let rolled_back = roll_back_if_any_refused(true, &mut results);

        assert!(rolled_back);
        assert_eq!(
            results,
            vec![Err(Rejection::RolledBack), Err(Rejection::Conflict)]
        );
    }

    #[test]
    fn nothing_is_rolled_back_without_all_or_nothing_or_without_a_refusal() {
        let accepted = Ok(Accepted::Stored(stored(&new_rating("chat", "a", 4), 3)));
        let mut mixed = vec![accepted.clone(), Err(Rejection::Conflict)];
        let mut all_accepted = vec![accepted.clone()];

        assert!(!roll_back_if_any_refused(false, &mut mixed));
        assert!(!roll_back_if_any_refused(true, &mut all_accepted));

        assert_eq!(mixed, vec![accepted.clone(), Err(Rejection::Conflict)]);
        assert_eq!(all_accepted, vec![accepted]);
    }

    #[test]
    fn only_a_refused_key_the_caller_chose_may_hide_a_stored_rating() {
        let generated = NewRating {
            rating_id_given: false,
            ..new_rating("old", "generated", 4)
        };
        let generated_only = [submission(vec![generated.clone()], false)];
        let with_a_given_key = [submission(
            vec![generated, new_rating("old", "given", 4)],
            false,
        )];

        let generated_outcome = decide_alone(&generated_only, &StoredRatings::default());
        let given_outcome = decide_alone(&with_a_given_key, &StoredRatings::default());

        assert!(generated_outcome.refuses_any());
        assert!(!generated_outcome.refuses_a_given_key(&generated_only));
        assert!(given_outcome.refuses_a_given_key(&with_a_given_key));
    }

    #[test]
    fn an_outcome_storing_everything_refuses_nothing() {
        let batch = [submission(vec![new_rating("chat", "a", 4)], false)];

        let outcome = decide_alone(&batch, &StoredRatings::default());

        assert!(!outcome.refuses_any());
        assert!(!outcome.refuses_a_given_key(&batch));
    }

    #[test]
    fn surveys_not_held_are_named_once_each() {
        let batch = [
            submission(
                vec![new_rating("chat", "a", 4), new_rating("new", "b", 4)],
                false,
            ),
            submission(vec![new_rating("new", "c", 4)], false),
        ];

        let unseen = unseen_survey_ids(&batch, &surveys());

        assert_eq!(unseen, HashSet::from([&"new".to_string()]));
        assert!(!names_only_known_surveys(&batch, &surveys()));
        assert!(names_only_known_surveys(
            &[submission(vec![new_rating("old", "d", 4)], false)],
            &surveys()
        ));
    }

    fn answering(rating_id: &str, invitation_id: &str) -> NewRating {
        let mut rating = new_rating("chat", rating_id, 4);
        rating.content.invitation_id = invitation_id.into();
        rating
    }

    #[test]
    fn an_invitation_answered_by_a_rolled_back_submission_may_be_answered_later_in_the_commit() {
        let link = InvitationLink {
            survey_id: "chat".into(),
            customer_id: "c-1".into(),
            channel: Channel::Email,
            send_time: 0,
            suppressed: false,
            answered_by: None,
        };
        let invitations = InvitationLinks::from([("inv-1".to_string(), link)]);
        let batch = [
            submission(
                vec![answering("a", "inv-1"), new_rating("gone", "x", 4)],
                true,
            ),
            submission(
                vec![answering("b", "inv-1"), answering("c", "inv-1")],
                false,
            ),
            submission(vec![answering("d", "inv-404")], false),
        ];

        let outcome = decide(
            &batch,
            &surveys(),
            &StoredRatings::default(),
            &invitations,
            FIRST_SEQUENCE,
            CREATE_TIME,
        );

        assert_eq!(
            outcome.results[1][1],
            Err(Rejection::Invitation(LinkRefusal::Answered))
        );
        assert_eq!(
            outcome.results[2][0],
            Err(Rejection::Invitation(LinkRefusal::Unknown))
        );
        let stored: Vec<&str> = outcome
            .stored
            .iter()
            .map(|rating| rating.rating_id.as_str())
            .collect();
        assert_eq!(stored, ["b"]);
    }
}
