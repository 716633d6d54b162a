//! Invitations: the fatigue check and the insert in one transaction under the counter lock, and
//! the reads of GetInvitation and ListInvitations.
//!
//! The counter row orders every writer of every replica (see [`super::ingest`]): two invitations
//! of one customer, sent through two replicas at once, are decided one after the other, the
//! second seeing the first committed. So the rule holds exactly, and a retried invitation_id
//! always finds the first one's decision.

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::OptionalExtension as _;
use sea_orm::sea_query::{Condition, Expr, ExprTrait as _, Order, Query};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IdenStatic, IsolationLevel,
    Statement, TransactionTrait, Value,
};
use tracing::debug;

use super::Store;
use super::entity::invitation;
use super::invitation_rollups::{self, InvitationCellCounts, InvitationPlace, answers_to};
use super::rollups::{RollupZone, stored_zones, zones_named};
use crate::domain::invitation::{Invitation, InvitationResponse, NewInvitation, SuppressionReason};
use crate::domain::{Channel, Micros};
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
    /// Stores each of `batch` with its fatigue decision, in one transaction under the counter
    /// lock, not yet durable ([`Store::make_durable`] is the caller's), and returns each one's
    /// answer in order: the invitation as stored (the first one, for a retry), or why it was
    /// refused. The invitations of a batch are decided one after the other, each seeing those
    /// before it. `own` is the SQLite connection of the invitation writer, on whose thread this
    /// runs; without it, or if it fails, the batch runs on a pooled connection. Err only when the
    /// database failed the whole batch.
    pub(crate) async fn create_invitations(
        &self,
        own: Option<&mut rusqlite::Connection>,
        batch: &[NewInvitation],
        now: Micros,
    ) -> Result<Vec<Result<Invitation>>> {
        let mut decided = None;
        if let Some(connection) = own {
            match create_on_own_connection(connection, batch, now) {
                Ok(answers) => decided = Some(answers),
                Err(cause) => {
                    debug!(error = %cause, "invitations on the writer's connection failed: taking a pooled one");
                }
            }
        }
        let mut decided = match decided {
            Some(decided) => decided,
            None => self.create_in_pooled_transaction(batch, now).await?,
        };
        // A retry answers the invitation as stored, with its response if a rating gave one: read
        // after the commit, for the few retries only.
        let mut found: Vec<Invitation> = decided
            .stored_before
            .iter()
            .filter_map(|&index| decided.answers[index].as_ref().ok().cloned())
            .collect();
        if !found.is_empty() {
            self.add_responses(&self.reader, &mut found).await?;
            let mut found = found.into_iter();
            for &index in &decided.stored_before {
                if let Ok(answer) = &mut decided.answers[index]
                    && let Some(with_response) = found.next()
                {
                    *answer = with_response;
                }
            }
        }
        Ok(decided.answers)
    }

    async fn create_in_pooled_transaction(
        &self,
        batch: &[NewInvitation],
        now: Micros,
    ) -> Result<Decided> {
        let backend = self.backend;
        let sql = invitation_sql(backend);
        let statement =
            |text: &str, values: Vec<Value>| Statement::from_sql_and_values(backend, text, values);
        // On a reader connection, as other changes under the counter lock do, so that the
        // writers' small pool is never held waiting for it.
        let isolation = (backend == DbBackend::Postgres).then_some(IsolationLevel::ReadCommitted);
        let transaction = self.reader.begin_with_config(isolation, None).await?;
        // A write that changes nothing, to take the lock every writer takes first (on SQLite, the
        // database's write lock).
        transaction
            .execute_raw(Statement::from_string(
                backend,
                "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1",
            ))
            .await?;
        let zones = stored_zones(&transaction, backend).await?;
        let mut surveys = HashMap::new();
        let mut decided = Decided::default();
        for new in batch {
            let stored = transaction
                .query_one_raw(statement(
                    &sql.find,
                    vec![new.invitation_id.as_str().into()],
                ))
                .await?
                .map(|row| invitation::Model::from_query_result(&row, ""))
                .transpose()?;
            if let Some(stored) = stored {
                decided.found(new, stored);
                continue;
            }
            if !surveys.contains_key(&new.survey_id) {
                let survey = match transaction
                    .query_one_raw(statement(&sql.survey, vec![new.survey_id.as_str().into()]))
                    .await?
                {
                    Some(row) => Some(InvitedSurvey {
                        touchpoint: row.try_get("", "touchpoint")?,
                        state: row.try_get("", "state")?,
                        min_days: row.try_get("", "min_days_between_invitations")?,
                    }),
                    None => None,
                };
                surveys.insert(new.survey_id.clone(), survey);
            }
            let survey = match open_survey(new, surveys[&new.survey_id].as_ref()) {
                Ok(survey) => survey,
                Err(refusal) => {
                    decided.answers.push(Err(refusal));
                    continue;
                }
            };
            let mut suppression = None;
            if let Some((start, end)) = fatigue_window(new, survey.min_days) {
                for (reason, check) in fatigue_checks(sql) {
                    let values = vec![new.customer_id.as_str().into(), start.into(), end.into()];
                    if transaction
                        .query_one_raw(statement(check, values))
                        .await?
                        .is_some()
                    {
                        suppression = Some(reason);
                        break;
                    }
                }
            }
            let created = created(new, survey, suppression, now);
            transaction
                .execute_raw(statement(&sql.insert, insert_values(&created).to_vec()))
                .await?;
            decided.created(created, &zones);
        }
        invitation_rollups::upsert(&transaction, backend, &decided.cells).await?;
        transaction.commit().await?;
        Ok(decided)
    }

    async fn find_invitation<C: ConnectionTrait>(
        &self,
        connection: &C,
        invitation_id: &str,
    ) -> Result<Option<Invitation>> {
        let Some(found) = invitation::Entity::find_by_id(invitation_id)
            .one(connection)
            .await?
            .map(invitation_from_row)
            .transpose()?
        else {
            return Ok(None);
        };
        let mut found = vec![found];
        self.add_responses(connection, &mut found).await?;
        Ok(found.pop())
    }

    /// Sets the response of each of `invitations` that a rating not excluded answers.
    async fn add_responses<C: ConnectionTrait>(
        &self,
        connection: &C,
        invitations: &mut [Invitation],
    ) -> Result<()> {
        if invitations.is_empty() {
            return Ok(());
        }
        let select = answers_to(
            invitations
                .iter()
                .map(|invitation| invitation.invitation_id.as_str()),
        );
        for row in connection
            .query_all_raw(self.backend.build(&select))
            .await?
        {
            let invitation_id: String = row.try_get_by_index(0)?;
            let exclusion_reason: i32 = row.try_get_by_index(3)?;
            if exclusion_reason != 0 {
                continue;
            }
            if let Some(invitation) = invitations
                .iter_mut()
                .find(|invitation| invitation.invitation_id == invitation_id)
            {
                invitation.response = Some(InvitationResponse {
                    rating_id: row.try_get_by_index(1)?,
                    response_time: row.try_get_by_index(2)?,
                });
            }
        }
        Ok(())
    }

    /// Returns one invitation; NOT_FOUND when absent.
    pub async fn get_invitation(&self, invitation_id: &str) -> Result<Invitation> {
        // One snapshot for the invitation and its response, as for a page of them.
        let snapshot = self.read_snapshot().await?;
        let found = self.find_invitation(&snapshot, invitation_id).await?;
        snapshot.commit().await?;
        found.ok_or_else(|| not_found(invitation_id))
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
            .columns(INVITATION_COLUMNS)
            .from(invitation::Entity)
            .cond_where(condition)
            .order_by(Column::SendTime, Order::Desc)
            .order_by(Column::InvitationId, Order::Desc)
            .limit(query.limit + 1)
            .to_owned();
        // One snapshot for the page and its responses: else an invitation answered after the
        // page was read could show its answer beside a page missing invitations created before
        // that answer.
        let snapshot = self.read_snapshot().await?;
        let rows = invitation::Model::find_by_statement(self.backend.build(&select))
            .all(&snapshot)
            .await?;
        let more = rows.len() as u64 > query.limit;
        let mut invitations: Vec<Invitation> = rows
            .into_iter()
            .take(query.limit as usize)
            .map(invitation_from_row)
            .collect::<Result<_>>()?;
        self.add_responses(&snapshot, &mut invitations).await?;
        snapshot.commit().await?;
        Ok((invitations, more))
    }
}

