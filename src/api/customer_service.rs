//! csat.v1.CustomerService.

use prost::Message;
use tonic::{Request, Response, Status};

use super::audit::Principal;
use super::conversion::{
    INVALID_DURATION, duration_from_micros, enum_filter, micros_from_duration,
    micros_from_timestamp, timestamp_from_micros,
};
use super::paging::{ListCall, encode_token, page_request};
use super::{Context, only_field};
use crate::domain::customer::{
    CustomerSummary, DefectorSignal, HealthBand, HealthPolicy, NpsCategory,
};
use crate::domain::validation::{CustomerId, KEY, Refusal};
use crate::domain::{FieldReason, Micros, Violations, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::customer_service_server::CustomerService;
use crate::store::customers::{CustomerFilter, CustomerOrder, CustomerPosition, CustomerQuery};

/// Most touchpoints a filter lists.
const MAX_FILTER_TOUCHPOINTS: usize = 100;

/// Serves CustomerService.
#[derive(Debug, Clone)]
pub struct CustomerApi {
    context: Context,
}

impl CustomerApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

fn band_to_proto(band: HealthBand) -> pb::HealthBand {
    match band {
        HealthBand::Healthy => pb::HealthBand::Healthy,
        HealthBand::AtRisk => pb::HealthBand::AtRisk,
        HealthBand::Critical => pb::HealthBand::Critical,
        HealthBand::Unknown => pb::HealthBand::Unknown,
    }
}

fn band_from_proto(number: i32) -> Option<HealthBand> {
    match pb::HealthBand::try_from(number).ok()? {
        pb::HealthBand::Unspecified => None,
        pb::HealthBand::Healthy => Some(HealthBand::Healthy),
        pb::HealthBand::AtRisk => Some(HealthBand::AtRisk),
        pb::HealthBand::Critical => Some(HealthBand::Critical),
        pb::HealthBand::Unknown => Some(HealthBand::Unknown),
    }
}

fn signal_to_proto(signal: DefectorSignal) -> pb::DefectorSignal {
    match signal {
        DefectorSignal::NpsDetractor => pb::DefectorSignal::NpsDetractor,
        DefectorSignal::LowRecentScore => pb::DefectorSignal::LowRecentScore,
        DefectorSignal::Falling => pb::DefectorSignal::Falling,
        DefectorSignal::UnresolvedFollowUp => pb::DefectorSignal::UnresolvedFollowUp,
    }
}

/// Returns the wire form of a customer as of `now` under `policy`.
pub fn customer_to_proto(
    summary: &CustomerSummary,
    policy: &HealthPolicy,
    now: Micros,
) -> pb::Customer {
    let health = summary.health(policy);
    let window = &summary.window;
    pb::Customer {
        customer_id: summary.customer_id.clone(),
        rating_count: summary.rating_count,
        first_rating_time: Some(timestamp_from_micros(summary.first_rating_time)),
        last_rating_time: Some(timestamp_from_micros(summary.last_rating_time)),
        csat: window.csat(),
        csat_rating_count: window.csat_rating_count,
        nps_category: match window.nps_category() {
            None => pb::NpsCategory::Unspecified,
            Some(NpsCategory::Promoter) => pb::NpsCategory::Promoter,
            Some(NpsCategory::Passive) => pb::NpsCategory::Passive,
            Some(NpsCategory::Detractor) => pb::NpsCategory::Detractor,
        }
        .into(),
        ces_mean: window.ces_mean(),
        open_follow_up_count: summary.open_follow_up_count,
        health: health.health,
        health_band: band_to_proto(health.band).into(),
        health_factors: health
            .factors
            .iter()
            .map(|factor| pb::HealthFactor {
                name: factor.name.to_string(),
                value: factor.value,
                weight: factor.weight,
                contribution: factor.contribution,
            })
            .collect(),
        defector_signals: summary
            .defector_signals(now)
            .into_iter()
            .map(|signal| signal_to_proto(signal).into())
            .collect(),
        window_rating_count: window.rating_count,
    }
}

/// Returns the wire form of a policy.
fn policy_to_proto(policy: &HealthPolicy) -> pb::HealthPolicy {
    pb::HealthPolicy {
        window: Some(duration_from_micros(policy.window)),
        weights: Some(pb::HealthWeights {
            csat: policy.weights.csat,
            nps: policy.weights.nps,
            ces: policy.weights.ces,
            recent: policy.weights.recent,
            follow_up: policy.weights.follow_up,
        }),
        healthy_threshold: policy.healthy_threshold,
        at_risk_threshold: policy.at_risk_threshold,
    }
}

/// The update_mask paths UpdateHealthPolicy takes.
const POLICY_PATHS: [&str; 9] = [
    "window",
    "weights",
    "weights.csat",
    "weights.nps",
    "weights.ces",
    "weights.recent",
    "weights.follow_up",
    "healthy_threshold",
    "at_risk_threshold",
];

/// Returns `current` with the fields `paths` name taken from `wire`, or every bad field.
fn updated_policy(
    current: HealthPolicy,
    wire: &pb::HealthPolicy,
    paths: &[String],
) -> Result<HealthPolicy, Error> {
    let mut violations = Violations::default();
    violations.check_update_mask(paths, &POLICY_PATHS);
    let mut policy = current;
    let weights = wire.weights.unwrap_or_default();
    for path in paths {
        match path.as_str() {
            "window" => match wire.window.as_ref().map(micros_from_duration) {
                Some(Some(micros)) => policy.window = micros,
                Some(None) => {
                    violations.add("policy.window", FieldReason::BadFormat, INVALID_DURATION)
                }
                None => violations.add(
                    "policy.window",
                    FieldReason::Required,
                    "required: update_mask names it",
                ),
            },
            "weights" => {
                policy.weights.csat = weights.csat;
                policy.weights.nps = weights.nps;
                policy.weights.ces = weights.ces;
                policy.weights.recent = weights.recent;
                policy.weights.follow_up = weights.follow_up;
            }
            "weights.csat" => policy.weights.csat = weights.csat,
            "weights.nps" => policy.weights.nps = weights.nps,
            "weights.ces" => policy.weights.ces = weights.ces,
            "weights.recent" => policy.weights.recent = weights.recent,
            "weights.follow_up" => policy.weights.follow_up = weights.follow_up,
            "healthy_threshold" => policy.healthy_threshold = wire.healthy_threshold,
            "at_risk_threshold" => policy.at_risk_threshold = wire.at_risk_threshold,
            // Refused by check_update_mask above.
            _ => {}
        }
    }
    violations.finish(())?;
    Ok(policy.checked()?)
}

/// Returns the order an `order_by` names.
fn order_from(order_by: &str) -> Result<CustomerOrder, Refusal> {
    let words: Vec<&str> = order_by.split_whitespace().collect();
    match words[..] {
        [] | ["health"] | ["health", "asc"] => Ok(CustomerOrder::HealthAscending),
        ["health", "desc"] => Ok(CustomerOrder::HealthDescending),
        ["last_rating_time", "desc"] => Ok(CustomerOrder::LastRatingDescending),
        _ => Err(Refusal::new(
            FieldReason::UnknownValue,
            "must be \"health\", \"health desc\" or \"last_rating_time desc\"",
        )),
    }
}

/// Returns the text of a page position.
fn position_text(position: &CustomerPosition) -> String {
    match position {
        CustomerPosition::Health(health, customer_id) => {
            format!("h{:016x}.{customer_id}", health.to_bits())
        }
        CustomerPosition::NoHealth(customer_id) => format!("n.{customer_id}"),
        CustomerPosition::LastRating(time, customer_id) => format!("t{time}.{customer_id}"),
    }
}

/// Returns the position a text of [`position_text`] names, if it names one of `order`.
fn position_of(text: &str, order: CustomerOrder) -> Option<CustomerPosition> {
    let (key, customer_id) = text.split_once('.')?;
    CustomerId::PATTERN.check(customer_id).ok()?;
    let customer_id = customer_id.to_string();
    match (order, key.split_at_checked(1)?) {
        (CustomerOrder::LastRatingDescending, ("t", time)) => Some(CustomerPosition::LastRating(
            time.parse().ok()?,
            customer_id,
        )),
        (CustomerOrder::LastRatingDescending, _) => None,
        (_, ("h", bits)) => {
            let health = f64::from_bits(u64::from_str_radix(bits, 16).ok()?);
            health
                .is_finite()
                .then_some(CustomerPosition::Health(health, customer_id))
        }
        (_, ("n", "")) => Some(CustomerPosition::NoHealth(customer_id)),
        _ => None,
    }
}

/// Returns a health bound of the filter, checked.
fn health_bound(value: Option<f64>) -> Result<Option<f64>, Refusal> {
    match value {
        Some(value) if !(0.0..=100.0).contains(&value) => Err(Refusal::new(
            FieldReason::OutOfRange,
            "must be from 0 to 100",
        )),
        other => Ok(other),
    }
}

/// Returns the query a ListCustomers asks for, or every bad field; `filter_bytes` are the
/// encoded filter and order its page token is bound to.
fn list_query(
    request: &pb::ListCustomersRequest,
    filter_bytes: &[u8],
) -> Result<CustomerQuery, Error> {
    let mut violations = Violations::default();
    let order = violations.parse("order_by", order_from(&request.order_by));
    let page = page_request(
        ListCall::Customers,
        request.page_size,
        &request.page_token,
        filter_bytes,
        |text| position_of(&text, order.unwrap_or(CustomerOrder::HealthAscending)),
        &mut violations,
    );
    let wire = request.filter.clone().unwrap_or_default();
    let health_band = violations.parse(
        "filter.health_band",
        enum_filter(wire.health_band, "health_band", band_from_proto),
    );
    let min_health = violations.parse("filter.min_health", health_bound(wire.min_health));
    let max_health = violations.parse("filter.max_health", health_bound(wire.max_health));
    if let (Some(Some(min)), Some(Some(max))) = (min_health, max_health)
        && min > max
    {
        violations.add(
            "filter.min_health",
            FieldReason::Inconsistent,
            "must not be above max_health",
        );
    }
    let last_rating_after = match &wire.last_rating_after {
        None => None,
        Some(timestamp) => {
            let parsed = micros_from_timestamp(timestamp).ok_or_else(|| {
                Refusal::new(
                    FieldReason::BadFormat,
                    crate::domain::InvalidTimestamp::DESCRIPTION,
                )
            });
            violations.parse("filter.last_rating_after", parsed)
        }
    };
    violations.check_token_list(
        "filter.touchpoints",
        &wire.touchpoints,
        &KEY,
        MAX_FILTER_TOUCHPOINTS,
        "at most 100 touchpoints",
        "listed twice",
    );
    let (Some(order), Some(page), Some(health_band), Some(min_health), Some(max_health)) =
        (order, page, health_band, min_health, max_health)
    else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(CustomerQuery {
        filter: CustomerFilter {
            health_band,
            min_health,
            max_health,
            last_rating_after,
            touchpoints: wire.touchpoints,
        },
        order,
        after: page.after,
        limit: page.limit,
    })?)
}

