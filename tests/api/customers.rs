//! CustomerService over real gRPC, on SQLite and PostgreSQL: random customers' ratings and
//! random policies, every field of every customer and every ListCustomers page compared with a
//! brute-force computation written here from the ratings themselves, apart from the service's
//! code (which keeps summaries and counts normalised scores in whole units; this file uses floats).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::common::{self, Backend, TestServer, bad_fields};
use csat::pb;
use csat::pb::customer_service_client::CustomerServiceClient;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use sea_orm::{ConnectionTrait, Database};
use tonic::Code;
use tonic::transport::Channel;

on_both_backends!(
    random_customers_match_a_brute_force_computation,
    a_window_edge_passing_a_rating_is_applied_when_read,
    policy_updates_are_checked_field_by_field_and_refusals_change_nothing,
    ratings_stored_before_the_migration_get_summaries,
    open_follow_ups_lower_health_and_signal_when_overdue,
    customers_are_read_by_id_with_bad_ids_and_orders_refused,
    a_band_is_listed_under_one_policy_while_the_policy_changes,
);

const SECOND: i64 = 1_000_000;
const HOUR: i64 = 3_600 * SECOND;
const DAY: i64 = 24 * HOUR;

/// A survey of the random data set, as the brute force sees it.
pub(crate) struct TestSurvey {
    pub(crate) survey_id: &'static str,
    pub(crate) touchpoint: &'static str,
    pub(crate) metric: pb::Metric,
    pub(crate) scale: (i32, i32),
    pub(crate) threshold: Option<i32>,
}

pub(crate) fn test_surveys() -> Vec<TestSurvey> {
    vec![
        TestSurvey {
            survey_id: "csat5",
            touchpoint: "support_chat",
            metric: pb::Metric::Csat,
            scale: (1, 5),
            threshold: Some(4),
        },
        TestSurvey {
            survey_id: "csat7",
            touchpoint: "checkout",
            metric: pb::Metric::Csat,
            scale: (1, 7),
            threshold: Some(6),
        },
        TestSurvey {
            survey_id: "nps",
            touchpoint: "support_chat",
            metric: pb::Metric::Nps,
            scale: (0, 10),
            threshold: None,
        },
        TestSurvey {
            survey_id: "ces",
            touchpoint: "billing",
            metric: pb::Metric::Ces,
            scale: (1, 7),
            threshold: Some(5),
        },
        TestSurvey {
            survey_id: "ces5",
            touchpoint: "billing",
            metric: pb::Metric::Ces,
            scale: (1, 5),
            threshold: Some(4),
        },
    ]
}

