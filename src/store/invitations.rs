//! Invitations: the fatigue check and the insert in one transaction under the counter lock, and
//! the reads of GetInvitation and ListInvitations.
//!
//! The counter row orders every writer of every replica (see [`super::ingest`]): two invitations
//! of one customer, sent through two replicas at once, are decided one after the other, the
//! second seeing the first committed. So the rule holds exactly, and a retried invitation_id
//! always finds the first one's decision.

use sea_orm::sea_query::{Condition, Expr, ExprTrait as _, Order, Query};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IsolationLevel, Statement,
    TransactionTrait,
};

use super::Store;
use super::entity::{invitation, rating};
use crate::domain::invitation::{Invitation, NewInvitation, SuppressionReason};
use crate::domain::{Channel, Micros, Survey, SurveyState};
use crate::error::{Error, Result};

/// What ListInvitations selects, and where a page starts.
#[derive(Debug, Clone, Default)]
pub struct InvitationListQuery {
    /// Only invitations to this survey.
    pub survey_id: Option<String>,
    /// Only invitations of this customer.
    pub customer_id: Option<String>,
    /// Resume after this `(send_time, invitation_id)`, in descending order.
    pub after: Option<(Micros, String)>,
    /// Most invitations to return.
    pub limit: u64,
}

impl Store {
    /// Stores `new` with its fatigue decision and returns it, or the invitation stored before
    /// under its id when `new` is a retry of it; ALREADY_EXISTS when that one differs.
    pub async fn create_invitation(&self, new: &NewInvitation, now: Micros) -> Result<Invitation> {
        // A retry is answered without the lock.
        if let Some(stored) = self
            .find_invitation(&self.reader, &new.invitation_id)
            .await?
        {
            return retried(new, stored);
        }
        let created = self.create_invitation_locked(new, now).await?;
        self.make_durable().await?;
        Ok(created)
    }