#[tonic::async_trait]
impl CustomerService for CustomerApi {
    async fn get_customer(
        &self,
        request: Request<pb::GetCustomerRequest>,
    ) -> Result<Response<pb::GetCustomerResponse>, Status> {
        let customer_id = only_field(
            "customer_id",
            CustomerId::parse_required(request.into_inner().customer_id),
        )?;
        let (summary, policy) = self
            .context
            .store
            .get_customer(customer_id.as_str())
            .await?;
        Ok(Response::new(pb::GetCustomerResponse {
            customer: Some(customer_to_proto(&summary, &policy, now_micros())),
        }))
    }

    async fn list_customers(
        &self,
        request: Request<pb::ListCustomersRequest>,
    ) -> Result<Response<pb::ListCustomersResponse>, Status> {
        let request = request.into_inner();
        let filter_bytes = pb::ListCustomersRequest {
            page_size: 0,
            page_token: String::new(),
            ..request.clone()
        }
        .encode_to_vec();
        let query = list_query(&request, &filter_bytes)?;
        let (page, policy) = self.context.store.list_customers(&query).await?;
        let now = now_micros();
        let next_page_token = match page.customers.last() {
            Some((_, position)) if page.more => {
                encode_token(ListCall::Customers, &filter_bytes, &position_text(position))
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListCustomersResponse {
            customers: page
                .customers
                .iter()
                .map(|(summary, _)| customer_to_proto(summary, &policy, now))
                .collect(),
            next_page_token,
        }))
    }

