//! The keys file: who may call, with which scopes, at what rate. Read at start (a bad file stops
//! the start) and re-read while serving (a bad file is logged and the last good one kept), so
//! that a key is added, rotated or revoked by editing the file or its Kubernetes Secret.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::DefaultClock;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::watch;
use tracing::{error, info};

/// How often the file is looked at: a removed key is refused within about this long.
const RELOAD_INTERVAL: Duration = Duration::from_millis(500);

/// What a principal may do. The names are those of the keys file and of SCOPE_MISSING's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// SubmitRating, BatchSubmitRatings, ImportRatings.
    RatingsWrite,
    /// GetRating, ListRatings, StreamRatings: they carry comments and customer ids.
    RatingsRead,
    /// GetReport, WatchReport, GetBenchmarkReport.
    ReportsRead,
    /// Creating, updating and archiving surveys; creating and deleting benchmarks.
    SurveysWrite,
    /// Reading surveys and benchmarks.
    SurveysRead,
    /// CustomerService reads.
    CustomersRead,
    /// FollowUpService writes.
    FollowupsWrite,
    /// InvitationService writes.
    InvitationsWrite,
    /// Excluding and restoring ratings.
    RatingsExclude,
    /// Erasing a customer's personal data.
    CustomersErase,
    /// Every other scope.
    Admin,
}

impl Scope {
    /// Every scope, in the order the documentation lists them.
    pub const ALL: [Scope; 11] = [
        Scope::RatingsWrite,
        Scope::RatingsRead,
        Scope::ReportsRead,
        Scope::SurveysWrite,
        Scope::SurveysRead,
        Scope::CustomersRead,
        Scope::FollowupsWrite,
        Scope::InvitationsWrite,
        Scope::RatingsExclude,
        Scope::CustomersErase,
        Scope::Admin,
    ];

    /// The scope's name in the keys file.
    pub fn name(self) -> &'static str {
        match self {
            Scope::RatingsWrite => "ratings:write",
            Scope::RatingsRead => "ratings:read",
            Scope::ReportsRead => "reports:read",
            Scope::SurveysWrite => "surveys:write",
            Scope::SurveysRead => "surveys:read",
            Scope::CustomersRead => "customers:read",
            Scope::FollowupsWrite => "followups:write",
            Scope::InvitationsWrite => "invitations:write",
            Scope::RatingsExclude => "ratings:exclude",
            Scope::CustomersErase => "customers:erase",
            Scope::Admin => "admin",
        }
    }

    /// Returns the scope named `name`, if there is one.
    pub fn named(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.name() == name)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A principal's rights: its name (in logs and audit lines), its scopes, its rate.
#[derive(Debug)]
pub struct Grant {
    /// The principal: a key's `name`, or a client certificate's subject.
    pub name: Arc<str>,
    scopes: u16,
    limiter: Option<Arc<Limiter>>,
    requests_per_second: Option<NonZeroU32>,
}

/// One principal's token bucket.
pub type Limiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;

impl Grant {
    /// Whether the principal holds `scope`, or `admin`.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes & (scope.bit() | Scope::Admin.bit()) != 0
    }

    /// The principal's rate limiter, if its entry sets `requests_per_second`.
    pub fn limiter(&self) -> Option<&Limiter> {
        self.limiter.as_deref()
    }
}

/// The principals of one version of the keys file.
#[derive(Debug, Default)]
pub struct Principals {
    keys: Vec<([u8; 32], Arc<Grant>)>,
    clients: HashMap<String, Arc<Grant>>,
}

impl Principals {
    /// Returns the grant of the key whose SHA-256 is that of `key`. Every stored hash is compared,
    /// each in constant time, so the answer's timing says nothing of which hash came close.
    pub fn by_key(&self, key: &str) -> Option<Arc<Grant>> {
        let hash: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let mut found = None;
        for (stored, grant) in &self.keys {
            if bool::from(stored.ct_eq(&hash)) {
                found = Some(grant.clone());
            }
        }
        found
    }

    /// Returns the grant of a client certificate whose subject is `principal`.
    pub fn by_client_certificate(&self, principal: &str) -> Option<Arc<Grant>> {
        self.clients.get(principal).cloned()
    }

