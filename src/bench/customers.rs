//! `csat bench customers`: seeds ratings of many customers through ImportRatings (CSAT, NPS and
//! CES surveys; 400 days, so that part of every customer's history is outside the 180-day
//! window) and times what a success team asks for: the at-risk list (ListCustomers by health),
//! its first page and a deep one, GetCustomer, and the overdue follow-ups (ListFollowUps): the
//! CSAT survey's low ratings open follow-ups due a second after they are stored, so that every
//! one is overdue when the seeding is done.

use std::time::{Duration, Instant};

use clap::Args;
use tonic::transport::Channel;

use super::{BenchServer, DAY, DAYS, Numbers, bench_folder, percentile, resident_megabytes};
use crate::api::conversion::timestamp_from_micros;
use crate::domain::now_micros;
use crate::error::{Error, Result};
use crate::pb;
use crate::pb::customer_service_client::CustomerServiceClient;
use crate::pb::follow_up_service_client::FollowUpServiceClient;
use crate::pb::rating_service_client::RatingServiceClient;

/// Ratings per ImportRatings call while seeding.
const RATINGS_PER_IMPORT: u64 = 1_000_000;

/// Settings of `csat bench customers`.
#[derive(Debug, Clone, Args)]
pub struct CustomersBenchConfig {
    /// Ratings to seed.
    #[arg(long, default_value_t = 10_000_000)]
    pub ratings: u64,
    /// Customers they are spread over.
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    /// Timed runs of each call.
    #[arg(long, default_value_t = 50)]
    pub repeat: usize,
    /// Keep the database when done (its path is printed), to examine it.
    #[arg(long)]
    pub keep: bool,
}

