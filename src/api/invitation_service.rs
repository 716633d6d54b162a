//! csat.v1.InvitationService.

use prost::Message;
use tonic::{Request, Response, Status};

use super::Context;
use super::conversion::{given_time, timestamp_from_micros};
use super::only_field;
use super::paging::{ListCall, encode_token, page_request};
use crate::domain::invitation::{Invitation, InvitationInput, SuppressionReason};
use crate::domain::validation::{CustomerId, InvitationId, SurveyId};
use crate::domain::{FieldReason, FieldViolation, Micros, Violations, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::invitation_service_server::InvitationService;
use crate::store::InvitationListQuery;

/// Serves InvitationService.
#[derive(Debug, Clone)]
pub struct InvitationApi {
    context: Context,
}

impl InvitationApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

fn reason_to_proto(reason: Option<SuppressionReason>) -> pb::SuppressionReason {
    match reason {
        None => pb::SuppressionReason::Unspecified,
        Some(SuppressionReason::RecentlyInvited) => pb::SuppressionReason::RecentlyInvited,
        Some(SuppressionReason::RecentlyAnswered) => pb::SuppressionReason::RecentlyAnswered,
    }
}

fn invitation_into_proto(invitation: Invitation) -> pb::Invitation {
    pb::Invitation {
        invitation_id: invitation.invitation_id,
        survey_id: invitation.survey_id,
        customer_id: invitation.customer_id,
        channel: invitation.channel.number(),
        send_time: Some(timestamp_from_micros(invitation.send_time)),
        create_time: Some(timestamp_from_micros(invitation.create_time)),
        suppressed: invitation.suppression.is_some(),
        suppression_reason: reason_to_proto(invitation.suppression).into(),
        touchpoint: invitation.touchpoint,
        response_time: invitation
            .response
            .as_ref()
            .map(|response| timestamp_from_micros(response.response_time)),
        response_rating_id: invitation
            .response
            .map(|response| response.rating_id)
            .unwrap_or_default(),
    }
}

/// Returns the page token position of an invitation: its place in (send_time, invitation_id)
/// order. A send_time holds no `:`, so the first one ends it.
fn position_of(invitation: &pb::Invitation, send_time: Micros) -> String {
    format!("{send_time}:{}", invitation.invitation_id)
}

fn read_position(position: String) -> Option<(Micros, String)> {
    let (send_time, invitation_id) = position.split_once(':')?;
    InvitationId::PATTERN.check(invitation_id).ok()?;
    Some((send_time.parse().ok()?, invitation_id.to_string()))
}

fn list_query(
    request: pb::ListInvitationsRequest,
    filter_bytes: &[u8],
) -> Result<InvitationListQuery, Error> {
    let mut violations = Violations::default();
    let page = page_request(
        ListCall::Invitations,
        request.page_size,
        &request.page_token,
        filter_bytes,
        read_position,
        &mut violations,
    );
    let filter = request.filter.unwrap_or_default();
    if !filter.survey_id.is_empty() {
        violations.parse(
            "filter.survey_id",
            SurveyId::PATTERN.check(&filter.survey_id),
        );
    }
    if !filter.customer_id.is_empty() {
        violations.parse(
            "filter.customer_id",
            CustomerId::PATTERN.check(&filter.customer_id),
        );
    }
    let Some(page) = page else {
        return Err(violations.into_found().into());
    };
    let query = InvitationListQuery {
        survey_id: (!filter.survey_id.is_empty()).then_some(filter.survey_id),
        customer_id: (!filter.customer_id.is_empty()).then_some(filter.customer_id),
        after: page.after,
        limit: page.limit as u64,
    };
    Ok(violations.finish(query)?)
}

#[tonic::async_trait]
impl InvitationService for InvitationApi {
    async fn create_invitation(
        &self,
        request: Request<pb::CreateInvitationRequest>,
    ) -> Result<Response<pb::CreateInvitationResponse>, Status> {
        let now = now_micros();
        let Some(invitation) = request.into_inner().invitation else {
            return Err(Error::InvalidArgument(vec![FieldViolation::new(
                "invitation",
                FieldReason::Required,
                "required",
            )])
            .into());
        };
        let new = InvitationInput {
            invitation_id: invitation.invitation_id,
            survey_id: invitation.survey_id,
            customer_id: invitation.customer_id,
            channel_number: invitation.channel,
            send_time: given_time(invitation.send_time),
        }
        .parse("invitation.", now)
        .map_err(Error::InvalidArgument)?;
        let stored = self.context.invitations.create(new).await?;
        let suppression_reason = reason_to_proto(stored.suppression).into();
        let suppressed = stored.suppression.is_some();
        Ok(Response::new(pb::CreateInvitationResponse {
            invitation: Some(invitation_into_proto(stored)),
            suppressed,
            suppression_reason,
        }))
    }

    async fn get_invitation(
        &self,
        request: Request<pb::GetInvitationRequest>,
    ) -> Result<Response<pb::GetInvitationResponse>, Status> {
        let invitation_id = only_field(
            "invitation_id",
            InvitationId::parse_required(request.into_inner().invitation_id),
        )?;
        let invitation = self
            .context
            .store
            .get_invitation(invitation_id.as_str())
            .await?;
        Ok(Response::new(pb::GetInvitationResponse {
            invitation: Some(invitation_into_proto(invitation)),
        }))
    }

    async fn list_invitations(
        &self,
        request: Request<pb::ListInvitationsRequest>,
    ) -> Result<Response<pb::ListInvitationsResponse>, Status> {
        let request = request.into_inner();
        let filter_bytes = request.filter.clone().unwrap_or_default().encode_to_vec();
        let query = list_query(request, &filter_bytes)?;
        let (stored, more) = self.context.store.list_invitations(&query).await?;
        let last_send_time = stored.last().map(|invitation| invitation.send_time);
        let invitations: Vec<pb::Invitation> =
            stored.into_iter().map(invitation_into_proto).collect();
        let next_page_token = match (invitations.last(), last_send_time) {
            (Some(last), Some(send_time)) if more => encode_token(
                ListCall::Invitations,
                &filter_bytes,
                &position_of(last, send_time),
            ),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListInvitationsResponse {
            invitations,
            next_page_token,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_with_colons_in_ids() {
        let invitation = pb::Invitation {
            invitation_id: "crm:42:a".into(),
            ..Default::default()
        };
        assert_eq!(
            read_position(position_of(&invitation, -5)),
            Some((-5, "crm:42:a".into()))
        );
    }
}
