//! csat.v1.SurveyService.

use std::sync::Arc;

use prost::Message;
use tonic::{Request, Response, Status};

use super::audit::Principal;
use super::conversion::{
    enum_filter, metric_from_proto, state_from_proto, survey_draft, survey_to_proto,
};
use super::paging::{ListCall, encode_token, page_request};
use super::{Context, only_field};
use crate::domain::survey::{check_new_survey_id, check_update_mask};
use crate::domain::validation::{Key, Refusal, SurveyId};
use crate::domain::{FieldReason, Micros, Survey, Violations, now_micros};
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

/// Returns the survey a CreateSurvey asks for, or every bad field.
fn survey_to_create(request: pb::CreateSurveyRequest, now: Micros) -> Result<Survey, Error> {
    let Some(survey) = request.survey else {
        // The survey_id, if given, is checked all the same: every bad field in one answer.
        let mut violations = Violations::default();
        violations.add("survey", FieldReason::Required, "required");
        violations.parse("survey_id", check_new_survey_id(&request.survey_id));
        return Err(violations.into_found().into());
    };
    Ok(survey_draft(survey, request.survey_id).into_survey("", now)?)
}

/// Returns the query a ListSurveys asks for, or every bad field; `filter_bytes` are the encoded
/// filters its page token is bound to.
fn list_query(
    request: pb::ListSurveysRequest,
    filter_bytes: &[u8],
) -> Result<SurveyListQuery, Error> {
    let mut violations = Violations::default();
    let page = page_request(
        ListCall::Surveys,
        request.page_size,
        &request.page_token,
        filter_bytes,
        Some,
        &mut violations,
    );
    let metric = violations.parse(
        "metric",
        enum_filter(request.metric, "metric", metric_from_proto),
    );
    let state = violations.parse(
        "state",
        enum_filter(request.state, "state", state_from_proto),
    );
    // The same rule as a rating filter's touchpoints: a malformed one is a mistake, not a
    // touchpoint without surveys.
    if !request.touchpoint.is_empty() {
        violations.parse("touchpoint", Key::PATTERN.check(&request.touchpoint));
    }
    let (Some(page), Some(metric), Some(state)) = (page, metric, state) else {
        return Err(violations.into_found().into());
    };
    let query = SurveyListQuery {
        touchpoint: (!request.touchpoint.is_empty()).then_some(request.touchpoint),
        metric,
        state,
        after_survey_id: page.after,
        limit: page.limit as u64,
    };
    Ok(violations.finish(query)?)
}

/// Returns the survey and the mask of an UpdateSurvey, checked before the survey is read: every
/// bad field in one answer, and INVALID_ARGUMENT before NOT_FOUND.
fn checked_update(survey: Option<pb::Survey>, paths: &[String]) -> Result<pb::Survey, Error> {
    let mut violations = Violations::default();
    let survey = violations.parse("survey", survey.ok_or_else(Refusal::required));
    if let Some(survey) = &survey {
        violations.parse(
            "survey.survey_id",
            SurveyId::PATTERN.check_required(&survey.survey_id),
        );
    }
    violations.absorb(check_update_mask(paths));
    let Some(survey) = survey else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(survey)?)
}

#[tonic::async_trait]
impl SurveyService for SurveyApi {
    async fn create_survey(
        &self,
        request: Request<pb::CreateSurveyRequest>,
    ) -> Result<Response<pb::CreateSurveyResponse>, Status> {
        let principal = Principal::of(&request);
        let survey = survey_to_create(request.into_inner(), now_micros())?;
        self.context.store.create_survey(&survey).await?;
        principal.audit("CreateSurvey", &survey.survey_id);
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
        let survey_id = only_field(
            "survey_id",
            SurveyId::parse_required(request.into_inner().survey_id),
        )?;
        let survey = self.context.store.get_survey(survey_id.as_str()).await?;
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
        let query = list_query(request, &filter_bytes)?;
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
        let principal = Principal::of(&request);
        let request = request.into_inner();
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        let survey = checked_update(request.survey, &paths)?;
        let survey_id = survey.survey_id.clone();
        let draft = survey_draft(survey, survey_id.clone());
        let updated = self
            .context
            .store
            .update_survey(&survey_id, draft, &paths, now_micros())
            .await?;
        principal.audit("UpdateSurvey", &survey_id);
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
        let principal = Principal::of(&request);
        let survey_id = only_field(
            "survey_id",
            SurveyId::parse_required(request.into_inner().survey_id),
        )?;
        let survey = self
            .context
            .store
            .archive_survey(survey_id.as_str(), now_micros())
            .await?;
        principal.audit("ArchiveSurvey", survey_id.as_str());
        let survey = Arc::new(survey);
        self.context.surveys.put(&survey);
        Ok(Response::new(pb::ArchiveSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }
}
