//! The invitations a commit's ratings name, read under the counter lock, and the responses the
//! new ratings add to the invitation rollups in the same transaction.

use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use super::super::entity::invitation;
use super::super::invitation_rollups::{self, InvitationCellCounts, InvitationPlace, answers_to};
use super::super::rollups::stored_zones;
use crate::domain::Channel;
use crate::domain::Rating;
use crate::domain::ingest::{InvitationLinks, Submission, named_invitation_ids};
use crate::domain::invitation::InvitationLink;
use crate::error::{Error, Result};

/// Ids per lookup.
const IDS_PER_LOOKUP: usize = 500;

/// Returns the invitations `batch` names, with the rating that answered each, if one did.
pub(super) async fn read_links(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    batch: &[Submission],
) -> Result<InvitationLinks> {
    let named: Vec<&str> = named_invitation_ids(batch).into_iter().collect();
    let mut links = InvitationLinks::new();
    for chunk in named.chunks(IDS_PER_LOOKUP) {
        let select = Query::select()
            .columns([
                invitation::Column::InvitationId,
                invitation::Column::SurveyId,
                invitation::Column::CustomerId,
                invitation::Column::Channel,
                invitation::Column::SendTime,
                invitation::Column::SuppressionReason,
            ])
            .from(invitation::Entity)
            .and_where(Expr::col(invitation::Column::InvitationId).is_in(chunk.iter().copied()))
            .to_owned();
        for row in transaction.query_all_raw(backend.build(&select)).await? {
            let channel_number: i32 = row.try_get_by_index(3)?;
            let channel = Channel::from_number(channel_number).ok_or_else(|| {
                Error::internal(format!("invitation row with channel {channel_number}"))
            })?;
            let suppression: i32 = row.try_get_by_index(5)?;
            links.insert(
                row.try_get_by_index(0)?,
                InvitationLink {
                    survey_id: row.try_get_by_index(1)?,
                    customer_id: row.try_get_by_index(2)?,
                    channel,
                    send_time: row.try_get_by_index(4)?,
                    suppressed: suppression != 0,
                    answered_by: None,
                },
            );
        }
        let answers = answers_to(chunk.iter().copied());
        for row in transaction.query_all_raw(backend.build(&answers)).await? {
            let invitation_id: String = row.try_get_by_index(0)?;
            if let Some(link) = links.get_mut(&invitation_id) {
                link.answered_by = Some(row.try_get_by_index(1)?);
            }
        }
    }
    Ok(links)
}

/// Adds a response in the invitation rollups for each of `stored` that answers an invitation to
/// be sent (a new rating is never excluded).
pub(super) async fn write_responses(
    transaction: &DatabaseTransaction,
    backend: DbBackend,
    stored: &[Rating],
    links: &InvitationLinks,
) -> Result<()> {
    let answering: Vec<(&Rating, &InvitationLink)> = stored
        .iter()
        .filter_map(|rating| {
            links
                .get(&rating.content.invitation_id)
                .filter(|link| !link.suppressed)
                .map(|link| (rating, link))
        })
        .collect();
    if answering.is_empty() {
        return Ok(());
    }
    let zones = stored_zones(transaction, backend).await?;
    let mut cells = InvitationCellCounts::new();
    for (rating, link) in answering {
        invitation_rollups::add(
            &mut cells,
            &zones,
            InvitationPlace {
                survey_id: &link.survey_id,
                // The invitation's survey: only its ratings answer it.
                touchpoint: &rating.touchpoint,
                channel: link.channel,
                send_time: link.send_time,
            },
            0,
            1,
        );
    }
    invitation_rollups::upsert(transaction, backend, &cells).await
}
