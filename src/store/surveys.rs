//! Survey rows: create, read, list, update, and the cache the submit path reads surveys from.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};

use super::Store;
use super::entity::{rating, survey};
use super::rollups::{PrebuiltDimensions, clear_dimension};
use crate::domain::follow_up::FollowUpRule;
use crate::domain::{Metric, Survey, SurveyDraft, SurveyReason, SurveyState, SurveyUpdateError};
use crate::error::{Error, Result};

/// What ListSurveys selects, and where a page starts.
#[derive(Debug, Clone, Default)]
pub struct SurveyListQuery {
    /// Only this touchpoint, when set.
    pub touchpoint: Option<String>,
    /// Only this metric, when set.
    pub metric: Option<Metric>,
    /// Only this state, when set.
    pub state: Option<SurveyState>,
    /// Start after this survey_id (the page token's position).
    pub after_survey_id: Option<String>,
    /// Page size.
    pub limit: u64,
}

impl Store {
    /// Stores a new survey; ALREADY_EXISTS when its id is taken.
    pub async fn create_survey(&self, survey: &Survey) -> Result<()> {
        // A new survey changes the catalog that reports read, so it bumps its version too.
        let transaction = self.begin_survey_change().await?;
        let inserted = survey::Entity::insert(survey_to_row(survey).into_active_model())
            .exec_without_returning(&transaction)
            .await;
        match inserted {
            Ok(_) => {
                transaction.commit().await?;
                self.make_durable().await
            }
            Err(cause) if matches!(cause.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(Error::AlreadyExists {
                    reason: "SURVEY_ALREADY_EXISTS",
                    message: format!("survey {:?} already exists", survey.survey_id),
                })
            }
            Err(cause) => Err(cause.into()),
        }
    }

    /// Returns the survey, or NOT_FOUND.
    pub async fn get_survey(&self, survey_id: &str) -> Result<Survey> {
        survey::Entity::find_by_id(survey_id)
            .one(&self.reader)
            .await?
            .ok_or_else(|| Error::survey_not_found(survey_id))
            .and_then(survey_from_row)
    }

    /// Returns every survey.
    pub async fn all_surveys(&self) -> Result<Vec<Survey>> {
        survey::Entity::find()
            .order_by_asc(survey::Column::SurveyId)
            .all(&self.reader)
            .await?
            .into_iter()
            .map(survey_from_row)
            .collect()
    }

    /// Returns the surveys with these ids that exist, read inside the writer's transaction.
    pub(super) async fn surveys_by_id<C: sea_orm::ConnectionTrait>(
        connection: &C,
        survey_ids: Vec<String>,
    ) -> Result<HashMap<String, Survey>> {
        let rows = survey::Entity::find()
            .filter(survey::Column::SurveyId.is_in(survey_ids))
            .all(connection)
            .await?;
        rows.into_iter()
            .map(|row| survey_from_row(row).map(|survey| (survey.survey_id.clone(), survey)))
            .collect()
    }

    /// Returns one page of surveys in survey_id order, and whether more follow.
    pub async fn list_surveys(&self, query: &SurveyListQuery) -> Result<(Vec<Survey>, bool)> {
        let mut select = survey::Entity::find().order_by_asc(survey::Column::SurveyId);
        if let Some(touchpoint) = &query.touchpoint {
            select = select.filter(survey::Column::Touchpoint.eq(touchpoint.as_str()));
        }
        if let Some(metric) = query.metric {
            select = select.filter(survey::Column::Metric.eq(metric_number(metric)));
        }
        if let Some(state) = query.state {
            select = select.filter(survey::Column::State.eq(state_number(state)));
        }
        if let Some(after) = &query.after_survey_id {
            select = select.filter(survey::Column::SurveyId.gt(after.as_str()));
        }
        let mut rows = select.limit(query.limit + 1).all(&self.reader).await?;
        let more = rows.len() as u64 > query.limit;
        rows.truncate(query.limit as usize);
        let surveys = rows
            .into_iter()
            .map(survey_from_row)
            .collect::<Result<_>>()?;
        Ok((surveys, more))
    }

