//! WatchReport's scheduling: the watchers of one query (and interval) share one computation per
//! change instead of each computing its own, and computations for watchers take turns, so that
//! a hundred dashboards on a query that scans cost one scan at a time, not a hundred, and leave
//! the writer, the feed and GetReport their share of the cores and of the database's readers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, broadcast, mpsc, watch};
use tokio::time::{Duration, Instant};
use tracing::error;

use super::{Reports, previous_range};
use crate::domain::report::{Report, ReportQuery};
use crate::domain::{Rating, RatingFilter};
use crate::error::{Error, Result};
use crate::feed::Feed;

/// Refreshes that scan at once. One: a scan keeps a core and a reader connection busy for as long
/// as it runs, and the machine this is measured on has two cores and SQLite four reader
/// connections, which the feed, replays and GetReport need too (100 watchers computing each their
/// own scan kept SubmitRating waiting up to 18.8 s).
const SCANNING_REFRESHES_AT_ONCE: usize = 1;

/// First reports and refreshes the rollups answered, at once. They do not queue behind the
/// scanning refreshes, whose turns and pauses add up to seconds per group: a new watcher's first
/// message would miss its caller's deadline, and a rollup answer takes a millisecond. Still
/// bounded, since a first report may scan: with the scanning turn, at most three scans at once,
/// leaving a reader connection to the feed and GetReport.
const QUICK_COMPUTATIONS_AT_ONCE: usize = 2;

/// Every open watch, by query; cheap to clone.
#[derive(Debug, Clone)]
pub struct Watchers {
    reports: Reports,
    feed: Feed,
    groups: Arc<Mutex<HashMap<String, Arc<Group>>>>,
    scanning_turns: Arc<Semaphore>,
    quick_turns: Arc<Semaphore>,
    shutdown: watch::Receiver<bool>,
}

/// The watchers of one query and interval.
#[derive(Debug)]
struct Group {
    /// The latest computation, or the error that ended the group.
    latest: watch::Sender<Option<Computed>>,
    /// Tickets of watchers that joined: each wants a report computed after its call came.
    joined: watch::Sender<u64>,
}

/// One computation, shared by every watcher of its group.
#[derive(Debug, Clone)]
enum Computed {
    Report {
        report: Arc<Report>,
        /// How many of the group's computations so far were made because ratings the query
        /// selects arrived (the first included). One made only for a watcher that joined changes
        /// nothing for the others, which receive it only if a computation with news came since
        /// what they were last sent: a watcher waiting for its interval may see only the latest.
        news_count: u64,
        /// Every watcher whose ticket is at most this one joined before it started.
        tickets_through: u64,
    },
    Failed(Arc<Error>),
}

impl Watchers {
    /// Returns the watches of `reports`, fed by `feed`, until `shutdown`.
    pub fn new(reports: Reports, feed: Feed, shutdown: watch::Receiver<bool>) -> Watchers {
        Watchers {
            reports,
            feed,
            groups: Arc::default(),
            scanning_turns: Arc::new(Semaphore::new(SCANNING_REFRESHES_AT_ONCE)),
            quick_turns: Arc::new(Semaphore::new(QUICK_COMPUTATIONS_AT_ONCE)),
            shutdown,
        }
    }

