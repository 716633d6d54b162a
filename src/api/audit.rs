//! Who made a write: the auth layer puts the caller's [`Principal`] in each request's extensions,
//! and every write of surveys and benchmarks (later exclusions and erasures) logs one audit line
//! naming it, under the target `csat::audit` so that a log pipeline can route them apart.

use std::sync::Arc;

use tonic::Request;
use tracing::info;

/// Who made a call: a key's name, a client certificate's subject, or `anonymous` on a server that
/// authenticates nobody.
#[derive(Debug, Clone)]
pub struct Principal(pub Arc<str>);

impl Principal {
    /// The principal of every call to a server that authenticates nobody.
    pub fn anonymous() -> Principal {
        Principal("anonymous".into())
    }

    /// The principal of `request`, as the auth layer found it.
    pub fn of<T>(request: &Request<T>) -> Principal {
        request
            .extensions()
            .get::<Principal>()
            .cloned()
            .unwrap_or_else(Principal::anonymous)
    }

    /// Logs the audit line of a write `action` (such as `ArchiveSurvey`) done on `resource`.
    pub fn audit(&self, action: &str, resource: &str) {
        info!(target: "csat::audit", principal = %self.0, action, resource, "audit");
    }
}