    /// Parses the keys file's `text`, keeping the rate limiters of `previous`'s principals whose
    /// rate did not change (a reload must not hand a throttled caller a fresh bucket).
    pub fn parse(text: &str, previous: &Principals) -> Result<Principals, String> {
        let file: KeysFile = serde_saphyr::from_str(text).map_err(|cause| cause.to_string())?;
        let mut names = HashSet::new();
        let mut hashes = HashSet::new();
        let mut principals = Principals::default();
        let mut grant = |name: &str, scopes: &[String], rate: Option<u32>, at: &str| {
            if name.trim().is_empty() {
                return Err(format!("{at}: `name` is empty"));
            }
            if !names.insert(name.to_owned()) {
                return Err(format!("{at}: the name {name:?} is used twice"));
            }
            if scopes.is_empty() {
                return Err(format!("{at} ({name}): `scopes` is empty"));
            }
            let mut bits = 0;
            for scope in scopes {
                let known = Scope::named(scope).ok_or_else(|| {
                    format!(
                        "{at} ({name}): unknown scope {scope:?} (known: {})",
                        Scope::ALL.map(Scope::name).join(", ")
                    )
                })?;
                bits |= known.bit();
            }
            let requests_per_second = match rate {
                None => None,
                Some(rate) => Some(NonZeroU32::new(rate).ok_or_else(|| {
                    format!("{at} ({name}): `requests_per_second` must be at least 1")
                })?),
            };
            let kept = previous
                .grant_named(name)
                .filter(|old| old.requests_per_second == requests_per_second)
                .and_then(|old| old.limiter.clone());
            let limiter = kept.or_else(|| {
                requests_per_second
                    .map(|rate| Arc::new(RateLimiter::direct(Quota::per_second(rate))))
            });
            Ok(Arc::new(Grant {
                name: name.into(),
                scopes: bits,
                limiter,
                requests_per_second,
            }))
        };
        for (index, entry) in file.keys.iter().enumerate() {
            let at = format!("keys[{index}]");
            let hash = parse_sha256(&entry.sha256)
                .map_err(|reason| format!("{at} ({}): `sha256` {reason}", entry.name))?;
            if hash == <[u8; 32]>::from(Sha256::digest(b"")) {
                return Err(format!(
                    "{at} ({}): `sha256` is the hash of an empty key",
                    entry.name
                ));
            }
            if !hashes.insert(hash) {
                return Err(format!(
                    "{at} ({}): the same key hash is listed twice",
                    entry.name
                ));
            }
            let granted = grant(&entry.name, &entry.scopes, entry.requests_per_second, &at)?;
            principals.keys.push((hash, granted));
        }
        for (index, entry) in file.clients.iter().enumerate() {
            let at = format!("clients[{index}]");
            let granted = grant(&entry.name, &entry.scopes, entry.requests_per_second, &at)?;
            principals.clients.insert(entry.name.clone(), granted);
        }
        Ok(principals)
    }

    fn grant_named(&self, name: &str) -> Option<&Arc<Grant>> {
        self.keys
            .iter()
            .map(|(_, grant)| grant)
            .chain(self.clients.values())
            .find(|grant| &*grant.name == name)
    }

    /// How many keys and client principals the file lists.
    fn counts(&self) -> (usize, usize) {
        (self.keys.len(), self.clients.len())
    }
}

/// The file's form (API.md, "Access").
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    keys: Vec<KeyEntry>,
    #[serde(default)]
    clients: Vec<ClientEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    name: String,
    sha256: String,
    scopes: Vec<String>,
    requests_per_second: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    name: String,
    scopes: Vec<String>,
    requests_per_second: Option<u32>,
}

fn parse_sha256(text: &str) -> Result<[u8; 32], &'static str> {
    let mut hash = [0; 32];
    hex::decode_to_slice(text.trim(), &mut hash)
        .map_err(|_| "must be 64 hexadecimal digits (`csat keys hash` prints it)")?;
    Ok(hash)
}