    /// Sends the report of `query` to `out`, computed after this call, then again whenever ratings
    /// it selects arrive on the feed, at most once per `min_interval`, until `out` closes or the
    /// server shuts down; ends with the error instead if a computation fails.
    pub async fn watch(
        self,
        query: ReportQuery,
        min_interval: Duration,
        out: mpsc::Sender<Result<Arc<Report>>>,
    ) {
        let (mut latest, ticket) = self.join(query, min_interval);
        let mut shutdown = self.shutdown.clone();
        let mut sent_news_count = None;
        let mut next_allowed = Instant::now();
        loop {
            let group_ended = tokio::select! {
                changed = latest.changed() => changed.is_err(),
                _ = shutdown.wait_for(|stopping| *stopping) => return,
                _ = out.closed() => return,
            };
            if group_ended {
                // Without a failure this watcher saw: only shutdown may end a watch with OK, or
                // the caller could not tell it was sent no report by mistake.
                if !*shutdown.borrow() {
                    let ended = match &*latest.borrow() {
                        Some(Computed::Failed(error)) => copy_for_watcher(error),
                        _ => Error::Unavailable("the watched report stopped; watch again".into()),
                    };
                    let _ = out.send(Err(ended)).await;
                }
                return;
            }
            // A computation made while this watcher waits for its interval is not lost: the
            // latest one is sent when the interval has passed.
            tokio::select! {
                _ = tokio::time::sleep_until(next_allowed) => {}
                _ = shutdown.wait_for(|stopping| *stopping) => return,
                _ = out.closed() => return,
            }
            let computed = latest.borrow_and_update().clone();
            let report = match computed {
                None => continue,
                Some(Computed::Failed(error)) => {
                    let _ = out.send(Err(copy_for_watcher(&error))).await;
                    return;
                }
                Some(Computed::Report {
                    report,
                    news_count,
                    tickets_through,
                }) => {
                    let wanted = match sent_news_count {
                        Some(sent) => news_count > sent,
                        None => tickets_through >= ticket,
                    };
                    if !wanted {
                        continue;
                    }
                    sent_news_count = Some(news_count);
                    report
                }
            };
            next_allowed = Instant::now() + min_interval;
            if out.send(Ok(report)).await.is_err() {
                return;
            }
        }
    }

    /// Joins the group of `query` and `min_interval`, starting it if there is none, and returns its
    /// computations with this watcher's ticket.
    fn join(
        &self,
        query: ReportQuery,
        min_interval: Duration,
    ) -> (watch::Receiver<Option<Computed>>, u64) {
        // The query's debug form names every field of it in a fixed order (lists as given,
        // attributes sorted): equal queries, and only they, share a group.
        let key = format!("{min_interval:?} {query:?}");
        let mut groups = self
            .groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Subscribing before looking: a failure sent after it is news to this watcher, one sent
        // before is not, and the group then ends without telling it; it starts a fresh group
        // instead.
        let joined = groups.get(&key).and_then(|group| {
            let latest = group.latest.subscribe();
            let failed = matches!(*latest.borrow(), Some(Computed::Failed(_)));
            (!failed).then(|| (group.clone(), latest))
        });
        let (group, latest) = match joined {
            Some(joined) => joined,
            None => {
                let group = Arc::new(Group {
                    latest: watch::Sender::new(None),
                    joined: watch::Sender::new(0),
                });
                groups.insert(key.clone(), group.clone());
                let latest = group.latest.subscribe();
                tokio::spawn(
                    self.clone()
                        .compute(key, group.clone(), query, min_interval),
                );
                (group, latest)
            }
        };
        let mut ticket = 0;
        group.joined.send_modify(|last| {
            *last += 1;
            ticket = *last;
        });
        (latest, ticket)
    }