/// What deciding an invitation needs of its survey.
struct InvitedSurvey {
    touchpoint: String,
    /// The state's stored number.
    state: i32,
    min_days: i32,
}

/// Returns `survey`, when it is there and takes invitations; else why `new` is refused.
fn open_survey<'a>(
    new: &NewInvitation,
    survey: Option<&'a InvitedSurvey>,
) -> Result<&'a InvitedSurvey> {
    let survey = survey.ok_or_else(|| Error::survey_not_found(&new.survey_id))?;
    if survey.state == super::surveys::ARCHIVED_STATE {
        return Err(Error::FailedPrecondition {
            reason: "SURVEY_ARCHIVED",
            message: format!(
                "invitation.survey_id: survey {:?} is archived and takes no new invitations",
                new.survey_id
            ),
        });
    }
    Ok(survey)
}

/// Returns `new` as stored, with its fatigue decision.
fn created(
    new: &NewInvitation,
    survey: &InvitedSurvey,
    suppression: Option<SuppressionReason>,
    now: Micros,
) -> Invitation {
    Invitation {
        invitation_id: new.invitation_id.clone(),
        survey_id: new.survey_id.clone(),
        touchpoint: survey.touchpoint.clone(),
        customer_id: new.customer_id.clone(),
        channel: new.channel,
        send_time: new.send_time,
        create_time: now,
        suppression,
        response: None,
    }
}