pub(crate) async fn create_surveys(server: &mut TestServer, surveys: &[TestSurvey]) {
    for survey in surveys {
        server
            .surveys
            .create_survey(pb::CreateSurveyRequest {
                survey_id: survey.survey_id.into(),
                survey: Some(pb::Survey {
                    touchpoint: survey.touchpoint.into(),
                    metric: survey.metric.into(),
                    scale_min: Some(survey.scale.0),
                    scale_max: Some(survey.scale.1),
                    satisfied_threshold: survey.threshold,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
}

/// One random rating: its survey, score, customer and how long before now it occurred.
#[derive(Debug, Clone)]
pub(crate) struct TestRating {
    pub(crate) survey: usize,
    pub(crate) score_offset: i32,
    pub(crate) customer: &'static str,
    /// Whole days, then 11 to 12 hours more, so that no rating is within hours of a window edge
    /// (windows are whole days) while the test runs; negative: up to 2 minutes in the future.
    pub(crate) age: i64,
}

pub(crate) fn rating_strategy() -> impl Strategy<Value = TestRating> {
    (
        0..5usize,
        0..11i32,
        prop::sample::select(vec!["c1", "c2", "c3", "c4", "c5", "c6", "c7", ""]),
        prop_oneof![
            9 => (0..400i64, 0..HOUR).prop_map(|(days, extra)| days * DAY + 11 * HOUR + extra),
            1 => (0..120 * SECOND).prop_map(|ahead| -ahead),
        ],
    )
        .prop_map(|(survey, score_offset, customer, age)| TestRating {
            survey,
            score_offset,
            customer,
            age,
        })
}

pub(crate) fn score_of(rating: &TestRating, surveys: &[TestSurvey]) -> i32 {
    let (low, high) = surveys[rating.survey].scale;
    low + rating.score_offset % (high - low + 1)
}

/// A random policy: window in whole days, weights of which some may be 0, thresholds apart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestPolicy {
    window_days: i64,
    weights: [f64; 5],
    healthy: f64,
    at_risk: f64,
}

fn policy_strategy() -> impl Strategy<Value = TestPolicy> {
    (
        prop::sample::select(vec![30i64, 90, 180, 365]),
        prop::array::uniform5(prop_oneof![1 => Just(0.0), 3 => 0.01..2.0f64]),
        10.0..90.0f64,
        1.0..9.0f64,
    )
        .prop_map(|(window_days, mut weights, at_risk, gap)| {
            if weights.iter().all(|weight| *weight == 0.0) {
                weights[0] = 1.0;
            }
            TestPolicy {
                window_days,
                weights,
                healthy: at_risk + gap,
                at_risk,
            }
        })
}

fn policy_to_wire(policy: &TestPolicy) -> pb::HealthPolicy {
    pb::HealthPolicy {
        window: Some(prost_types::Duration {
            seconds: policy.window_days * 86_400,
            nanos: 0,
        }),
        weights: Some(pb::HealthWeights {
            csat: policy.weights[0],
            nps: policy.weights[1],
            ces: policy.weights[2],
            recent: policy.weights[3],
            follow_up: policy.weights[4],
        }),
        healthy_threshold: policy.healthy,
        at_risk_threshold: policy.at_risk,
    }
}

async fn set_policy(server: &mut TestServer, policy: &TestPolicy, paths: &[&str]) {
    let answer = server
        .customers
        .update_health_policy(pb::UpdateHealthPolicyRequest {
            policy: Some(policy_to_wire(policy)),
            update_mask: Some(prost_types::FieldMask {
                paths: paths.iter().map(|path| path.to_string()).collect(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.policy, Some(policy_to_wire(policy)));
}

pub(crate) fn default_policy() -> TestPolicy {
    TestPolicy {
        window_days: 180,
        weights: [0.35, 0.25, 0.15, 0.15, 0.10],
        healthy: 70.0,
        at_risk: 40.0,
    }
}

/// A stored rating as the brute force reads it.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) survey: usize,
    pub(crate) score: i32,
    pub(crate) customer: String,
    pub(crate) occur_time: i64,
}

/// What the brute force expects of one customer.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub(crate) customer_id: String,
    pub(crate) rating_count: i64,
    pub(crate) first_rating_time: i64,
    pub(crate) last_rating_time: i64,
    pub(crate) window_rating_count: i64,
    pub(crate) csat: Option<f64>,
    pub(crate) csat_rating_count: i64,
    pub(crate) nps_category: pb::NpsCategory,
    pub(crate) ces_mean: Option<f64>,
    pub(crate) health: Option<f64>,
    pub(crate) band: pb::HealthBand,
    /// (name, value, weight, contribution).
    pub(crate) factors: Vec<(&'static str, f64, f64, f64)>,
    pub(crate) signals: Vec<pb::DefectorSignal>,
    pub(crate) touchpoints: BTreeSet<&'static str>,
}

fn normalised(score: i32, scale: (i32, i32)) -> f64 {
    100.0 * f64::from(score - scale.0) / f64::from(scale.1 - scale.0)
}

/// Every customer, recomputed from the ratings as of `now` under `policy`, with `open_follow_ups`
/// open (none overdue).
pub(crate) fn brute_force(
    ratings: &[Stored],
    surveys: &[TestSurvey],
    policy: &TestPolicy,
    now: i64,
    open_follow_ups: &BTreeMap<String, i64>,
) -> BTreeMap<String, Expected> {
    let mut by_customer: BTreeMap<&str, Vec<&Stored>> = BTreeMap::new();
    for rating in ratings.iter().filter(|rating| !rating.customer.is_empty()) {
        by_customer
            .entry(&rating.customer)
            .or_default()
            .push(rating);
    }
    let mut expected = BTreeMap::new();
    for (customer, all) in by_customer {
        let mut window: Vec<&Stored> = all
            .iter()
            .copied()
            .filter(|rating| rating.occur_time >= now - policy.window_days * DAY)
            .collect();
        window.sort_by_key(|rating| rating.occur_time);
        let of_metric = |metric: pb::Metric| -> Vec<&Stored> {
            window
                .iter()
                .copied()
                .filter(|rating| surveys[rating.survey].metric == metric)
                .collect()
        };
        let csat_ratings = of_metric(pb::Metric::Csat);
        let satisfied = csat_ratings
            .iter()
            .filter(|rating| Some(rating.score) >= surveys[rating.survey].threshold)
            .count();
        let csat = (!csat_ratings.is_empty())
            .then(|| 100.0 * satisfied as f64 / csat_ratings.len() as f64);
        let latest_nps = of_metric(pb::Metric::Nps).last().map(|rating| rating.score);
        let nps_category = match latest_nps {
            None => pb::NpsCategory::Unspecified,
            Some(9..) => pb::NpsCategory::Promoter,
            Some(7 | 8) => pb::NpsCategory::Passive,
            Some(_) => pb::NpsCategory::Detractor,
        };
        let ces_ratings = of_metric(pb::Metric::Ces);
        let ces_scales: BTreeSet<(i32, i32)> = ces_ratings
            .iter()
            .map(|rating| surveys[rating.survey].scale)
            .collect();
        let ces_mean = (ces_scales.len() == 1).then(|| {
            ces_ratings
                .iter()
                .map(|rating| f64::from(rating.score))
                .sum::<f64>()
                / ces_ratings.len() as f64
        });
        let ces_factor = (!ces_ratings.is_empty()).then(|| {
            ces_ratings
                .iter()
                .map(|rating| normalised(rating.score, surveys[rating.survey].scale))
                .sum::<f64>()
                / ces_ratings.len() as f64
        });
        let normalised_scores: Vec<f64> = window
            .iter()
            .map(|rating| normalised(rating.score, surveys[rating.survey].scale))
            .collect();
        let open = open_follow_ups.get(customer).copied().unwrap_or(0);
        let present: Vec<(&'static str, Option<f64>, f64)> = if window.is_empty() {
            Vec::new()
        } else {
            vec![
                ("csat", csat, policy.weights[0]),
                (
                    "nps",
                    latest_nps.map(|_| match nps_category {
                        pb::NpsCategory::Promoter => 100.0,
                        pb::NpsCategory::Passive => 50.0,
                        _ => 0.0,
                    }),
                    policy.weights[1],
                ),
                ("ces", ces_factor, policy.weights[2]),
                (
                    "recent",
                    normalised_scores.last().copied(),
                    policy.weights[3],
                ),
                (
                    "follow_up",
                    Some(if open > 0 { 0.0 } else { 100.0 }),
                    policy.weights[4],
                ),
            ]
        };
        let total_weight: f64 = present
            .iter()
            .filter(|(_, value, _)| value.is_some())
            .map(|(_, _, weight)| weight)
            .sum();
        let factors: Vec<(&'static str, f64, f64, f64)> = if total_weight > 0.0 {
            present
                .iter()
                .filter_map(|(name, value, weight)| {
                    value.map(|value| {
                        (
                            *name,
                            value,
                            weight / total_weight,
                            value * weight / total_weight,
                        )
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let health =
            (!factors.is_empty()).then(|| factors.iter().map(|factor| factor.3).sum::<f64>());
        let band = match health {
            None => pb::HealthBand::Unknown,
            Some(health) if health >= policy.healthy => pb::HealthBand::Healthy,
            Some(health) if health >= policy.at_risk => pb::HealthBand::AtRisk,
            Some(_) => pb::HealthBand::Critical,
        };
        let mut signals = Vec::new();
        if nps_category == pb::NpsCategory::Detractor {
            signals.push(pb::DefectorSignal::NpsDetractor);
        }
        if normalised_scores
            .last()
            .is_some_and(|latest| *latest < 50.0)
        {
            signals.push(pb::DefectorSignal::LowRecentScore);
        }
        if let [.., first, second, third] = normalised_scores[..]
            && first > second
            && second > third
        {
            signals.push(pb::DefectorSignal::Falling);
        }
        expected.insert(
            customer.to_string(),
            Expected {
                customer_id: customer.to_string(),
                rating_count: all.len() as i64,
                first_rating_time: all.iter().map(|rating| rating.occur_time).min().unwrap(),
                last_rating_time: all.iter().map(|rating| rating.occur_time).max().unwrap(),
                window_rating_count: window.len() as i64,
                csat,
                csat_rating_count: csat_ratings.len() as i64,
                nps_category,
                ces_mean,
                health,
                band,
                factors,
                signals,
                touchpoints: all
                    .iter()
                    .map(|rating| surveys[rating.survey].touchpoint)
                    .collect(),
            },
        );
    }
    expected
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

fn close_option(actual: Option<f64>, expected: Option<f64>) -> bool {
    match (actual, expected) {
        (Some(actual), Some(expected)) => close(actual, expected),
        (None, None) => true,
        _ => false,
    }
}

fn micros(timestamp: &Option<prost_types::Timestamp>) -> i64 {
    let timestamp = timestamp.as_ref().unwrap();
    timestamp.seconds * SECOND + i64::from(timestamp.nanos) / 1_000
}

fn timestamp(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(SECOND),
        nanos: (micros.rem_euclid(SECOND) * 1_000) as i32,
    }
}

/// Whether a health sits so close to a band edge that float rounding may fall either side.
fn on_an_edge(health: Option<f64>, policy: &TestPolicy) -> bool {
    health.is_some_and(|health| {
        (health - policy.healthy).abs() < 1e-9 || (health - policy.at_risk).abs() < 1e-9
    })
}

pub(crate) fn check_customer(actual: &pb::Customer, expected: &Expected, policy: &TestPolicy) {
    let context = format!("{actual:?}\nexpected {expected:?}");
    assert_eq!(actual.customer_id, expected.customer_id, "{context}");
    assert_eq!(actual.rating_count, expected.rating_count, "{context}");
    assert_eq!(
        micros(&actual.first_rating_time),
        expected.first_rating_time,
        "{context}"
    );
    assert_eq!(
        micros(&actual.last_rating_time),
        expected.last_rating_time,
        "{context}"
    );
    assert_eq!(
        actual.window_rating_count, expected.window_rating_count,
        "{context}"
    );
    assert!(close_option(actual.csat, expected.csat), "csat: {context}");
    assert_eq!(
        actual.csat_rating_count, expected.csat_rating_count,
        "{context}"
    );
    assert_eq!(actual.nps_category(), expected.nps_category, "{context}");
    assert!(
        close_option(actual.ces_mean, expected.ces_mean),
        "ces_mean: {context}"
    );
    assert!(
        close_option(actual.health, expected.health),
        "health: {context}"
    );
    if !on_an_edge(expected.health, policy) {
        assert_eq!(actual.health_band(), expected.band, "{context}");
    }
    assert_eq!(
        actual.health_factors.len(),
        expected.factors.len(),
        "{context}"
    );
    for (factor, (name, value, weight, contribution)) in
        actual.health_factors.iter().zip(&expected.factors)
    {
        assert_eq!(factor.name, *name, "{context}");
        assert!(close(factor.value, *value), "{name} value: {context}");
        assert!(close(factor.weight, *weight), "{name} weight: {context}");
        assert!(
            close(factor.contribution, *contribution),
            "{name} contribution: {context}"
        );
    }
    assert_eq!(
        actual.defector_signals().collect::<Vec<_>>(),
        expected.signals,
        "{context}"
    );
}

pub(crate) async fn get_customer(
    client: &mut CustomerServiceClient<Channel>,
    customer_id: &str,
) -> pb::Customer {
    client
        .get_customer(pb::GetCustomerRequest {
            customer_id: customer_id.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .customer
        .unwrap()
}

/// Every page of a ListCustomers, `page_size` at a time.
async fn list_all(
    server: &mut TestServer,
    filter: pb::CustomerFilter,
    order_by: &str,
    page_size: i32,
) -> Vec<pb::Customer> {
    let mut customers = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = server
            .customers
            .list_customers(pb::ListCustomersRequest {
                filter: Some(filter.clone()),
                order_by: order_by.into(),
                page_size,
                page_token,
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.customers.len() <= page_size as usize);
        customers.extend(page.customers);
        if page.next_page_token.is_empty() {
            return customers;
        }
        page_token = page.next_page_token;
    }
}

/// A random ListCustomers filter.
#[derive(Debug, Clone)]
struct TestFilter {
    band: pb::HealthBand,
    min_health: Option<f64>,
    max_health: Option<f64>,
    last_rating_days: Option<i64>,
    touchpoints: Vec<&'static str>,
}

fn filter_strategy() -> impl Strategy<Value = TestFilter> {
    (
        prop::sample::select(vec![
            pb::HealthBand::Unspecified,
            pb::HealthBand::Unspecified,
            pb::HealthBand::Healthy,
            pb::HealthBand::AtRisk,
            pb::HealthBand::Critical,
            pb::HealthBand::Unknown,
        ]),
        prop::option::of(prop::sample::select(vec![20.5, 45.5, 70.5])),
        prop::option::of(prop::sample::select(vec![30.5, 60.5, 95.5])),
        prop::option::of(0..400i64),
        prop::sample::subsequence(vec!["support_chat", "checkout", "billing"], 0..=2),
    )
        .prop_map(
            |(band, min_health, max_health, last_rating_days, touchpoints)| TestFilter {
                band,
                min_health,
                max_health: max_health.filter(|max| min_health.is_none_or(|min| min <= *max)),
                last_rating_days,
                touchpoints,
            },
        )
}

/// Checks every order of ListCustomers under `filter` against the brute force: the same
/// customers, each as the brute force says, in the order asked.
async fn check_lists(
    server: &mut TestServer,
    expected: &BTreeMap<String, Expected>,
    policy: &TestPolicy,
    filter: &TestFilter,
    page_size: i32,
    now: i64,
) {
    let last_rating_after = filter
        .last_rating_days
        .map(|days| now - days * DAY - 6 * HOUR);
    let wire = pb::CustomerFilter {
        health_band: filter.band.into(),
        min_health: filter.min_health,
        max_health: filter.max_health,
        last_rating_after: last_rating_after.map(timestamp),
        touchpoints: filter.touchpoints.iter().map(|t| t.to_string()).collect(),
    };
    let selected: Vec<&Expected> = expected
        .values()
        .filter(|customer| {
            (filter.band == pb::HealthBand::Unspecified || customer.band == filter.band)
                && filter
                    .min_health
                    .is_none_or(|min| customer.health.is_some_and(|health| health >= min))
                && filter
                    .max_health
                    .is_none_or(|max| customer.health.is_some_and(|health| health <= max))
                && last_rating_after.is_none_or(|after| customer.last_rating_time >= after)
                && (filter.touchpoints.is_empty()
                    || filter
                        .touchpoints
                        .iter()
                        .any(|touchpoint| customer.touchpoints.contains(touchpoint)))
        })
        .collect();
    // A health on a band edge may fall either side: such data sets are skipped (never seen).
    if expected
        .values()
        .any(|customer| on_an_edge(customer.health, policy))
    {
        return;
    }
    for order_by in ["health", "health desc", "last_rating_time desc"] {
        let listed = list_all(server, wire.clone(), order_by, page_size).await;
        let context = format!("{order_by} {filter:?}");
        let listed_ids: BTreeSet<&str> = listed.iter().map(|c| c.customer_id.as_str()).collect();
        let expected_ids: BTreeSet<&str> =
            selected.iter().map(|c| c.customer_id.as_str()).collect();
        assert_eq!(listed_ids, expected_ids, "{context}");
        assert_eq!(
            listed.len(),
            expected_ids.len(),
            "listed once each: {context}"
        );
        for customer in &listed {
            check_customer(customer, &expected[&customer.customer_id], policy);
        }
        // The order, by the values the service returned (floats it computed itself).
        for pair in listed.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            let in_order = match order_by {
                "last_rating_time desc" => {
                    let key =
                        |c: &pb::Customer| (micros(&c.last_rating_time), c.customer_id.clone());
                    key(before) > key(after)
                }
                _ => match (before.health, after.health) {
                    (Some(first), Some(second)) if order_by == "health" => {
                        (first, &before.customer_id) < (second, &after.customer_id)
                    }
                    (Some(first), Some(second)) => {
                        (first, &before.customer_id) > (second, &after.customer_id)
                    }
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => before.customer_id < after.customer_id,
                },
            };
            assert!(in_order, "{context}: {before:?} then {after:?}");
        }
    }
}

pub(crate) async fn import(server: &mut TestServer, ratings: Vec<pb::Rating>) {
    let count = ratings.len() as i64;
    let response = server
        .ratings
        .import_ratings(tokio_stream::iter(ratings.into_iter().map(|rating| {
            pb::ImportRatingsRequest {
                rating: Some(rating),
            }
        })))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.accepted_count, count, "{:?}", response.errors);
}

/// Stores `data` (half imported, half submitted one by one, each in its random order) and
/// returns the ratings as stored.
pub(crate) async fn store_ratings(
    server: &mut TestServer,
    data: &[TestRating],
    surveys: &[TestSurvey],
    now: i64,
) -> Vec<Stored> {
    let stored: Vec<Stored> = data
        .iter()
        .enumerate()
        .map(|(index, rating)| Stored {
            survey: rating.survey,
            score: score_of(rating, surveys),
            customer: rating.customer.to_string(),
            // Distinct instants, so that "latest" is never a tie.
            occur_time: now - rating.age + index as i64,
        })
        .collect();
    let wire = |(index, rating): (usize, &Stored)| pb::Rating {
        rating_id: format!("r{index}"),
        survey_id: surveys[rating.survey].survey_id.into(),
        score: rating.score,
        customer_id: rating.customer.clone(),
        occur_time: Some(timestamp(rating.occur_time)),
        ..Default::default()
    };
    let (imported, submitted) = stored.split_at(stored.len() / 2);
    import(server, imported.iter().enumerate().map(wire).collect()).await;
    for (index, rating) in submitted.iter().enumerate() {
        server.submit(wire((imported.len() + index, rating))).await;
    }
    stored
}

async fn random_customers_match_a_brute_force_computation(backend: Backend) {
    let cases = if backend == Backend::Sqlite { 8 } else { 5 };
    // A failure names its seed: CSAT_CUSTOMER_SEED=<seed> replays the same data.
    let seed: u64 = std::env::var("CSAT_CUSTOMER_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| csat::domain::now_micros() as u64);
    println!("random customers: CSAT_CUSTOMER_SEED={seed}");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        prop::collection::vec(rating_strategy(), 0..150),
        policy_strategy(),
        policy_strategy(),
        any::<bool>(),
        prop::collection::vec(filter_strategy(), 4),
        1..8i32,
    );
    let mut cases_run = Vec::new();
    for _ in 0..cases {
        cases_run.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let surveys = test_surveys();
    for (data, first_policy, second_policy, window_too, filters, page_size) in cases_run {
        let mut server = TestServer::spawn(backend).await;
        create_surveys(&mut server, &surveys).await;
        // The writer counts under the first policy; the second is applied to stored summaries.
        set_policy(
            &mut server,
            &first_policy,
            &[
                "window",
                "weights",
                "healthy_threshold",
                "at_risk_threshold",
            ],
        )
        .await;
        let now = csat::domain::now_micros();
        let stored = store_ratings(&mut server, &data, &surveys, now).await;
        let no_follow_ups = BTreeMap::new();
        let expected = brute_force(&stored, &surveys, &first_policy, now, &no_follow_ups);
        for customer in expected.values() {
            let actual = get_customer(&mut server.customers, &customer.customer_id).await;
            check_customer(&actual, customer, &first_policy);
        }
        check_lists(
            &mut server,
            &expected,
            &first_policy,
            &filters[0],
            page_size,
            now,
        )
        .await;
        check_lists(
            &mut server,
            &expected,
            &first_policy,
            &filters[1],
            page_size,
            now,
        )
        .await;

        // Weights and thresholds alone, or the window too.
        let mut policy = second_policy;
        let mut paths = vec![
            "weights.csat",
            "weights.nps",
            "weights.ces",
            "weights.recent",
            "weights.follow_up",
            "healthy_threshold",
            "at_risk_threshold",
        ];
        if window_too {
            paths.push("window");
        } else {
            policy.window_days = first_policy.window_days;
        }
        set_policy(&mut server, &policy, &paths).await;
        let expected = brute_force(&stored, &surveys, &policy, now, &no_follow_ups);
        check_lists(&mut server, &expected, &policy, &filters[2], page_size, now).await;
        check_lists(&mut server, &expected, &policy, &filters[3], page_size, now).await;
        for customer in expected.values() {
            let actual = get_customer(&mut server.customers, &customer.customer_id).await;
            check_customer(&actual, customer, &policy);
        }
        // A rating without a customer makes none.
        let listed = list_all(&mut server, pb::CustomerFilter::default(), "health", 1_000).await;
        assert_eq!(listed.len(), expected.len());
        server.stop().await;
    }
}

async fn a_window_edge_passing_a_rating_is_applied_when_read(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let surveys = test_surveys();
    create_surveys(&mut server, &surveys).await;
    let policy = TestPolicy {
        window_days: 0,
        ..default_policy()
    };
    // A window of 3 seconds: the rating leaves it while the test waits.
    server
        .customers
        .update_health_policy(pb::UpdateHealthPolicyRequest {
            policy: Some(pb::HealthPolicy {
                window: Some(prost_types::Duration {
                    seconds: 3,
                    nanos: 0,
                }),
                ..policy_to_wire(&policy)
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["window".into()],
            }),
        })
        .await
        .unwrap();
    let now = csat::domain::now_micros();
    for (index, (survey, score, customer)) in
        [(0, 1, "leaving"), (2, 10, "staying"), (0, 5, "staying")]
            .into_iter()
            .enumerate()
    {
        server
            .submit(pb::Rating {
                rating_id: format!("r{index}"),
                survey_id: surveys[survey].survey_id.into(),
                score,
                customer_id: customer.into(),
                occur_time: Some(timestamp(now + index as i64)),
                ..Default::default()
            })
            .await;
    }
    let leaving = get_customer(&mut server.customers, "leaving").await;
    assert_eq!(leaving.health_band(), pb::HealthBand::Critical);
    assert_eq!(
        leaving.defector_signals().collect::<Vec<_>>(),
        [pb::DefectorSignal::LowRecentScore]
    );
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    // "staying" rates again just now: its older ratings leave the window, the new one stays.
    server
        .submit(pb::Rating {
            rating_id: "r3".into(),
            survey_id: "nps".into(),
            score: 3,
            customer_id: "staying".into(),
            ..Default::default()
        })
        .await;
    let listed = list_all(&mut server, pb::CustomerFilter::default(), "health", 10).await;
    let leaving = &listed[1];
    assert_eq!(leaving.customer_id, "leaving");
    assert_eq!(leaving.health, None);
    assert_eq!(leaving.health_band(), pb::HealthBand::Unknown);
    assert_eq!(leaving.rating_count, 1);
    assert_eq!(leaving.window_rating_count, 0);
    assert!(leaving.health_factors.is_empty() && leaving.defector_signals.is_empty());
    let staying = &listed[0];
    assert_eq!(staying.customer_id, "staying");
    assert_eq!(staying.rating_count, 3);
    assert_eq!(staying.window_rating_count, 1);
    assert_eq!(staying.nps_category(), pb::NpsCategory::Detractor);
    // nps 0, recent 30, follow_up 100, over weights 0.25, 0.15, 0.10.
    assert!(close(
        staying.health.unwrap(),
        (0.15 * 30.0 + 0.10 * 100.0) / 0.5
    ));
    assert_eq!(staying.csat_rating_count, 0);
    assert_eq!(
        staying.defector_signals().collect::<Vec<_>>(),
        [
            pb::DefectorSignal::NpsDetractor,
            pb::DefectorSignal::LowRecentScore
        ]
    );
    server.stop().await;
}

fn policy_update(policy: pb::HealthPolicy, paths: &[&str]) -> pb::UpdateHealthPolicyRequest {
    pb::UpdateHealthPolicyRequest {
        policy: Some(policy),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        }),
    }
}

async fn policy_updates_are_checked_field_by_field_and_refusals_change_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let defaults = policy_to_wire(&default_policy());
    let stored = |server: &mut TestServer| {
        let mut client = server.customers.clone();
        async move {
            client
                .get_health_policy(pb::GetHealthPolicyRequest {})
                .await
                .unwrap()
                .into_inner()
                .policy
                .unwrap()
        }
    };
    assert_eq!(stored(&mut server).await, defaults);
    let zero_weights = pb::HealthPolicy {
        weights: Some(pb::HealthWeights::default()),
        ..defaults
    };
    let cases: Vec<(pb::UpdateHealthPolicyRequest, Vec<&str>)> = vec![
        (policy_update(defaults, &[]), vec!["update_mask"]),
        (policy_update(defaults, &["state"]), vec!["update_mask"]),
        (
            policy_update(zero_weights, &["weights"]),
            vec!["policy.weights"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    weights: Some(pb::HealthWeights {
                        csat: -0.5,
                        ces: f64::NAN,
                        ..Default::default()
                    }),
                    ..defaults
                },
                &["weights.csat", "weights.ces"],
            ),
            vec!["policy.weights.csat", "policy.weights.ces"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    healthy_threshold: 101.0,
                    at_risk_threshold: 0.0,
                    ..defaults
                },
                &["healthy_threshold", "at_risk_threshold"],
            ),
            vec!["policy.healthy_threshold", "policy.at_risk_threshold"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    at_risk_threshold: 70.0,
                    ..defaults
                },
                &["at_risk_threshold"],
            ),
            vec!["policy.at_risk_threshold"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    healthy_threshold: 30.0,
                    ..defaults
                },
                &["healthy_threshold"],
            ),
            vec!["policy.at_risk_threshold"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    window: Some(prost_types::Duration {
                        seconds: 0,
                        nanos: 0,
                    }),
                    ..defaults
                },
                &["window"],
            ),
            vec!["policy.window"],
        ),
        (
            policy_update(
                pb::HealthPolicy {
                    window: None,
                    ..defaults
                },
                &["window"],
            ),
            vec!["policy.window"],
        ),
    ];
    for (request, fields) in cases {
        let refusal = server
            .customers
            .update_health_policy(request.clone())
            .await
            .unwrap_err();
        assert_eq!(refusal.code(), Code::InvalidArgument, "{request:?}");
        assert_eq!(bad_fields(&refusal), fields, "{request:?}");
        assert_eq!(stored(&mut server).await, defaults, "{request:?}");
    }
    // One weight alone may be set to 0 while the others weigh.
    let changed = pb::HealthPolicy {
        weights: Some(pb::HealthWeights {
            nps: 0.0,
            ..defaults.weights.unwrap()
        }),
        healthy_threshold: 100.0,
        ..defaults
    };
    let answer = server
        .customers
        .update_health_policy(policy_update(
            changed,
            &["weights.nps", "healthy_threshold"],
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.policy, Some(changed));
    assert_eq!(stored(&mut server).await, changed);
    server.stop().await;
}

async fn ratings_stored_before_the_migration_get_summaries(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let surveys = test_surveys();
    create_surveys(&mut server, &surveys).await;
    let mut runner = TestRunner::new(ProptestConfig::default());
    let data = prop::collection::vec(rating_strategy(), 60..100)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let now = csat::domain::now_micros();
    let stored = store_ratings(&mut server, &data, &surveys, now).await;
    let database = server.stop_keeping_database().await;
    // Back to the schema before the customers' migration, ratings kept.
    let connection = Database::connect(&database.url).await.unwrap();
    for statement in [
        "DROP TABLE customers",
        "DROP TABLE health_policy",
        "DROP INDEX ratings_customer",
        "DELETE FROM seaql_migrations WHERE version = 'm20261205_000005_add_customers'",
    ] {
        connection.execute_unprepared(statement).await.unwrap();
    }
    let _ = connection.close().await;
    let mut server = TestServer::spawn_on(database).await;
    let expected = brute_force(&stored, &surveys, &default_policy(), now, &BTreeMap::new());
    assert!(!expected.is_empty());
    for customer in expected.values() {
        let actual = get_customer(&mut server.customers, &customer.customer_id).await;
        check_customer(&actual, customer, &default_policy());
    }
    let filter = TestFilter {
        band: pb::HealthBand::Unspecified,
        min_health: None,
        max_health: None,
        last_rating_days: None,
        touchpoints: vec!["checkout"],
    };
    check_lists(&mut server, &expected, &default_policy(), &filter, 3, now).await;
    server.stop().await;
}

async fn open_follow_ups_lower_health_and_signal_when_overdue(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let surveys = test_surveys();
    create_surveys(&mut server, &surveys).await;
    server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "loop".into(),
            survey: Some(pb::Survey {
                touchpoint: "support_chat".into(),
                metric: pb::Metric::Csat.into(),
                follow_up: Some(pb::FollowUpRule {
                    max_score: 2,
                    due_within: Some(prost_types::Duration {
                        seconds: 1,
                        nanos: 0,
                    }),
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let now = csat::domain::now_micros();
    server
        .submit(pb::Rating {
            rating_id: "r1".into(),
            survey_id: "csat5".into(),
            score: 5,
            customer_id: "c1".into(),
            occur_time: Some(timestamp(now - DAY)),
            ..Default::default()
        })
        .await;
    let before = get_customer(&mut server.customers, "c1").await;
    assert_eq!(before.health, Some(100.0));
    assert_eq!(before.open_follow_up_count, 0);

    // A low rating opens a follow-up in the writer's commit, and the customer's summary counts
    // it there; its retry opens nothing and counts nothing more.
    let low = pb::Rating {
        rating_id: "r2".into(),
        survey_id: "loop".into(),
        score: 1,
        customer_id: "c1".into(),
        occur_time: Some(timestamp(now - 2 * DAY)),
        ..Default::default()
    };
    server.submit(low.clone()).await;
    server.submit(low).await;
    // csat 50, recent 100 (the latest by occur_time), follow_up 0.
    let open_health = (0.35 * 50.0 + 0.15 * 100.0) / 0.6;
    let opened = get_customer(&mut server.customers, "c1").await;
    assert_eq!(opened.open_follow_up_count, 1);
    assert_eq!(opened.csat, Some(50.0));
    assert!(close(opened.health.unwrap(), open_health), "{opened:?}");
    let listed = list_all(&mut server, pb::CustomerFilter::default(), "health desc", 5).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].open_follow_up_count, 1);

    // Past its due time (1 s after the rating was stored), it is a defector signal.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let overdue = get_customer(&mut server.customers, "c1").await;
    assert_eq!(
        overdue.defector_signals().collect::<Vec<_>>(),
        [pb::DefectorSignal::UnresolvedFollowUp]
    );

    // Resolving it through FollowUpService lifts the customer's health at once; reopening it
    // lowers it again.
    let follow_up = server
        .follow_ups
        .list_follow_ups(pb::ListFollowUpsRequest {
            filter: Some(pb::FollowUpFilter {
                customer_id: "c1".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(
        follow_up.len(),
        1,
        "one follow-up for the rating and its retry"
    );
    let change = |state: pb::FollowUpState, paths: &[&str]| pb::UpdateFollowUpRequest {
        follow_up: Some(pb::FollowUp {
            follow_up_id: follow_up[0].follow_up_id.clone(),
            state: state.into(),
            resolution_code: "called_back".into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        }),
        etag: String::new(),
    };
    server
        .follow_ups
        .update_follow_up(change(
            pb::FollowUpState::Resolved,
            &["state", "resolution_code"],
        ))
        .await
        .unwrap();
    let resolved = get_customer(&mut server.customers, "c1").await;
    assert_eq!(resolved.open_follow_up_count, 0);
    assert!(resolved.defector_signals.is_empty());
    assert!(close(
        resolved.health.unwrap(),
        (0.35 * 50.0 + 0.15 * 100.0 + 0.10 * 100.0) / 0.6
    ));
    server
        .follow_ups
        .update_follow_up(change(pb::FollowUpState::Open, &["state"]))
        .await
        .unwrap();
    let reopened = get_customer(&mut server.customers, "c1").await;
    assert_eq!(reopened.open_follow_up_count, 1);
    assert!(close(reopened.health.unwrap(), open_health));
    server.stop().await;
}

/// ListCustomers filtered by a band, while another caller moves the band's thresholds back and
/// forth: every page is the band under one policy or under the other, never the thresholds of
/// one applied to rows written under the other.
async fn a_band_is_listed_under_one_policy_while_the_policy_changes(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let surveys = test_surveys();
    create_surveys(&mut server, &surveys).await;
    let csat_only = TestPolicy {
        weights: [1.0, 0.0, 0.0, 0.0, 0.0],
        ..default_policy()
    };
    let paths = ["weights", "healthy_threshold", "at_risk_threshold"];
    set_policy(&mut server, &csat_only, &paths).await;
    // Customer k is satisfied in k of its 10 ratings: healths 0, 10, ..., 100.
    for satisfied in 0..=10 {
        for index in 0..10 {
            server
                .submit(pb::Rating {
                    rating_id: format!("c{satisfied}-{index}"),
                    survey_id: "csat5".into(),
                    score: if index < satisfied { 5 } else { 1 },
                    customer_id: format!("c{satisfied}"),
                    ..Default::default()
                })
                .await;
        }
    }
    let healths: Vec<(String, f64)> =
        list_all(&mut server, pb::CustomerFilter::default(), "health", 100)
            .await
            .into_iter()
            .map(|customer| (customer.customer_id, customer.health.unwrap()))
            .collect();
    let policies = [
        TestPolicy {
            at_risk: 25.0,
            healthy: 55.0,
            ..csat_only
        },
        TestPolicy {
            at_risk: 45.0,
            healthy: 85.0,
            ..csat_only
        },
    ];
    let at_risk_under = |policy: &TestPolicy| -> BTreeSet<String> {
        healths
            .iter()
            .filter(|(_, health)| *health >= policy.at_risk && *health < policy.healthy)
            .map(|(customer_id, _)| customer_id.clone())
            .collect()
    };
    let expected = [at_risk_under(&policies[0]), at_risk_under(&policies[1])];
    // One policy's thresholds over the other's bands would list the customers in [45, 55).
    let mixed: BTreeSet<String> = expected[0].intersection(&expected[1]).cloned().collect();
    assert!(!mixed.is_empty() && mixed != expected[0] && mixed != expected[1]);
    set_policy(&mut server, &policies[0], &paths).await;

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut toggling = server.customers.clone();
    let toggler = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut updates = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                updates += 1;
                toggling
                    .update_health_policy(policy_update(
                        policy_to_wire(&policies[updates % 2]),
                        &paths,
                    ))
                    .await
                    .unwrap();
            }
            updates
        }
    });
    let mut seen = [0usize; 2];
    // At least 300 pages, and on until pages under both policies were seen (a loaded machine may
    // give the toggling caller its first turn late).
    let mut pages = 0;
    while pages < 300 || (seen.contains(&0) && pages < 10_000) {
        pages += 1;
        let listed: BTreeSet<String> = server
            .customers
            .list_customers(pb::ListCustomersRequest {
                filter: Some(pb::CustomerFilter {
                    health_band: pb::HealthBand::AtRisk.into(),
                    ..Default::default()
                }),
                page_size: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .customers
            .into_iter()
            .map(|customer| customer.customer_id)
            .collect();
        let under = expected.iter().position(|set| *set == listed);
        let Some(under) = under else {
            panic!("listed {listed:?}, the band under neither policy: {expected:?}");
        };
        seen[under] += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let updates = toggler.await.unwrap();
    assert!(updates >= 2, "the policy changed {updates} times");
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "pages under each policy: {seen:?}"
    );
    server.stop().await;
}

async fn customers_are_read_by_id_with_bad_ids_and_orders_refused(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let surveys = test_surveys();
    create_surveys(&mut server, &surveys).await;
    server
        .submit(pb::Rating {
            rating_id: "r1".into(),
            survey_id: "nps".into(),
            score: 9,
            customer_id: "c:1".into(),
            ..Default::default()
        })
        .await;
    server
        .submit(pb::Rating {
            rating_id: "r2".into(),
            survey_id: "nps".into(),
            score: 9,
            ..Default::default()
        })
        .await;
    let customer = get_customer(&mut server.customers, "c:1").await;
    assert_eq!(customer.nps_category(), pb::NpsCategory::Promoter);
    // nps 100, recent 90, follow_up 100 over weights 0.25, 0.15, 0.10.
    assert!(close(customer.health.unwrap(), 97.0));
    let missing = server
        .customers
        .get_customer(pb::GetCustomerRequest {
            customer_id: "nobody".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(common::error_reason(&missing), "CUSTOMER_NOT_FOUND");
    for bad_id in ["", "with space"] {
        let refusal = server
            .customers
            .get_customer(pb::GetCustomerRequest {
                customer_id: bad_id.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(bad_fields(&refusal), ["customer_id"]);
    }
    let refusal = server
        .customers
        .list_customers(pb::ListCustomersRequest {
            filter: Some(pb::CustomerFilter {
                health_band: 99,
                min_health: Some(80.0),
                max_health: Some(120.0),
                touchpoints: vec!["Bad Touchpoint".into()],
                ..Default::default()
            }),
            order_by: "rating_count".into(),
            page_size: -1,
            page_token: "zz".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(refusal.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refusal),
        [
            "order_by",
            "page_size",
            "page_token",
            "filter.health_band",
            "filter.max_health",
            "filter.touchpoints[0]"
        ]
    );
    // A token is bound to its order.
    let first = server
        .customers
        .list_customers(pb::ListCustomersRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.customers.len(), 1);
    assert!(first.next_page_token.is_empty());
    server
        .submit(pb::Rating {
            rating_id: "r3".into(),
            survey_id: "nps".into(),
            score: 2,
            customer_id: "c2".into(),
            ..Default::default()
        })
        .await;
    let first = server
        .customers
        .list_customers(pb::ListCustomersRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.customers[0].customer_id, "c2");
    let reused = server
        .customers
        .list_customers(pb::ListCustomersRequest {
            page_size: 1,
            order_by: "health desc".into(),
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&reused), ["page_token"]);
    server.stop().await;
}

/// Three servers on one PostgreSQL database, as replicas: ratings of the same customers arrive
/// on all three while readers on each count stale summaries again (a window of 2 seconds keeps
/// making them stale), and no rating is lost or counted twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_keep_every_customers_summary_exact() {
    let database = common::TestDatabase::create(Backend::Postgres).await;
    let mut first = TestServer::spawn_on(database.shared()).await;
    let surveys = test_surveys();
    create_surveys(&mut first, &surveys).await;
    first
        .customers
        .update_health_policy(policy_update(
            pb::HealthPolicy {
                window: Some(prost_types::Duration {
                    seconds: 2,
                    nanos: 0,
                }),
                ..Default::default()
            },
            &["window"],
        ))
        .await
        .unwrap();
    let mut replicas = vec![first];
    for _ in 0..2 {
        replicas.push(TestServer::spawn_on(database.shared()).await);
    }
    let customers = ["c1", "c2", "c3", "c4", "c5"];
    let per_replica = 150;
    let mut tasks = Vec::new();
    for (replica, server) in replicas.iter().enumerate() {
        let mut ratings = server.ratings.clone();
        let mut readers = server.customers.clone();
        tasks.push(tokio::spawn(async move {
            for index in 0..per_replica {
                let rating = pb::Rating {
                    rating_id: format!("r{replica}-{index}"),
                    survey_id: "csat5".into(),
                    score: 1 + (index % 5) as i32,
                    customer_id: customers[index % customers.len()].into(),
                    ..Default::default()
                };
                ratings
                    .submit_rating(pb::SubmitRatingRequest {
                        rating: Some(rating),
                    })
                    .await
                    .unwrap();
                if index % 10 == 0 {
                    readers
                        .list_customers(pb::ListCustomersRequest::default())
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let listed = list_all(&mut replicas[1], pb::CustomerFilter::default(), "health", 2).await;
    assert_eq!(listed.len(), customers.len());
    for customer in &listed {
        assert_eq!(
            customer.rating_count,
            (3 * per_replica / customers.len()) as i64
        );
        assert_eq!(customer.window_rating_count, 0, "{customer:?}");
        assert_eq!(customer.health_band(), pb::HealthBand::Unknown);
    }
    // A last rating each, on another replica: exactly it is in the window.
    for (index, customer_id) in customers.iter().enumerate() {
        replicas[2]
            .submit(pb::Rating {
                rating_id: format!("last-{index}"),
                survey_id: "csat5".into(),
                score: 2,
                customer_id: customer_id.to_string(),
                ..Default::default()
            })
            .await;
    }
    for customer_id in customers {
        let customer = get_customer(&mut replicas[0].customers, customer_id).await;
        assert_eq!(
            customer.rating_count,
            (3 * per_replica / customers.len()) as i64 + 1
        );
        assert_eq!(customer.window_rating_count, 1);
        assert_eq!(customer.csat, Some(0.0));
        assert_eq!(
            customer.defector_signals().collect::<Vec<_>>(),
            [pb::DefectorSignal::LowRecentScore]
        );
    }
    for server in replicas {
        server.stop_keeping_database().await;
    }
    database.drop_database().await;
}