    /// Changes a survey inside one transaction on the writer connection, so that the check for
    /// existing ratings and the change see the same state.
    pub async fn update_survey(
        &self,
        survey_id: &str,
        draft: SurveyDraft,
        paths: &[String],
        now: i64,
    ) -> Result<Survey> {
        // Cells of a newly declared dimension count every stored rating of the survey: built
        // under the counter lock, they would hold back every writer for seconds per million.
        let prebuilt = if paths.iter().any(|path| path == "dimensions") {
            Some(
                self.prebuild_dimensions(survey_id, &draft.dimensions)
                    .await?,
            )
        } else {
            None
        };
        let transaction = self.begin_survey_change().await?;
        let current = survey::Entity::find_by_id(survey_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| Error::survey_not_found(survey_id))
            .and_then(survey_from_row)?;
        let has_ratings = rating::Entity::find()
            .filter(rating::Column::SurveyId.eq(survey_id))
            .limit(1)
            .count(&transaction)
            .await?
            > 0;
        let updated = current
            .updated(draft, paths, has_ratings, now)
            .map_err(|refusal| match refusal {
                SurveyUpdateError::InvalidArgument(violations) => Error::InvalidArgument(violations),
                SurveyUpdateError::ScaleFrozen => Error::FailedPrecondition {
                    reason: "SURVEY_HAS_RATINGS",
                    message: format!(
                        "survey {survey_id:?} has ratings: its metric, scale and threshold are fixed"
                    ),
                },
            })?;
        let removed = current.reason_codes_removed_by(&updated);
        if !removed.is_empty() {
            check_reason_codes_unused(&transaction, self.backend, survey_id, &removed).await?;
        }
        if updated != current {
            survey_to_row(&updated)
                .into_active_model()
                .reset_all()
                .update(&transaction)
                .await?;
        }
        if updated.dimensions != current.dimensions {
            self.rebuild_dimension_rollups(&transaction, &current, &updated, prebuilt.as_ref())
                .await?;
        }
        transaction.commit().await?;
        self.make_durable().await?;
        if let Some(prebuilt) = prebuilt {
            prebuilt.lock.release().await?;
        }
        Ok(updated)
    }

    /// Begins a transaction that changes a survey, holding the writers' counter lock: a commit of
    /// ratings (in any replica) then sees the survey either before or after the change, never a
    /// rating checked against the old scale or state landing after the change.
    /// The change also bumps the counter row's catalog_version, which tells every writer to read
    /// its surveys again.
    async fn begin_survey_change(&self) -> Result<sea_orm::DatabaseTransaction> {
        let transaction = super::ingest::begin_read_committed(self).await?;
        super::counter::bump_versions(&transaction, self.backend, false).await?;
        Ok(transaction)
    }

    /// Deletes the rollups of dimensions `updated` no longer declares and completes those of the
    /// dimensions it newly declares.
    async fn rebuild_dimension_rollups(
        &self,
        transaction: &sea_orm::DatabaseTransaction,
        current: &Survey,
        updated: &Survey,
        prebuilt: Option<&PrebuiltDimensions>,
    ) -> Result<()> {
        super::counter::bump_versions(transaction, self.backend, true).await?;
        for dropped in current
            .dimensions
            .iter()
            .filter(|dimension| !updated.dimensions.contains(dimension))
        {
            clear_dimension(transaction, self.backend, &updated.survey_id, dropped).await?;
        }
        self.finish_dimensions(transaction, current, updated, prebuilt)
            .await
    }

    /// Archives a survey; archiving it again changes nothing.
    pub async fn archive_survey(&self, survey_id: &str, now: i64) -> Result<Survey> {
        let transaction = self.begin_survey_change().await?;
        let mut survey = survey::Entity::find_by_id(survey_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| Error::survey_not_found(survey_id))
            .and_then(survey_from_row)?;
        if survey.state != SurveyState::Archived {
            survey.state = SurveyState::Archived;
            survey.update_time = now;
            survey_to_row(&survey)
                .into_active_model()
                .reset_all()
                .update(&transaction)
                .await?;
        }
        transaction.commit().await?;
        self.make_durable().await?;
        Ok(survey)
    }
}

/// Returns FAILED_PRECONDITION naming the first of `codes` that a stored rating of `survey_id`
/// holds, if one does. Read in the transaction that changes the survey, which holds the writers'
/// counter lock: no rating holding a code can be committed between this search and the change.
/// The search reads the survey's ratings (through its index): removing a code is rare, and
/// this keeps the rule exact without a count per code to maintain on every commit.
async fn check_reason_codes_unused(
    transaction: &sea_orm::DatabaseTransaction,
    backend: sea_orm::DbBackend,
    survey_id: &str,
    codes: &[String],
) -> Result<()> {
    for code in codes {
        let holding = rating::Entity::find()
            .filter(rating::Column::SurveyId.eq(survey_id))
            .filter(super::rating_sql::holds_reason_code(backend, code))
            .limit(1)
            .count(transaction)
            .await?;
        if holding > 0 {
            return Err(Error::FailedPrecondition {
                reason: "REASON_CODE_IN_USE",
                message: format!(
                    "survey.reasons: reason code {code:?} is held by stored ratings of survey \
                     {survey_id:?} and cannot be removed (it may be relabelled)"
                ),
            });
        }
    }
    Ok(())
}

pub(super) fn metric_number(metric: Metric) -> i32 {
    match metric {
        Metric::Csat => 1,
        Metric::Nps => 2,
        Metric::Ces => 3,
    }
}