/// The columns of an invitation row, in [`invitation::Model`]'s order.
const INVITATION_COLUMNS: [invitation::Column; 8] = [
    invitation::Column::InvitationId,
    invitation::Column::SurveyId,
    invitation::Column::Touchpoint,
    invitation::Column::CustomerId,
    invitation::Column::Channel,
    invitation::Column::SendTime,
    invitation::Column::CreateTime,
    invitation::Column::SuppressionReason,
];

/// The statements of deciding an invitation, written once per backend for both executors (sea-orm
/// on a pooled connection, rusqlite on the invitation writer's own, where the text is also the
/// prepared statement cache's key), so that building them costs nothing per invitation.
struct InvitationSql {
    /// The invitation stored under an id: `(invitation_id)`.
    find: String,
    /// What deciding needs of a survey: `(survey_id)`.
    survey: String,
    /// A row when the customer has an invitation to be sent inside a fatigue window:
    /// `(customer_id, start, end)`.
    invited: String,
    /// A row when the customer answered (not excluded) inside a fatigue window:
    /// `(customer_id, start, end)`.
    answered: String,
    /// Stores an invitation: [`insert_values`].
    insert: String,
}

fn invitation_sql(backend: DbBackend) -> &'static InvitationSql {
    static SQLITE: OnceLock<InvitationSql> = OnceLock::new();
    static POSTGRES: OnceLock<InvitationSql> = OnceLock::new();
    let (cell, sigil) = match backend {
        DbBackend::Postgres => (&POSTGRES, '$'),
        _ => (&SQLITE, '?'),
    };
    cell.get_or_init(|| {
        let parameter = |number: usize| format!("{sigil}{number}");
        let columns = INVITATION_COLUMNS
            .iter()
            .map(IdenStatic::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let parameters = (1..=INVITATION_COLUMNS.len())
            .map(parameter)
            .collect::<Vec<_>>()
            .join(", ");
        let (first, second, third) = (parameter(1), parameter(2), parameter(3));
        InvitationSql {
            find: format!("SELECT {columns} FROM invitations WHERE invitation_id = {first}"),
            survey: format!(
                "SELECT touchpoint, state, min_days_between_invitations FROM surveys \
                 WHERE survey_id = {first}"
            ),
            // Through the index by (customer_id, send_time), skipping suppressed rows. The
            // ratings' partial index by customer is spelled as its definition spells it, for the
            // planners to see that it holds every row wanted.
            invited: format!(
                "SELECT 1 FROM invitations WHERE suppression_reason = 0 AND customer_id = {first} \
                 AND send_time > {second} AND send_time < {third} LIMIT 1"
            ),
            answered: format!(
                "SELECT 1 FROM ratings WHERE customer_id <> '' AND customer_id = {first} \
                 AND occur_time > {second} AND occur_time < {third} AND exclusion_reason = 0 \
                 LIMIT 1"
            ),
            insert: format!("INSERT INTO invitations ({columns}) VALUES ({parameters})"),
        }
    })
}

/// Returns the window of a fatigue rule of `min_days` around `new`'s send_time: the customer's
/// invitations to be sent and answers strictly inside it hold `new` back. None when the rule is
/// off.
fn fatigue_window(new: &NewInvitation, min_days: i32) -> Option<(Micros, Micros)> {
    let start = new.fatigue_window_start(min_days)?;
    let end = new
        .send_time
        .saturating_add(new.send_time.saturating_sub(start));
    Some((start, end))
}

/// The fatigue rule's queries with the reason each gives when it finds a row, in the order they
/// are asked.
fn fatigue_checks(sql: &InvitationSql) -> [(SuppressionReason, &str); 2] {
    [
        (SuppressionReason::RecentlyInvited, &sql.invited),
        (SuppressionReason::RecentlyAnswered, &sql.answered),
    ]
}

/// The values of [`InvitationSql::insert`].
fn insert_values(created: &Invitation) -> [Value; 8] {
    [
        created.invitation_id.as_str().into(),
        created.survey_id.as_str().into(),
        created.touchpoint.as_str().into(),
        created.customer_id.as_str().into(),
        created.channel.number().into(),
        created.send_time.into(),
        created.create_time.into(),
        created
            .suppression
            .map_or(0, SuppressionReason::number)
            .into(),
    ]
}