    /// Computes the group's report whenever a watcher joins, and whenever ratings the query selects
    /// arrive, at most once per `min_interval`; until the last watcher leaves, a computation fails,
    /// or the server shuts down.
    async fn compute(
        self,
        key: String,
        group: Arc<Group>,
        query: ReportQuery,
        min_interval: Duration,
    ) {
        // Subscribing first: a rating committed while a report is computed marks it stale.
        let mut live = self.feed.subscribe();
        // A late rating of the previous period changes the comparison as much as a new one does.
        let previous_filter = previous_range(&query).map(|(start, end)| RatingFilter {
            start_time: Some(start),
            end_time: Some(end),
            ..query.filter.clone()
        });
        let selects = |rating: &Rating| {
            query.filter.matches(rating)
                || previous_filter
                    .as_ref()
                    .is_some_and(|previous| previous.matches(rating))
        };
        // An exclusion or a restore may move any report: each one makes it stale.
        let mut exclusions = self.feed.subscribe_exclusions();
        let mut exclusions_open = true;
        let mut joined = group.joined.subscribe();
        let mut shutdown = self.shutdown.clone();
        let mut served_tickets = 0;
        let mut news_count = 0;
        let mut stale = true;
        let mut next_allowed = Instant::now();
        // Until the first computation tells, a query is taken to scan.
        let mut scans = true;
        loop {
            let tickets = *joined.borrow_and_update();
            let joiner_waits = tickets > served_tickets;
            if joiner_waits || (stale && Instant::now() >= next_allowed) {
                if stale {
                    news_count += 1;
                    next_allowed = Instant::now() + min_interval;
                }
                stale = false;
                served_tickets = tickets;
                let computed = tokio::select! {
                    computed = self.take_turn(&query, joiner_waits || !scans) => computed,
                    _ = shutdown.wait_for(|stopping| *stopping) => break,
                };
                match computed {
                    Ok(report) => {
                        scans = !report.from_rollups;
                        group.latest.send_replace(Some(Computed::Report {
                            report: Arc::new(report),
                            news_count,
                            tickets_through: tickets,
                        }));
                    }
                    Err(cause) => {
                        if let Error::Internal(internal) = &cause {
                            error!(error = %internal, source = ?internal.source(), "a watched report failed");
                        }
                        group
                            .latest
                            .send_replace(Some(Computed::Failed(Arc::new(cause))));
                        break;
                    }
                }
                continue;
            }
            tokio::select! {
                received = live.recv() => match received {
                    Ok(batch) => stale |= batch.iter().any(selects),
                    // Missed batches may have held matching ratings.
                    Err(broadcast::error::RecvError::Lagged(_)) => stale = true,
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                changed = exclusions.changed(), if exclusions_open => match changed {
                    Ok(()) => stale = true,
                    Err(_) => exclusions_open = false,
                },
                _ = tokio::time::sleep_until(next_allowed), if stale => {}
                _ = joined.changed() => {}
                _ = shutdown.wait_for(|stopping| *stopping) => break,
                _ = group.latest.closed() => if self.forget(&key, &group, true) { return },
            }
        }
        self.forget(&key, &group, false);
    }

    /// Computes a report once a turn is free: a `quick` one (a first report, or a refresh the
    /// rollups answered last time), or else a scanning one. A scanning turn passes on only after
    /// as long again as the computation took, so that watchers of scanning queries (a scan of a
    /// million ratings takes a second) use at most half of a core, whatever their number, and
    /// ingest keeps the rest.
    async fn take_turn(&self, query: &ReportQuery, quick: bool) -> Result<Report> {
        let turns = if quick {
            &self.quick_turns
        } else {
            &self.scanning_turns
        };
        let turn = turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Unavailable("the server is shutting down".into()))?;
        let started = Instant::now();
        let report = self.reports.report(query).await;
        if quick {
            return report;
        }
        let took = started.elapsed();
        tokio::spawn(async move {
            tokio::time::sleep(took).await;
            drop(turn);
        });
        report
    }

    /// Removes the group from the open watches (only if no watcher is left, when
    /// `only_if_unwatched`) and says whether it did. Under the lock that joining takes, so that a
    /// watcher joining now either finds the group still computing or starts a new one.
    fn forget(&self, key: &str, group: &Arc<Group>, only_if_unwatched: bool) -> bool {
        let mut groups = self
            .groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if only_if_unwatched && group.latest.receiver_count() > 0 {
            return false;
        }
        if groups
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, group))
        {
            groups.remove(key);
        }
        true
    }
}

/// The error a failed computation ends each of its watchers with. An internal cause is logged
/// once where it happened; each watcher's caller hears only that it was internal, as always.
fn copy_for_watcher(error: &Error) -> Error {
    match error {
        Error::InvalidArgument(violations) => Error::InvalidArgument(violations.clone()),
        Error::NotFound { reason, message } => Error::NotFound {
            reason,
            message: message.clone(),
        },
        Error::AlreadyExists { reason, message } => Error::AlreadyExists {
            reason,
            message: message.clone(),
        },
        Error::FailedPrecondition { reason, message } => Error::FailedPrecondition {
            reason,
            message: message.clone(),
        },
        Error::ResourceExhausted { reason, message } => Error::ResourceExhausted {
            reason,
            message: message.clone(),
        },
        Error::Aborted { reason, message } => Error::Aborted {
            reason,
            message: message.clone(),
        },
        Error::Unavailable(message) => Error::Unavailable(message.clone()),
        Error::Internal(_) => Error::internal("a watched report failed (logged above)"),
    }
}
