//! Caps on calls that stay open: a followed StreamRatings or a WatchReport can last for days, and
//! each holds memory and a share of the feed's fan-out while it does.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::Error;

/// A number of slots for one kind of long call; cheap to clone.
#[derive(Debug, Clone)]
pub struct OpenCalls {
    slots: Arc<Semaphore>,
    limit: usize,
    /// The ErrorInfo reason of a refusal.
    reason: &'static str,
    /// What the calls are, as a refusal names them: "StreamRatings calls".
    calls: &'static str,
    /// The flag that sets the limit.
    setting: &'static str,
    /// The metric that shows how many are open.
    open_gauge: &'static str,
}

/// A call's slot, given back when dropped.
#[derive(Debug)]
pub struct OpenCall {
    _slot: OwnedSemaphorePermit,
    open_gauge: &'static str,
}

impl Drop for OpenCall {
    fn drop(&mut self) {
        metrics::gauge!(self.open_gauge).decrement(1.0);
    }
}

impl OpenCalls {
    /// Returns `limit` slots for `calls`, refused with `reason` once all are taken; the gauge
    /// named `open_gauge` shows how many are taken.
    pub fn new(
        limit: usize,
        reason: &'static str,
        calls: &'static str,
        setting: &'static str,
        open_gauge: &'static str,
    ) -> OpenCalls {
        let limit = limit.min(Semaphore::MAX_PERMITS);
        OpenCalls {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
            reason,
            calls,
            setting,
            open_gauge,
        }
    }

    /// Takes a slot for a call, or refuses it with RESOURCE_EXHAUSTED: a caller that waited instead
    /// would hold its connection's stream and learn nothing of why.
    pub fn open(&self) -> Result<OpenCall, Error> {
        self.slots
            .clone()
            .try_acquire_owned()
            .map(|slot| {
                metrics::gauge!(self.open_gauge).increment(1.0);
                OpenCall {
                    _slot: slot,
                    open_gauge: self.open_gauge,
                }
            })
            .map_err(|_| Error::ResourceExhausted {
                reason: self.reason,
                message: format!(
                    "{} {} are open, the most this server allows ({}); retry later or on \
                     another replica",
                    self.limit, self.calls, self.setting
                ),
            })
    }
}