    async fn create_invitation_locked(
        &self,
        new: &NewInvitation,
        now: Micros,
    ) -> Result<Invitation> {
        // On a reader connection, as other changes under the counter lock do, so that the
        // writers' small pool is never held waiting for it.
        let isolation =
            (self.backend == DbBackend::Postgres).then_some(IsolationLevel::ReadCommitted);
        let transaction = self.reader.begin_with_config(isolation, None).await?;
        // A write that changes nothing, to take the lock every writer takes first (on SQLite, the
        // database's write lock).
        transaction
            .execute_raw(Statement::from_string(
                self.backend,
                "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1",
            ))
            .await?;
        // Read again under the lock: another replica may have stored it since.
        if let Some(stored) = self
            .find_invitation(&transaction, &new.invitation_id)
            .await?
        {
            transaction.rollback().await?;
            return retried(new, stored);
        }
        let survey = super::entity::survey::Entity::find_by_id(new.survey_id.as_str())
            .one(&transaction)
            .await?
            .ok_or_else(|| Error::survey_not_found(&new.survey_id))
            .and_then(super::surveys::survey_from_row)?;
        if survey.state == SurveyState::Archived {
            return Err(Error::FailedPrecondition {
                reason: "SURVEY_ARCHIVED",
                message: format!(
                    "invitation.survey_id: survey {:?} is archived and takes no new invitations",
                    survey.survey_id
                ),
            });
        }
        let suppression = self.fatigue(&transaction, new, &survey).await?;
        let created = Invitation {
            invitation_id: new.invitation_id.clone(),
            survey_id: survey.survey_id,
            touchpoint: survey.touchpoint,
            customer_id: new.customer_id.clone(),
            channel: new.channel,
            send_time: new.send_time,
            create_time: now,
            suppression,
        };
        let mut insert = Query::insert();
        insert
            .into_table(invitation::Entity)
            .columns([
                invitation::Column::InvitationId,
                invitation::Column::SurveyId,
                invitation::Column::Touchpoint,
                invitation::Column::CustomerId,
                invitation::Column::Channel,
                invitation::Column::SendTime,
                invitation::Column::CreateTime,
                invitation::Column::SuppressionReason,
            ])
            .values_panic([
                created.invitation_id.as_str().into(),
                created.survey_id.as_str().into(),
                created.touchpoint.as_str().into(),
                created.customer_id.as_str().into(),
                created.channel.number().into(),
                created.send_time.into(),
                created.create_time.into(),
                suppression.map_or(0, SuppressionReason::number).into(),
            ]);
        transaction.execute_raw(self.backend.build(&insert)).await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Returns why `survey`'s fatigue rule holds `new` back, read through `connection`: another
    /// invitation of the customer to be sent, or an answer of theirs (not excluded), fewer than
    /// the rule's days before or after its send_time.
    async fn fatigue<C: ConnectionTrait>(
        &self,
        connection: &C,
        new: &NewInvitation,
        survey: &Survey,
    ) -> Result<Option<SuppressionReason>> {
        let Some(start) = new.fatigue_window_start(survey.min_days_between_invitations) else {
            return Ok(None);
        };
        let end = new
            .send_time
            .saturating_add(new.send_time.saturating_sub(start));
        // The partial indexes' conditions are spelled as their definitions spell them, for the
        // planners to see that the index holds every row wanted.
        let invited = Query::select()
            .expr(Expr::val(1))
            .from(invitation::Entity)
            .and_where(Expr::cust("suppression_reason = 0"))
            .and_where(Expr::col(invitation::Column::CustomerId).eq(new.customer_id.as_str()))
            .and_where(Expr::col(invitation::Column::SendTime).gt(start))
            .and_where(Expr::col(invitation::Column::SendTime).lt(end))
            .limit(1)
            .to_owned();
        if connection
            .query_one_raw(self.backend.build(&invited))
            .await?
            .is_some()
        {
            return Ok(Some(SuppressionReason::RecentlyInvited));
        }
        let answered = Query::select()
            .expr(Expr::val(1))
            .from(rating::Entity)
            .and_where(Expr::cust("customer_id <> ''"))
            .and_where(Expr::col(rating::Column::CustomerId).eq(new.customer_id.as_str()))
            .and_where(Expr::col(rating::Column::OccurTime).gt(start))
            .and_where(Expr::col(rating::Column::OccurTime).lt(end))
            .and_where(Expr::col(rating::Column::ExclusionReason).eq(0))
            .limit(1)
            .to_owned();
        Ok(connection
            .query_one_raw(self.backend.build(&answered))
            .await?
            .map(|_| SuppressionReason::RecentlyAnswered))
    }

    async fn find_invitation<C: ConnectionTrait>(
        &self,
        connection: &C,
        invitation_id: &str,
    ) -> Result<Option<Invitation>> {
        invitation::Entity::find_by_id(invitation_id)
            .one(connection)
            .await?
            .map(invitation_from_row)
            .transpose()
    }

    /// Returns one invitation; NOT_FOUND when absent.
    pub async fn get_invitation(&self, invitation_id: &str) -> Result<Invitation> {
        self.find_invitation(&self.reader, invitation_id)
            .await?
            .ok_or_else(|| not_found(invitation_id))
    }

    /// Returns one page of invitations, the latest send_time first, and whether more follow.
    pub async fn list_invitations(
        &self,
        query: &InvitationListQuery,
    ) -> Result<(Vec<Invitation>, bool)> {
        use invitation::Column;
        let mut condition = Condition::all();
        if let Some(survey_id) = &query.survey_id {
            condition = condition.add(Expr::col(Column::SurveyId).eq(survey_id.as_str()));
        }
        if let Some(customer_id) = &query.customer_id {
            condition = condition.add(Expr::col(Column::CustomerId).eq(customer_id.as_str()));
        }
        if let Some((send_time, invitation_id)) = &query.after {
            condition = condition.add(
                Condition::any()
                    .add(Expr::col(Column::SendTime).lt(*send_time))
                    .add(
                        Expr::col(Column::SendTime)
                            .eq(*send_time)
                            .and(Expr::col(Column::InvitationId).lt(invitation_id.as_str())),
                    ),
            );
        }
        let select = Query::select()
            .columns([
                Column::InvitationId,
                Column::SurveyId,
                Column::Touchpoint,
                Column::CustomerId,
                Column::Channel,
                Column::SendTime,
                Column::CreateTime,
                Column::SuppressionReason,
            ])
            .from(invitation::Entity)
            .cond_where(condition)
            .order_by(Column::SendTime, Order::Desc)
            .order_by(Column::InvitationId, Order::Desc)
            .limit(query.limit + 1)
            .to_owned();
        let rows = invitation::Model::find_by_statement(self.backend.build(&select))
            .all(&self.reader)
            .await?;
        let more = rows.len() as u64 > query.limit;
        let invitations = rows
            .into_iter()
            .take(query.limit as usize)
            .map(invitation_from_row)
            .collect::<Result<_>>()?;
        Ok((invitations, more))
    }
}

/// Returns `stored` when `new` is a retry of it, else the refusal of a taken id.
fn retried(new: &NewInvitation, stored: Invitation) -> Result<Invitation> {
    if new.is_retry_of(&stored) {
        Ok(stored)
    } else {
        Err(Error::AlreadyExists {
            reason: "INVITATION_ALREADY_EXISTS",
            message: format!(
                "invitation.invitation_id: invitation {:?} exists with other content (survey, \
                 customer, channel or send_time): a retry sends the same, a new invitation \
                 takes a new id",
                stored.invitation_id
            ),
        })
    }
}

fn not_found(invitation_id: &str) -> Error {
    Error::NotFound {
        reason: "INVITATION_NOT_FOUND",
        message: format!("invitation {invitation_id:?} not found"),
    }
}

fn invitation_from_row(row: invitation::Model) -> Result<Invitation> {
    let channel = Channel::from_number(row.channel)
        .ok_or_else(|| Error::internal(format!("invitation row with channel {}", row.channel)))?;
    let suppression = match row.suppression_reason {
        0 => None,
        number => Some(SuppressionReason::from_number(number).ok_or_else(|| {
            Error::internal(format!("invitation row with suppression reason {number}"))
        })?),
    };
    Ok(Invitation {
        invitation_id: row.invitation_id,
        survey_id: row.survey_id,
        touchpoint: row.touchpoint,
        customer_id: row.customer_id,
        channel,
        send_time: row.send_time,
        create_time: row.create_time,
        suppression,
    })
}