/// Returns the hex SHA-256 of `key`, as the keys file holds it.
pub fn sha256_hex(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The keys file as last read well, kept current by a task that re-reads it.
#[derive(Clone)]
pub struct KeysFileWatch {
    current: watch::Receiver<Arc<Principals>>,
}

impl KeysFileWatch {
    /// Reads `path` (an error says what is wrong, and the caller stops the start), then re-reads
    /// it every RELOAD_INTERVAL until every copy of the returned watch is dropped.
    pub async fn open(path: &Path) -> Result<KeysFileWatch, String> {
        let text = read(path).await?;
        let principals = Principals::parse(&text, &Principals::default())
            .map_err(|reason| format!("{}: {reason}", path.display()))?;
        let (keys, clients) = principals.counts();
        info!(file = %path.display(), keys, clients, "keys file read");
        let (sender, current) = watch::channel(Arc::new(principals));
        tokio::spawn(reload(path.to_owned(), text, sender));
        Ok(KeysFileWatch { current })
    }

    /// The principals as the file last listed them.
    pub fn principals(&self) -> Arc<Principals> {
        self.current.borrow().clone()
    }
}

async fn read(path: &Path) -> Result<String, String> {
    tokio::fs::read_to_string(path)
        .await
        .map_err(|cause| format!("cannot read the keys file {}: {cause}", path.display()))
}

/// Re-reads the file whenever its content changes (Kubernetes swaps a Secret's files through a
/// symlink, so the content is compared rather than a modification time).
async fn reload(path: PathBuf, mut last_text: String, sender: watch::Sender<Arc<Principals>>) {
    let mut last_error = None;
    while !sender.is_closed() {
        tokio::time::sleep(RELOAD_INTERVAL).await;
        let parsed = match read(&path).await {
            Ok(text) if text == last_text => continue,
            Ok(text) => {
                Principals::parse(&text, &sender.borrow()).map(|principals| (text, principals))
            }
            Err(reason) => Err(reason),
        };
        match parsed {
            Ok((text, principals)) => {
                let (keys, clients) = principals.counts();
                info!(file = %path.display(), keys, clients, "keys file re-read");
                sender.send_replace(Arc::new(principals));
                last_text = text;
                last_error = None;
            }
            Err(reason) if last_error.as_ref() != Some(&reason) => {
                error!(file = %path.display(), %reason, "the keys file cannot be used: keeping the last good one");
                last_error = Some(reason);
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELPDESK_KEY: &str = "helpdesk-secret";

    fn file(body: &str) -> Result<Principals, String> {
        Principals::parse(body, &Principals::default())
    }

    #[test]
    fn a_key_is_found_by_its_hash_with_its_scopes() {
        let principals = file(&format!(
            "keys:\n  - name: helpdesk\n    sha256: {}\n    scopes: [ratings:write, surveys:read]\n",
            sha256_hex(HELPDESK_KEY)
        ))
        .expect("a valid file");
        let grant = principals.by_key(HELPDESK_KEY).expect("the key is known");
        assert_eq!(&*grant.name, "helpdesk");
        assert!(grant.allows(Scope::RatingsWrite));
        assert!(grant.allows(Scope::SurveysRead));
        assert!(!grant.allows(Scope::RatingsRead));
        assert!(grant.limiter().is_none());
        assert!(principals.by_key("helpdesk-secreT").is_none());
        assert!(principals.by_key("").is_none());
    }

    #[test]
    fn admin_allows_every_scope() {
        let principals = file(&format!(
            "keys:\n  - {{name: ops, sha256: {}, scopes: [admin]}}\n",
            sha256_hex("k")
        ))
        .expect("a valid file");
        let grant = principals.by_key("k").expect("known");
        assert!(Scope::ALL.iter().all(|scope| grant.allows(*scope)));
    }

    #[test]
    fn client_certificates_are_looked_up_by_subject() {
        let principals = file(
            "clients:\n  - name: spiffe://cluster.local/ns/support/sa/helpdesk\n    scopes: [ratings:write]\n",
        )
        .expect("a valid file");
        let grant = principals
            .by_client_certificate("spiffe://cluster.local/ns/support/sa/helpdesk")
            .expect("known");
        assert!(grant.allows(Scope::RatingsWrite));
        assert!(principals.by_client_certificate("helpdesk").is_none());
    }

    #[test]
    fn a_bad_file_is_refused_with_the_reason() {
        let hash = sha256_hex("k");
        for (body, expected) in [
            (
                "keys: [{name: a, sha256: 12ab, scopes: [admin]}]",
                "64 hexadecimal",
            ),
            (
                &format!("keys: [{{name: a, sha256: {hash}, scopes: [ratings:delete]}}]"),
                "unknown scope \"ratings:delete\"",
            ),
            (
                &format!("keys: [{{name: a, sha256: {hash}, scopes: []}}]"),
                "`scopes` is empty",
            ),
            (
                &format!("keys: [{{name: a, sha256: {hash}, scopes: [admin], role: x}}]"),
                "role",
            ),
            (
                &format!(
                    "keys: [{{name: a, sha256: {hash}, scopes: [admin]}}, {{name: a, sha256: {}, scopes: [admin]}}]",
                    sha256_hex("other")
                ),
                "used twice",
            ),
            (
                &format!(
                    "keys: [{{name: a, sha256: {hash}, scopes: [admin]}}, {{name: b, sha256: {hash}, scopes: [admin]}}]"
                ),
                "listed twice",
            ),
            (
                &format!(
                    "keys: [{{name: a, sha256: {hash}, scopes: [admin], requests_per_second: 0}}]"
                ),
                "at least 1",
            ),
            ("users: []", "users"),
            (
                &format!(
                    "keys: [{{name: a, sha256: {}, scopes: [admin]}}]",
                    sha256_hex("")
                ),
                "empty key",
            ),
        ] {
            let reason = file(body).expect_err(body);
            assert!(reason.contains(expected), "{body}: {reason}");
        }
    }

    #[test]
    fn a_reload_keeps_the_bucket_of_a_principal_whose_rate_is_unchanged() {
        let body = |rate: u32| {
            format!(
                "keys: [{{name: batch, sha256: {}, scopes: [ratings:write], requests_per_second: {rate}}}]",
                sha256_hex("k")
            )
        };
        let first = file(&body(1)).expect("valid");
        let limiter = first.by_key("k").and_then(|grant| grant.limiter.clone());
        assert!(
            limiter
                .as_ref()
                .is_some_and(|limiter| limiter.check().is_ok())
        );
        let reloaded = Principals::parse(&body(1), &first).expect("valid");
        let kept = reloaded.by_key("k").and_then(|grant| grant.limiter.clone());
        assert!(
            kept.as_ref()
                .is_some_and(|limiter| limiter.check().is_err()),
            "the spent bucket is kept"
        );
        let raised = Principals::parse(&body(5), &reloaded).expect("valid");
        let fresh = raised.by_key("k").and_then(|grant| grant.limiter.clone());
        assert!(
            fresh
                .as_ref()
                .is_some_and(|limiter| limiter.check().is_ok()),
            "a new rate, a new bucket"
        );
    }
}