    async fn get_health_policy(
        &self,
        _request: Request<pb::GetHealthPolicyRequest>,
    ) -> Result<Response<pb::GetHealthPolicyResponse>, Status> {
        let policy = self.context.store.health_policy().await?;
        Ok(Response::new(pb::GetHealthPolicyResponse {
            policy: Some(policy_to_proto(&policy)),
        }))
    }

    async fn update_health_policy(
        &self,
        request: Request<pb::UpdateHealthPolicyRequest>,
    ) -> Result<Response<pb::UpdateHealthPolicyResponse>, Status> {
        let principal = Principal::of(&request);
        let request = request.into_inner();
        let paths = request
            .update_mask
            .map(|mask| mask.paths)
            .unwrap_or_default();
        let wire = request.policy.unwrap_or_default();
        let policy = self
            .context
            .store
            .update_health_policy(|current| updated_policy(current, &wire, &paths))
            .await?;
        principal.audit("UpdateHealthPolicy", "health_policy");
        Ok(Response::new(pb::UpdateHealthPolicyResponse {
            policy: Some(policy_to_proto(&policy)),
        }))
    }

    async fn erase_customer(
        &self,
        request: Request<pb::EraseCustomerRequest>,
    ) -> Result<Response<pb::EraseCustomerResponse>, Status> {
        let principal = Principal::of(&request);
        let customer_id = only_field(
            "customer_id",
            CustomerId::parse_required(request.into_inner().customer_id),
        )?;
        let erased = self
            .context
            .store
            .erase_customer(customer_id.as_str())
            .await?;
        if let Some(version) = erased.version {
            // Reports watched here move now, not at the feed's next look at the counter.
            self.context.feed.exclusions_committed(version);
        }
        // The line names no customer: a log that kept the id would keep what was erased.
        principal.audit("EraseCustomer", "customers");
        Ok(Response::new(pb::EraseCustomerResponse {
            erased_rating_count: erased.ratings,
            erased_follow_up_count: erased.follow_ups,
            erased_invitation_count: erased.invitations,
        }))
    }
}