/// What a batch decided, as either executor builds it.
#[derive(Default)]
struct Decided {
    /// Each invitation's answer, in the batch's order.
    answers: Vec<Result<Invitation>>,
    /// Where `answers` holds an invitation stored before the batch (a retry's).
    stored_before: Vec<usize>,
    /// What the invitations to be sent add to the invitation rollups.
    cells: InvitationCellCounts,
}

impl Decided {
    /// Answers `new` with the invitation stored under its id.
    fn found(&mut self, new: &NewInvitation, stored: invitation::Model) {
        let answer = invitation_from_row(stored).and_then(|stored| retried(new, stored));
        if answer.is_ok() {
            self.stored_before.push(self.answers.len());
        }
        self.answers.push(answer);
    }

    /// Answers with `created`, stored, counted in the rollups of `zones` when it is to be sent.
    fn created(&mut self, created: Invitation, zones: &[RollupZone]) {
        if created.suppression.is_none() {
            invitation_rollups::add(
                &mut self.cells,
                zones,
                InvitationPlace {
                    survey_id: &created.survey_id,
                    touchpoint: &created.touchpoint,
                    channel: created.channel,
                    send_time: created.send_time,
                },
                1,
                0,
            );
        }
        self.answers.push(Ok(created));
    }
}

/// [`Store::create_invitations`] on the invitation writer's own SQLite connection, with no hop
/// to a connection thread per statement. An IMMEDIATE transaction takes the database's write
/// lock, the lock every writer takes first.
fn create_on_own_connection(
    connection: &mut rusqlite::Connection,
    batch: &[NewInvitation],
    now: Micros,
) -> Result<Decided> {
    let sql = invitation_sql(DbBackend::Sqlite);
    let transaction = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(Error::internal)?;
    let zone_names = transaction
        .prepare_cached(super::rollups::STORED_ZONE_NAMES_SQL)
        .and_then(|mut names| {
            names
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(Error::internal)?;
    let zones = zones_named(&zone_names)?;
    let mut surveys: HashMap<String, Option<InvitedSurvey>> = HashMap::new();
    let mut decided = Decided::default();
    for new in batch {
        let stored = transaction
            .prepare_cached(&sql.find)
            .and_then(|mut find| {
                find.query_row([&new.invitation_id], |row| {
                    Ok(invitation::Model {
                        invitation_id: row.get(0)?,
                        survey_id: row.get(1)?,
                        touchpoint: row.get(2)?,
                        customer_id: row.get(3)?,
                        channel: row.get(4)?,
                        send_time: row.get(5)?,
                        create_time: row.get(6)?,
                        suppression_reason: row.get(7)?,
                    })
                })
                .optional()
            })
            .map_err(Error::internal)?;
        if let Some(stored) = stored {
            decided.found(new, stored);
            continue;
        }
        if !surveys.contains_key(&new.survey_id) {
            let survey = transaction
                .prepare_cached(&sql.survey)
                .and_then(|mut read| {
                    read.query_row([&new.survey_id], |row| {
                        Ok(InvitedSurvey {
                            touchpoint: row.get(0)?,
                            state: row.get(1)?,
                            min_days: row.get(2)?,
                        })
                    })
                    .optional()
                })
                .map_err(Error::internal)?;
            surveys.insert(new.survey_id.clone(), survey);
        }
        let survey = match open_survey(new, surveys[&new.survey_id].as_ref()) {
            Ok(survey) => survey,
            Err(refusal) => {
                decided.answers.push(Err(refusal));
                continue;
            }
        };
        let mut suppression = None;
        if let Some((start, end)) = fatigue_window(new, survey.min_days) {
            for (reason, check) in fatigue_checks(sql) {
                let found = transaction
                    .prepare_cached(check)
                    .and_then(|mut check| check.exists((&new.customer_id, start, end)))
                    .map_err(Error::internal)?;
                if found {
                    suppression = Some(reason);
                    break;
                }
            }
        }
        let created = created(new, survey, suppression, now);
        execute(&transaction, &sql.insert, &insert_values(&created))?;
        decided.created(created, &zones);
    }
    for upsert in invitation_rollups::upsert_statements(DbBackend::Sqlite, &decided.cells) {
        let values = upsert.values.map(|values| values.0).unwrap_or_default();
        execute(&transaction, &upsert.sql, &values)?;
    }
    transaction.commit().map_err(Error::internal)?;
    Ok(decided)
}

/// Runs `sql` with `values` in `transaction`, prepared once.
fn execute(transaction: &rusqlite::Transaction, sql: &str, values: &[Value]) -> Result<()> {
    transaction
        .prepare_cached(sql)
        .and_then(|mut statement| {
            statement.execute(rusqlite::params_from_iter(
                values.iter().map(super::customers::rusqlite_value),
            ))
        })
        .map_err(Error::internal)?;
    Ok(())
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
        response: None,
    })
}