/// Runs the customers benchmark and prints its report.
pub async fn run_customers(config: CustomersBenchConfig) -> Result<()> {
    let folder = bench_folder()?;
    let server = BenchServer::start(&folder, "customers", 1, |_| {}).await?;
    let low_csat_opens_follow_up = pb::FollowUpRule {
        max_score: 2,
        due_within: Some(prost_types::Duration {
            seconds: 1,
            nanos: 0,
        }),
    };
    for (survey_id, metric, follow_up) in [
        ("csat", pb::Metric::Csat, Some(low_csat_opens_follow_up)),
        ("nps", pb::Metric::Nps, None),
        ("ces", pb::Metric::Ces, None),
    ] {
        let survey = pb::Survey {
            touchpoint: "support_chat".into(),
            metric: metric.into(),
            follow_up,
            ..Default::default()
        };
        server.create_survey(survey_id, survey).await?;
    }
    println!(
        "csat bench customers: {} ratings of {} customers over {DAYS} days; SQLite in {}",
        config.ratings,
        config.customers,
        folder.display()
    );
    let started = Instant::now();
    let mut seeded = 0;
    while seeded < config.ratings {
        let to = (seeded + RATINGS_PER_IMPORT).min(config.ratings);
        seed(&server.channels[0], seeded, to, config.customers).await?;
        seeded = to;
    }
    let elapsed = started.elapsed();
    println!(
        "seeded in {:.0} s ({:.0} ratings/s through ImportRatings, summaries and follow-ups kept)",
        elapsed.as_secs_f64(),
        config.ratings as f64 / elapsed.as_secs_f64()
    );
    measure(&server.channels[0], &config).await?;
    println!(
        "resident memory: {} MB (server and load generator in one process)",
        resident_megabytes().map_or("unknown".into(), |megabytes| megabytes.to_string())
    );
    server.stop().await?;
    if !config.keep {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

/// Imports ratings `from..to` of customers picked at random, at random times of the 400 days.
async fn seed(channel: &Channel, from: u64, to: u64, customers: u64) -> Result<()> {
    let now = now_micros();
    let mut numbers = Numbers(0x9e37_79b9_7f4a_7c15 ^ from.wrapping_mul(0x1000_0001));
    let requests = tokio_stream::iter((from..to).map(move |index| {
        let (survey_id, score) = match numbers.next(3) {
            0 => ("csat", [1, 2, 3, 4, 4, 5, 5, 5][numbers.next(8) as usize]),
            1 => ("nps", numbers.next(11) as i32),
            _ => ("ces", numbers.next(7) as i32 + 1),
        };
        let occur_time = now - 60_000_000 - numbers.next((DAYS * DAY) as u64) as i64;
        pb::ImportRatingsRequest {
            rating: Some(pb::Rating {
                rating_id: format!("seed-{index}"),
                survey_id: survey_id.into(),
                score,
                customer_id: format!("customer-{}", numbers.next(customers.max(1))),
                occur_time: Some(timestamp_from_micros(occur_time)),
                ..Default::default()
            }),
        }
    }));
    let response = RatingServiceClient::new(channel.clone())
        .import_ratings(requests)
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner();
    if response.accepted_count != (to - from) as i64 {
        return Err(Error::internal(format!(
            "seeding accepted {} of {} ratings",
            response.accepted_count,
            to - from
        )));
    }
    Ok(())
}

fn print_call(name: &str, mut latencies: Vec<Duration>) {
    latencies.sort_unstable();
    println!(
        "  {name:<48} p50 {:>9.2} ms  p99 {:>9.2} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3
    );
}

async fn list_page(
    client: &mut CustomerServiceClient<Channel>,
    page_token: String,
) -> Result<pb::ListCustomersResponse> {
    Ok(client
        .list_customers(pb::ListCustomersRequest {
            order_by: "health".into(),
            page_size: 50,
            page_token,
            ..Default::default()
        })
        .await
        .map_err(|status| Error::internal(status.to_string()))?
        .into_inner())
}

/// Times the first page of the at-risk list, page 100 (or the last), and GetCustomer.
async fn measure(channel: &Channel, config: &CustomersBenchConfig) -> Result<()> {
    let mut client = CustomerServiceClient::new(channel.clone());
    // The first read counts again whatever the window's edge passed since seeding.
    let started = Instant::now();
    list_page(&mut client, String::new()).await?;
    println!(
        "  {:<48} {:>9.2} ms",
        "first ListCustomers (summaries counted again)",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut first = Vec::with_capacity(config.repeat);
    let mut token = String::new();
    for _ in 0..config.repeat.max(1) {
        let started = Instant::now();
        let page = list_page(&mut client, String::new()).await?;
        first.push(started.elapsed());
        token = page.next_page_token;
    }
    print_call("ListCustomers by health, first page of 50", first);
    // The page at depth 100, or the last one of a smaller run.
    let mut depth = 2;
    let mut deep_token = token.clone();
    while depth < 100 && !token.is_empty() {
        deep_token = token.clone();
        token = list_page(&mut client, token).await?.next_page_token;
        depth += 1;
    }
    if token.is_empty() {
        // The page fetched last had no next one: it is the deepest.
        depth -= 1;
    } else {
        deep_token = token;
    }
    let mut deep = Vec::with_capacity(config.repeat);
    for _ in 0..config.repeat.max(1) {
        let started = Instant::now();
        list_page(&mut client, deep_token.clone()).await?;
        deep.push(started.elapsed());
    }
    print_call(&format!("ListCustomers by health, page {depth}"), deep);
    let mut numbers = Numbers(0x5151_5151);
    let mut gets = Vec::with_capacity(config.repeat);
    for _ in 0..config.repeat.max(1) {
        let customer_id = format!("customer-{}", numbers.next(config.customers.max(1)));
        let started = Instant::now();
        match client
            .get_customer(pb::GetCustomerRequest { customer_id })
            .await
        {
            Ok(_) => gets.push(started.elapsed()),
            // A customer the random picks gave no rating.
            Err(status) if status.code() == tonic::Code::NotFound => {}
            Err(status) => return Err(Error::internal(status.to_string())),
        }
    }
    print_call("GetCustomer", gets);
    let mut follow_ups = FollowUpServiceClient::new(channel.clone());
    let mut overdue = Vec::with_capacity(config.repeat);
    let mut listed = 0;
    for _ in 0..config.repeat.max(1) {
        let started = Instant::now();
        let page = follow_ups
            .list_follow_ups(pb::ListFollowUpsRequest {
                filter: Some(pb::FollowUpFilter {
                    overdue: true,
                    ..Default::default()
                }),
                page_size: 50,
                page_token: String::new(),
            })
            .await
            .map_err(|status| Error::internal(status.to_string()))?
            .into_inner();
        overdue.push(started.elapsed());
        listed = page.follow_ups.len();
    }
    if config.ratings >= 1_000 && listed < 50 {
        return Err(Error::internal(format!(
            "the overdue list's first page held {listed} follow-ups: the seeding opened too few"
        )));
    }
    print_call("ListFollowUps overdue, first page of 50", overdue);
    Ok(())
}
