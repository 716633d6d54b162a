//! csat.v1.SurveyService.

use std::sync::Arc;

use prost::Message;
use tonic::{Request, Response, Status};
use tracing::info;

use super::conversion::{metric_from_proto, state_from_proto, survey_draft, survey_to_proto};
use super::paging::{ListCall, decode_token, encode_token, page_size};
use super::{Context, check_id, status_from_error};
use crate::domain::survey::{check_update_mask, new_survey_id_violation};
use crate::domain::validation::is_key;
use crate::domain::{FieldViolation, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::survey_service_server::SurveyService;
use crate::store::SurveyListQuery;

/// Serves SurveyService.
#[derive(Debug, Clone)]
pub struct SurveyApi {
    context: Context,
}

impl SurveyApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

#[tonic::async_trait]
impl SurveyService for SurveyApi {
    async fn create_survey(
        &self,
        request: Request<pb::CreateSurveyRequest>,
    ) -> Result<Response<pb::CreateSurveyResponse>, Status> {
        let request = request.into_inner();
        let survey = match request.survey {
            Some(draft) => survey_draft(draft, request.survey_id)
                .into_survey("", now_micros())
                .map_err(Error::InvalidArgument),
            // The survey_id, if given, is checked all the same: every bad field in one answer.
            None => Error::both(
                Err(Error::invalid_field("survey", "required")),
                new_survey_id_violation(&request.survey_id).map_or(Ok(()), |description| {
                    Err(Error::invalid_field("survey_id", description))
                }),
            )
            .map(|(survey, ())| survey),
        }?;
        self.context.store.create_survey(&survey).await?;
        info!(survey_id = %survey.survey_id, touchpoint = %survey.touchpoint, "survey created");
        let survey = Arc::new(survey);
        self.context.surveys.put(&survey);
        Ok(Response::new(pb::CreateSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }

    async fn get_survey(
        &self,
        request: Request<pb::GetSurveyRequest>,
    ) -> Result<Response<pb::GetSurveyResponse>, Status> {
        let survey_id = request.into_inner().survey_id;
        check_id("survey_id", &survey_id)?;
        let survey = self.context.store.get_survey(&survey_id).await?;
        Ok(Response::new(pb::GetSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }

    async fn list_surveys(
        &self,
        request: Request<pb::ListSurveysRequest>,
    ) -> Result<Response<pb::ListSurveysResponse>, Status> {
        let request = request.into_inner();
        // The token is bound to the filters: everything but page_size and page_token.
        let filter_bytes = pb::ListSurveysRequest {
            page_size: 0,
            page_token: String::new(),
            ..request.clone()
        }
        .encode_to_vec();
        let mut violations = Vec::new();
        let limit = checked(page_size(request.page_size), &mut violations)?;
        let after_survey_id = checked(
            decode_token(ListCall::Surveys, &request.page_token, &filter_bytes),
            &mut violations,
        )?;
        let metric = checked(
            enum_filter(request.metric, "metric", metric_from_proto),
            &mut violations,
        )?;
        let state = checked(
            enum_filter(request.state, "state", state_from_proto),
            &mut violations,
        )?;
        // The same rule as a rating filter's touchpoints: a malformed one is a mistake, not a
        // touchpoint without surveys.
        if !request.touchpoint.is_empty() && !is_key(&request.touchpoint) {
            violations.push(FieldViolation::new(
                "touchpoint",
                "must match [a-z0-9_.-]{1,63}",
            ));
        }
        let (Some(limit), Some(after_survey_id), Some(metric), Some(state), true) =
            (limit, after_survey_id, metric, state, violations.is_empty())
        else {
            return Err(status_from_error(Error::InvalidArgument(violations)));
        };
        let query = SurveyListQuery {
            touchpoint: (!request.touchpoint.is_empty()).then_some(request.touchpoint),
            metric,
            state,
            after_survey_id,
            limit: limit as u64,
        };
        let (surveys, more) = self.context.store.list_surveys(&query).await?;
        let next_page_token = match surveys.last() {
            Some(last) if more => encode_token(ListCall::Surveys, &filter_bytes, &last.survey_id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListSurveysResponse {
            surveys: surveys.iter().map(survey_to_proto).collect(),
            next_page_token,
        }))
    }

    async fn update_survey(
        &self,
        request: Request<pb::UpdateSurveyRequest>,
    ) -> Result<Response<pb::UpdateSurveyResponse>, Status> {
        let request = request.into_inner();
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        // The survey's id and the mask, checked before the survey is read: every bad field in
        // one answer, and INVALID_ARGUMENT before NOT_FOUND.
        let survey = request
            .survey
            .ok_or_else(|| Error::invalid_field("survey", "required"))
            .and_then(|survey| check_id("survey.survey_id", &survey.survey_id).map(|()| survey));
        let (survey, ()) = Error::both(
            survey,
            check_update_mask(&paths).map_err(Error::InvalidArgument),
        )?;
        let survey_id = survey.survey_id.clone();
        let draft = survey_draft(survey, survey_id.clone());
        let updated = self
            .context
            .store
            .update_survey(&survey_id, draft, &paths, now_micros())
            .await?;
        info!(survey_id = %survey_id, fields = ?paths, "survey updated");
        let updated = Arc::new(updated);
        self.context.surveys.put(&updated);
        Ok(Response::new(pb::UpdateSurveyResponse {
            survey: Some(survey_to_proto(&updated)),
        }))
    }

    async fn archive_survey(
        &self,
        request: Request<pb::ArchiveSurveyRequest>,
    ) -> Result<Response<pb::ArchiveSurveyResponse>, Status> {
        let survey_id = request.into_inner().survey_id;
        check_id("survey_id", &survey_id)?;
        let survey = self
            .context
            .store
            .archive_survey(&survey_id, now_micros())
            .await?;
        info!(survey_id = %survey_id, "survey archived");
        let survey = Arc::new(survey);
        self.context.surveys.put(&survey);
        Ok(Response::new(pb::ArchiveSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }
}

/// Returns the value of a check that passed; records the violations of one that did not, so that
/// every bad field is reported at once.
fn checked<T>(
    result: Result<T, Error>,
    violations: &mut Vec<FieldViolation>,
) -> Result<Option<T>, Status> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Error::InvalidArgument(found)) => {
            violations.extend(found);
            Ok(None)
        }
        Err(other) => Err(status_from_error(other)),
    }
}

/// Returns what an enum filter field selects: `None` (any) for 0, INVALID_ARGUMENT for a number
/// the enum does not have.
fn enum_filter<T>(
    number: i32,
    field: &str,
    from_proto: impl Fn(i32) -> Option<T>,
) -> Result<Option<T>, Error> {
    match number {
        0 => Ok(None),
        number => from_proto(number)
            .map(Some)
            .ok_or_else(|| Error::invalid_field(field, format!("unknown {field} {number}"))),
    }
}
