//! csat.v1.FollowUpService.

use prost::Message;
use tonic::{Request, Response, Status};

use super::audit::Principal;
use super::conversion::timestamp_from_micros;
use super::paging::{ListCall, encode_token, page_request, within_page_bytes};
use super::{Context, only_field};
use crate::domain::follow_up::{
    ChangeRefused, FollowUp, FollowUpChange, FollowUpNote, FollowUpState, MAX_ASSIGNEE_CHARS,
    check_note, parse_follow_up_id,
};
use crate::domain::validation::{CustomerId, Refusal, SurveyId};
use crate::domain::{FieldReason, Micros, Violations, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::follow_up_service_server::FollowUpService;
use crate::store::FollowUpListQuery;

/// Most survey ids a filter names.
const MAX_FILTER_SURVEYS: usize = 100;

/// Serves FollowUpService.
#[derive(Debug, Clone)]
pub struct FollowUpApi {
    context: Context,
}

impl FollowUpApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

fn state_to_proto(state: FollowUpState) -> pb::FollowUpState {
    match state {
        FollowUpState::Open => pb::FollowUpState::Open,
        FollowUpState::InProgress => pb::FollowUpState::InProgress,
        FollowUpState::Resolved => pb::FollowUpState::Resolved,
        FollowUpState::Dismissed => pb::FollowUpState::Dismissed,
    }
}

/// Returns the wire form of a follow-up, moving its text rather than copying it.
fn follow_up_into_proto(follow_up: FollowUp) -> pb::FollowUp {
    pb::FollowUp {
        follow_up_id: follow_up.follow_up_id.to_string(),
        survey_id: follow_up.survey_id,
        rating_id: follow_up.rating_id,
        customer_id: follow_up.customer_id,
        score: follow_up.score,
        comment: follow_up.comment,
        state: state_to_proto(follow_up.state).into(),
        assignee: follow_up.assignee,
        resolution_code: follow_up.resolution_code,
        notes: follow_up
            .notes
            .into_iter()
            .map(|note| pb::FollowUpNote {
                text: note.text,
                principal: note.principal,
                create_time: Some(timestamp_from_micros(note.create_time)),
            })
            .collect(),
        create_time: Some(timestamp_from_micros(follow_up.create_time)),
        due_time: Some(timestamp_from_micros(follow_up.due_time)),
        update_time: Some(timestamp_from_micros(follow_up.update_time)),
        close_time: follow_up.close_time.map(timestamp_from_micros),
        etag: etag_of(follow_up.version),
        touchpoint: follow_up.touchpoint,
        channel: follow_up.channel,
        occur_time: Some(timestamp_from_micros(follow_up.occur_time)),
    }
}

/// Returns the etag of a follow-up's version: opaque to callers, a quoted number as HTTP writes
/// entity tags.
fn etag_of(version: i64) -> String {
    format!("\"{version}\"")
}

/// Returns the version an etag names, or the refusal of one no follow-up ever had.
fn version_of(etag: &str) -> Result<i64, Refusal> {
    etag.strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| {
            Refusal::new(
                FieldReason::BadFormat,
                "not an etag of a follow-up: pass the etag as read, or none",
            )
        })
}

/// Returns the page token position of a follow-up: its place in (due_time, follow_up_id) order.
fn position_of(follow_up: &pb::FollowUp, due_time: Micros) -> String {
    format!("{due_time}:{}", follow_up.follow_up_id)
}

fn read_position(position: String) -> Option<(Micros, i64)> {
    let (due_time, follow_up_id) = position.split_once(':')?;
    Some((due_time.parse().ok()?, follow_up_id.parse().ok()?))
}

