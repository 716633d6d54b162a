//! CreateInvitation's group commit: one thread takes the invitations that wait (up to a batch)
//! and has the store decide and store them in one transaction (see
//! [`Store::create_invitations`]); a second thread makes the committed batches durable, one fsync
//! for all that wait, and answers their callers, while the first decides the next batch: the
//! ratings' writer does the same for ratings. A help desk sending a campaign asks for many
//! invitations at once; one transaction and one fsync each would hold them to the disk's rate of
//! flushes.

use tokio::sync::{mpsc, oneshot};
use tracing::error;

use crate::domain::invitation::{Invitation, NewInvitation};
use crate::domain::now_micros;
use crate::error::{Error, Result};
use crate::store::Store;

/// Most invitations decided in one transaction.
const MAX_INVITATIONS_PER_COMMIT: usize = 512;
/// Invitations waiting for the writer; callers wait for room beyond that.
const QUEUE_CAPACITY: usize = 4_096;
/// Committed batches waiting for their fsync; the writer waits for room beyond that.
const SYNC_QUEUE_CAPACITY: usize = 64;

type Reply = oneshot::Sender<Result<Invitation>>;

struct Pending {
    new: NewInvitation,
    reply: Reply,
}

/// A committed batch: whom to answer, and what.
type Committed = (Vec<Reply>, Vec<Result<Invitation>>);

/// Sends invitations to the invitation writer; cheap to clone. The writer's threads end when the
/// last handle is dropped, once they have answered every invitation sent.
#[derive(Clone, Debug)]
pub struct InvitationWriter {
    sender: mpsc::Sender<Pending>,
}

impl InvitationWriter {
    /// Starts the writer on a thread of its own, as the ratings' writer is (on the server's busy
    /// runtime each of its wake-ups would wait behind every call in flight), with a SQLite
    /// connection of its own when the store is on SQLite.
    pub fn spawn(store: Store) -> Result<InvitationWriter> {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::internal)?;
        let own = store.open_sqlite_writer()?;
        let (committed, to_sync) = std::sync::mpsc::sync_channel(SYNC_QUEUE_CAPACITY);
        let sync_store = store.clone();
        std::thread::Builder::new()
            .name("csat-invite-sync".into())
            .spawn(move || sync_and_answer(&sync_store, &to_sync))
            .map_err(Error::internal)?;
        std::thread::Builder::new()
            .name("csat-invite".into())
            .spawn(move || runtime.block_on(run(store, own, receiver, committed)))
            .map_err(Error::internal)?;
        Ok(InvitationWriter { sender })
    }

    /// Stores `new` with its fatigue decision and returns it, or the invitation stored before
    /// under its id when `new` is a retry of it; ALREADY_EXISTS when that one differs.
    pub async fn create(&self, new: NewInvitation) -> Result<Invitation> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Pending { new, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Unavailable("the server is shutting down; retry elsewhere".into())
}

async fn run(
    store: Store,
    mut own: Option<rusqlite::Connection>,
    mut receiver: mpsc::Receiver<Pending>,
    committed: std::sync::mpsc::SyncSender<Committed>,
) {
    let mut batch = Vec::with_capacity(MAX_INVITATIONS_PER_COMMIT);
    while receiver
        .recv_many(&mut batch, MAX_INVITATIONS_PER_COMMIT)
        .await
        > 0
    {
        let (invitations, replies): (Vec<NewInvitation>, Vec<Reply>) = batch
            .drain(..)
            .map(|pending| (pending.new, pending.reply))
            .unzip();
        match store
            .create_invitations(own.as_mut(), &invitations, now_micros())
            .await
        {
            Ok(answers) => {
                if committed.send((replies, answers)).is_err() {
                    return;
                }
            }
            Err(cause) => {
                error!(error = %cause, invitations = replies.len(), "invitations could not be stored");
                for reply in replies {
                    let _ = reply.send(Err(refusal(&cause)));
                }
            }
        }
    }
}

/// What the callers of a failed batch are told: retry only where a retry can succeed (a
/// connection lost during COMMIT leaves it unknown whether the batch was stored: a retry with
/// the same invitation_id finds it if it was).
fn refusal(cause: &Error) -> Error {
    match cause {
        Error::ResourceExhausted { reason, message } => Error::ResourceExhausted {
            reason,
            message: message.clone(),
        },
        Error::Unavailable(_) => Error::Unavailable(
            "the invitations could not be stored; retry with the same invitation_id".into(),
        ),
        other => Error::internal(format!("the invitations could not be stored: {other}")),
    }
}

/// Makes the committed batches durable, one fsync for all that wait, then answers their
/// callers. A refusal waits for the fsync too: the answer to a retry may be an invitation
/// another writer committed and has not yet made durable.
fn sync_and_answer(store: &Store, to_sync: &std::sync::mpsc::Receiver<Committed>) {
    while let Ok(first) = to_sync.recv() {
        let mut waiting = vec![first];
        waiting.extend(to_sync.try_iter());
        let durable = store.sync_committed();
        if let Err(cause) = &durable {
            error!(error = %cause, "invitations could not be made durable");
        }
        for (replies, answers) in waiting {
            for (reply, answer) in replies.into_iter().zip(answers) {
                let answer = match &durable {
                    Ok(()) => answer,
                    Err(_) => Err(Error::Unavailable(
                        "the invitations could not be made durable; retry with the same \
                         invitation_id"
                            .into(),
                    )),
                };
                let _ = reply.send(answer);
            }
        }
    }
}
