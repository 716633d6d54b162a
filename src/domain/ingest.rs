//! What the writer decides for each submitted rating and each submission, without I/O: new,
//! duplicate, conflict, or refused (unknown or archived survey, score off the scale), and an
//! all-or-nothing submission stored whole or not at all.

use std::collections::HashMap;

use super::{FieldViolation, NewRating, Rating, Survey, SurveyState};

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
    /// The score is off the survey's scale.
    /// Its violation names the field `score`, relative to the rating.
    ScoreOffScale(FieldViolation),
    /// The key is stored with other content.
    Conflict,
    /// The rating was fine, but another rating of its all-or-nothing batch was refused.
    RolledBack,
}

/// The writer's answer for one rating.
pub type RatingResult = std::result::Result<Accepted, Rejection>;

/// A rating's key: its survey and its id.
pub type RatingKey = (String, String);

/// Returns whether any rating of the batch was refused.
pub fn refuses_any(results: &[Vec<RatingResult>]) -> bool {
    results.iter().flatten().any(Result::is_err)
}

/// Returns whether a decision made without looking keys up refused a rating whose key the caller
/// chose: if that key is stored, the rating is a duplicate (or a conflict) instead, even in a
/// survey archived since.
pub fn refuses_a_given_key(batch: &[Submission], results: &[Vec<RatingResult>]) -> bool {
    batch
        .iter()
        .zip(results)
        .any(|(submission, submission_results)| {
            submission
                .ratings
                .iter()
                .zip(submission_results)
                .any(|(rating, result)| rating.rating_id_given && result.is_err())
        })
}

/// Decides every rating of the batch against the surveys, the keys stored (`known`) and the keys
/// the batch stores before it, and numbers the new ones from `first_sequence`, created at
/// `create_time`. Returns each submission's results and the ratings to store, in sequence order.
pub fn decide(
    batch: &[Submission],
    surveys: &HashMap<String, Survey>,
    known: &HashMap<RatingKey, Rating>,
    first_sequence: i64,
    create_time: i64,
) -> (Vec<Vec<RatingResult>>, Vec<Rating>) {
    let mut stored: Vec<Rating> = Vec::new();
    // Where in `stored` each key of the batch went; borrowed from the requests, not copied.
    let mut stored_keys: HashMap<(&str, &str), usize> = HashMap::new();
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        let stored_before_request = stored.len();
        let mut request_results = Vec::with_capacity(request.ratings.len());
        for new_rating in &request.ratings {
            let key = (new_rating.survey_id.as_str(), new_rating.rating_id.as_str());
            let earlier = stored_keys
                .get(&key)
                .map(|index| &stored[*index])
                .or_else(|| {
                    // The lookup key is owned: skip making it when nothing was looked up.
                    (!known.is_empty())
                        .then(|| {
                            known.get(&(new_rating.survey_id.clone(), new_rating.rating_id.clone()))
                        })
                        .flatten()
                });
            let result = if let Some(earlier) = earlier {
                if new_rating.is_retry_of(earlier) {
                    Ok(Accepted::Duplicate(earlier.clone()))
                } else {
                    Err(Rejection::Conflict)
                }
            } else {
                match surveys.get(&new_rating.survey_id) {
                    None => Err(Rejection::UnknownSurvey),
                    Some(survey) if survey.state == SurveyState::Archived => {
                        Err(Rejection::ArchivedSurvey)
                    }
                    Some(survey) => {
                        match survey.score_violation(new_rating.content.score, "score".into()) {
                            Some(violation) => Err(Rejection::ScoreOffScale(violation)),
                            None => {
                                let rating = Rating {
                                    sequence: first_sequence + stored.len() as i64,
                                    survey_id: new_rating.survey_id.clone(),
                                    touchpoint: survey.touchpoint.clone(),
                                    rating_id: new_rating.rating_id.clone(),
                                    content: new_rating.content.clone(),
                                    occur_time: new_rating.occur_time,
                                    create_time,
                                };
                                stored_keys.insert(key, stored.len());
                                stored.push(rating.clone());
                                Ok(Accepted::Stored(rating))
                            }
                        }
                    }
                }
            };
            request_results.push(result);
        }
        let refused = request_results.iter().any(Result::is_err);
        if request.all_or_nothing && refused {
            stored_keys.retain(|_, index| *index < stored_before_request);
            stored.truncate(stored_before_request);
            for result in &mut request_results {
                if result.is_ok() {
                    *result = Err(Rejection::RolledBack);
                }
            }
        }
        results.push(request_results);
    }
    (results, stored)
}
