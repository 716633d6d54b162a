//! csat.v1.SurveyService.

use std::sync::Arc;

use prost::Message;
use tonic::{Request, Response, Status};
use tracing::info;

use super::conversion::{metric_from_proto, state_from_proto, survey_draft, survey_to_proto};
use super::paging::{decode_token, encode_token, page_size};
use super::{Context, check_id, status_from_error};
use crate::domain::now_micros;
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
        let survey = request
            .survey
            .ok_or_else(|| Error::invalid_field("survey", "required"))
            .and_then(|survey| {
                survey_draft(survey, request.survey_id)
                    .into_survey("", now_micros())
                    .map_err(Error::InvalidArgument)
            })
            .map_err(status_from_error)?;
        self.context
            .store
            .create_survey(&survey)
            .await
            .map_err(status_from_error)?;
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
        check_id("survey_id", &survey_id).map_err(status_from_error)?;
        let survey = self
            .context
            .store
            .get_survey(&survey_id)
            .await
            .map_err(status_from_error)?;
        Ok(Response::new(pb::GetSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }

    async fn list_surveys(
        &self,
        request: Request<pb::ListSurveysRequest>,
    ) -> Result<Response<pb::ListSurveysResponse>, Status> {
        let request = request.into_inner();
        let limit = page_size(request.page_size).map_err(status_from_error)?;
        // The token is bound to the filters: everything but page_size and page_token.
        let filter_bytes = pb::ListSurveysRequest {
            page_size: 0,
            page_token: String::new(),
            ..request.clone()
        }
        .encode_to_vec();
        let after_survey_id =
            decode_token(&request.page_token, &filter_bytes).map_err(status_from_error)?;
        let metric = match request.metric {
            0 => None,
            number => Some(metric_from_proto(number).ok_or_else(|| {
                status_from_error(Error::invalid_field(
                    "metric",
                    format!("unknown metric {number}"),
                ))
            })?),
        };
        let state = match request.state {
            0 => None,
            number => Some(state_from_proto(number).ok_or_else(|| {
                status_from_error(Error::invalid_field(
                    "state",
                    format!("unknown state {number}"),
                ))
            })?),
        };
        let query = SurveyListQuery {
            touchpoint: (!request.touchpoint.is_empty()).then_some(request.touchpoint),
            metric,
            state,
            after_survey_id,
            limit: limit as u64,
        };
        let (surveys, more) = self
            .context
            .store
            .list_surveys(&query)
            .await
            .map_err(status_from_error)?;
        let next_page_token = match surveys.last() {
            Some(last) if more => encode_token(&filter_bytes, &last.survey_id),
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
        let survey = request
            .survey
            .ok_or_else(|| status_from_error(Error::invalid_field("survey", "required")))?;
        let survey_id = survey.survey_id.clone();
        check_id("survey.survey_id", &survey_id).map_err(status_from_error)?;
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        let draft = survey_draft(survey, survey_id.clone());
        let updated = self
            .context
            .store
            .update_survey(&survey_id, draft, &paths, now_micros())
            .await
            .map_err(status_from_error)?;
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
        check_id("survey_id", &survey_id).map_err(status_from_error)?;
        let survey = self
            .context
            .store
            .archive_survey(&survey_id, now_micros())
            .await
            .map_err(status_from_error)?;
        info!(survey_id = %survey_id, "survey archived");
        let survey = Arc::new(survey);
        self.context.surveys.put(&survey);
        Ok(Response::new(pb::ArchiveSurveyResponse {
            survey: Some(survey_to_proto(&survey)),
        }))
    }
}