fn state_number(state: SurveyState) -> i32 {
    match state {
        SurveyState::Active => 1,
        SurveyState::Archived => ARCHIVED_STATE,
    }
}

fn survey_to_row(survey: &Survey) -> survey::Model {
    survey::Model {
        survey_id: survey.survey_id.clone(),
        display_name: survey.display_name.clone(),
        question: survey.question.clone(),
        touchpoint: survey.touchpoint.clone(),
        metric: metric_number(survey.metric),
        scale_min: survey.scale_min,
        scale_max: survey.scale_max,
        satisfied_threshold: survey.satisfied_threshold,
        target: survey.target,
        dimensions: serde_json::to_string(&survey.dimensions).unwrap_or_else(|_| "[]".into()),
        state: state_number(survey.state),
        create_time: survey.create_time,
        update_time: survey.update_time,
        reasons: reasons_json(&survey.reasons),
        follow_up_max_score: survey.follow_up.map(|rule| rule.max_score),
        follow_up_due_within: survey.follow_up.map(|rule| rule.due_within),
        min_days_between_invitations: survey.min_days_between_invitations,
    }
}

/// Returns reasons as stored: a JSON array of `{"code": …, "label": …}` objects.
fn reasons_json(reasons: &[SurveyReason]) -> String {
    let objects: Vec<serde_json::Value> = reasons
        .iter()
        .map(|reason| serde_json::json!({"code": reason.code, "label": reason.label}))
        .collect();
    serde_json::Value::Array(objects).to_string()
}

/// Returns the reasons [`reasons_json`] stored.
fn reasons_from_json(stored: &str) -> Result<Vec<SurveyReason>> {
    let objects: Vec<BTreeMap<String, String>> =
        serde_json::from_str(stored).map_err(Error::internal)?;
    Ok(objects
        .into_iter()
        .map(|mut object| SurveyReason {
            code: object.remove("code").unwrap_or_default(),
            label: object.remove("label").unwrap_or_default(),
        })
        .collect())
}

/// The stored number of [`SurveyState::Archived`].
pub(super) const ARCHIVED_STATE: i32 = 2;

pub(super) fn survey_from_row(row: survey::Model) -> Result<Survey> {
    let metric = match row.metric {
        1 => Metric::Csat,
        2 => Metric::Nps,
        3 => Metric::Ces,
        other => return Err(Error::internal(format!("survey row with metric {other}"))),
    };
    let state = match row.state {
        1 => SurveyState::Active,
        ARCHIVED_STATE => SurveyState::Archived,
        other => return Err(Error::internal(format!("survey row with state {other}"))),
    };
    Ok(Survey {
        dimensions: serde_json::from_str(&row.dimensions).map_err(Error::internal)?,
        reasons: reasons_from_json(&row.reasons)?,
        survey_id: row.survey_id,
        display_name: row.display_name,
        question: row.question,
        touchpoint: row.touchpoint,
        metric,
        scale_min: row.scale_min,
        scale_max: row.scale_max,
        satisfied_threshold: row.satisfied_threshold,
        target: row.target,
        state,
        create_time: row.create_time,
        update_time: row.update_time,
        follow_up: row.follow_up_max_score.zip(row.follow_up_due_within).map(
            |(max_score, due_within)| FollowUpRule {
                max_score,
                due_within,
            },
        ),
        min_days_between_invitations: row.min_days_between_invitations,
    })
}

/// How long a cached survey is trusted. The writer re-reads surveys inside its transaction, so a
/// stale entry can only make an early check (the score's scale) slightly out of date, never let a
/// rating into an archived or changed survey.
const SURVEY_CACHE_TTL: Duration = Duration::from_secs(2);

/// Surveys by id, each with the moment it was read.
type CachedSurveys = HashMap<String, (Instant, Arc<Survey>)>;

/// Recently read surveys, so that a submission costs no survey query in the common case.
#[derive(Debug, Clone, Default)]
pub struct SurveyCache {
    entries: Arc<Mutex<CachedSurveys>>,
}

impl SurveyCache {
    /// Returns the survey from the cache when fresh, else from the store.
    pub async fn get(&self, store: &Store, survey_id: &str) -> Result<Arc<Survey>> {
        if let Some(survey) = self.fresh(survey_id) {
            return Ok(survey);
        }
        let survey = Arc::new(store.get_survey(survey_id).await?);
        self.put(&survey);
        Ok(survey)
    }

    /// Records the current version of a survey this process changed.
    pub fn put(&self, survey: &Arc<Survey>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(survey.survey_id.clone(), (Instant::now(), survey.clone()));
        }
    }

    fn fresh(&self, survey_id: &str) -> Option<Arc<Survey>> {
        let entries = self.entries.lock().ok()?;
        let (read_at, survey) = entries.get(survey_id)?;
        (read_at.elapsed() < SURVEY_CACHE_TTL).then(|| survey.clone())
    }
}