/// Returns the query a ListFollowUps asks for at `now`, or every bad field; `filter_bytes` are
/// the encoded filter its page token is bound to.
fn list_query(
    request: pb::ListFollowUpsRequest,
    filter_bytes: &[u8],
    now: Micros,
) -> Result<FollowUpListQuery, Error> {
    let mut violations = Violations::default();
    let page = page_request(
        ListCall::FollowUps,
        request.page_size,
        &request.page_token,
        filter_bytes,
        read_position,
        &mut violations,
    );
    let filter = request.filter.unwrap_or_default();
    let mut states = Vec::new();
    for (index, number) in filter.states.iter().enumerate() {
        let field = format!("filter.states[{index}]");
        match FollowUpState::from_number(*number) {
            Some(state) if states.contains(&state) => {
                violations.add(&field, FieldReason::Repeated, "repeated state");
            }
            Some(state) => states.push(state),
            None => violations.add(
                &field,
                FieldReason::UnknownValue,
                format!("unknown follow-up state {number}"),
            ),
        }
    }
    violations.check_text(
        "filter.assignee",
        &filter.assignee,
        MAX_ASSIGNEE_CHARS,
        "at most 256 characters",
    );
    violations.check_token_list(
        "filter.survey_ids",
        &filter.survey_ids,
        SurveyId::PATTERN,
        MAX_FILTER_SURVEYS,
        "at most 100 survey ids",
        "repeated survey id",
    );
    if !filter.customer_id.is_empty() {
        violations.parse(
            "filter.customer_id",
            CustomerId::PATTERN.check(&filter.customer_id),
        );
    }
    let Some(page) = page else {
        return Err(violations.into_found().into());
    };
    let query = FollowUpListQuery {
        states,
        assignee: (!filter.assignee.is_empty()).then_some(filter.assignee),
        survey_ids: filter.survey_ids,
        overdue_at: filter.overdue.then_some(now),
        customer_id: (!filter.customer_id.is_empty()).then_some(filter.customer_id),
        after: page.after,
        limit: page.limit as u64,
    };
    Ok(violations.finish(query)?)
}

/// An UpdateFollowUp's parts, checked before the follow-up is read: every bad field in one
/// answer, and INVALID_ARGUMENT before NOT_FOUND.
struct CheckedUpdate {
    follow_up_id: i64,
    change: FollowUpChange,
    expected_version: Option<i64>,
}

fn checked_update(request: pb::UpdateFollowUpRequest) -> Result<CheckedUpdate, Error> {
    let mut violations = Violations::default();
    let paths = request
        .update_mask
        .map(|mask| mask.paths)
        .unwrap_or_default();
    let expected_version = if request.etag.is_empty() {
        None
    } else {
        violations.parse("etag", version_of(&request.etag))
    };
    let Some(follow_up) = request.follow_up else {
        violations.add("follow_up", FieldReason::Required, "required");
        violations.absorb(FollowUpChange::parse(
            &paths,
            String::new(),
            FollowUpState::Open.number(),
            String::new(),
        ));
        return Err(violations.into_found().into());
    };
    let follow_up_id = violations.parse(
        "follow_up.follow_up_id",
        parse_follow_up_id(&follow_up.follow_up_id),
    );
    let change = violations.absorb(FollowUpChange::parse(
        &paths,
        follow_up.assignee,
        follow_up.state,
        follow_up.resolution_code,
    ));
    let (Some(follow_up_id), Some(change)) = (follow_up_id, change) else {
        return Err(violations.into_found().into());
    };
    violations
        .finish(CheckedUpdate {
            follow_up_id,
            change,
            expected_version,
        })
        .map_err(Error::from)
}

/// Returns the error a refused change of `follow_up_id` is answered with.
fn refused(refusal: ChangeRefused) -> Error {
    match refusal {
        ChangeRefused::Closed { from, to } => Error::FailedPrecondition {
            reason: "FOLLOW_UP_CLOSED",
            message: format!(
                "the follow-up is {}: a closed follow-up only reopens to FOLLOW_UP_STATE_OPEN, \
                 not {}",
                state_to_proto(from).as_str_name(),
                state_to_proto(to).as_str_name()
            ),
        },
        ChangeRefused::ResolutionCodeRequired => {
            Error::InvalidArgument(vec![crate::domain::FieldViolation::new(
                "follow_up.resolution_code",
                FieldReason::Required,
                "required for FOLLOW_UP_STATE_RESOLVED: say how it was resolved",
            )])
        }
        ChangeRefused::NotesFull => Error::FailedPrecondition {
            reason: "FOLLOW_UP_NOTES_FULL",
            message: format!(
                "the follow-up holds {} notes, the most it may",
                crate::domain::follow_up::MAX_NOTES
            ),
        },
    }
}

#[tonic::async_trait]
impl FollowUpService for FollowUpApi {
    async fn get_follow_up(
        &self,
        request: Request<pb::GetFollowUpRequest>,
    ) -> Result<Response<pb::GetFollowUpResponse>, Status> {
        let follow_up_id = only_field(
            "follow_up_id",
            parse_follow_up_id(&request.into_inner().follow_up_id),
        )?;
        let follow_up = self.context.store.get_follow_up(follow_up_id).await?;
        Ok(Response::new(pb::GetFollowUpResponse {
            follow_up: Some(follow_up_into_proto(follow_up)),
        }))
    }

    async fn list_follow_ups(
        &self,
        request: Request<pb::ListFollowUpsRequest>,
    ) -> Result<Response<pb::ListFollowUpsResponse>, Status> {
        let request = request.into_inner();
        let filter_bytes = request.filter.clone().unwrap_or_default().encode_to_vec();
        let query = list_query(request, &filter_bytes, now_micros())?;
        let (stored, more) = self.context.store.list_follow_ups(&query).await?;
        let (follow_ups, last_due_time, cut_short) =
            within_page_bytes(stored, |follow_up| follow_up.due_time, follow_up_into_proto);
        let next_page_token = match (follow_ups.last(), last_due_time) {
            (Some(last), Some(due_time)) if cut_short || more => encode_token(
                ListCall::FollowUps,
                &filter_bytes,
                &position_of(last, due_time),
            ),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListFollowUpsResponse {
            follow_ups,
            next_page_token,
        }))
    }

    async fn update_follow_up(
        &self,
        request: Request<pb::UpdateFollowUpRequest>,
    ) -> Result<Response<pb::UpdateFollowUpResponse>, Status> {
        let principal = Principal::of(&request);
        let update = checked_update(request.into_inner())?;
        let now = now_micros();
        let follow_up = self
            .context
            .store
            .change_follow_up(update.follow_up_id, update.expected_version, |stored| {
                stored.changed(&update.change, now).map_err(refused)
            })
            .await?;
        principal.audit("UpdateFollowUp", &update.follow_up_id.to_string());
        Ok(Response::new(pb::UpdateFollowUpResponse {
            follow_up: Some(follow_up_into_proto(follow_up)),
        }))
    }

    async fn add_follow_up_note(
        &self,
        request: Request<pb::AddFollowUpNoteRequest>,
    ) -> Result<Response<pb::AddFollowUpNoteResponse>, Status> {
        let principal = Principal::of(&request);
        let request = request.into_inner();
        let mut violations = Violations::default();
        let follow_up_id =
            violations.parse("follow_up_id", parse_follow_up_id(&request.follow_up_id));
        violations.parse("text", check_note(&request.text));
        let Some(follow_up_id) = follow_up_id else {
            return Err(Error::from(violations.into_found()).into());
        };
        violations.finish(()).map_err(Error::from)?;
        let note = FollowUpNote {
            text: request.text,
            principal: principal.0.to_string(),
            create_time: now_micros(),
        };
        let follow_up = self
            .context
            .store
            .change_follow_up(follow_up_id, None, |stored| {
                stored.with_note(note.clone()).map_err(refused)
            })
            .await?;
        principal.audit("AddFollowUpNote", &follow_up_id.to_string());
        Ok(Response::new(pb::AddFollowUpNoteResponse {
            follow_up: Some(follow_up_into_proto(follow_up)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip_and_others_are_refused() {
        assert_eq!(version_of(&etag_of(42)), Ok(42));
        for bad in ["42", "\"\"", "\"4a\"", "\"-1\"", "W/\"4\""] {
            assert!(version_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions_round_trip() {
        let follow_up = pb::FollowUp {
            follow_up_id: "17".into(),
            ..Default::default()
        };
        assert_eq!(read_position(position_of(&follow_up, -5)), Some((-5, 17)));
    }
}
