//! The rating filter flags of `csat export`, `tail`, `report` and `watch`.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use clap::Args;

use super::failure::{CliError, CliResult};
use super::rating_text::{parse_attribute, parse_channel, parse_time};
use crate::pb;

/// Which ratings a command reads; conditions combine with AND, repeated values with OR.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Only ratings of this survey; repeat for several.
    #[arg(long = "survey", value_name = "SURVEY_ID")]
    pub survey_ids: Vec<String>,
    /// Only ratings of surveys at this touchpoint; repeat for several.
    #[arg(long = "touchpoint")]
    pub touchpoints: Vec<String>,
    /// Only ratings that came in through this channel; repeat for several.
    #[arg(long = "channel", value_parser = parse_channel)]
    pub channels: Vec<pb::Channel>,
    /// Only ratings of this customer.
    #[arg(long)]
    pub customer_id: Option<String>,
    /// Only scores at or above this.
    #[arg(long, allow_negative_numbers = true)]
    pub min_score: Option<i32>,
    /// Only scores at or below this: `--max-score 2` is the feed of unhappy customers.
    #[arg(long, allow_negative_numbers = true)]
    pub max_score: Option<i32>,
    /// Only ratings with an attribute of this value, KEY=VALUE; repeat for several.
    #[arg(long = "where", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    pub attributes: Vec<(String, String)>,
    /// Only ratings holding this reason code; repeat for any of several.
    #[arg(long = "reason", value_name = "CODE")]
    pub reason_codes: Vec<String>,
    /// Only ratings that occurred at or after this time (RFC 3339, or a local date and time in
    /// --time-zone).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only ratings that occurred before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// The IANA time zone of --since and --until without an offset, and of a report's buckets.
    #[arg(long, default_value = "UTC")]
    pub time_zone: Tz,
}

impl FilterArgs {
    /// Returns the filter of these flags.
    pub fn to_filter(&self) -> CliResult<pb::RatingFilter> {
        let time = |flag: &str, text: &Option<String>| match text {
            Some(text) => parse_time(text, self.time_zone)
                .map_err(|cause| CliError::Usage(format!("--{flag}: {cause}"))),
            None => Ok(None),
        };
        Ok(pb::RatingFilter {
            survey_ids: self.survey_ids.clone(),
            touchpoints: self.touchpoints.clone(),
            channels: self
                .channels
                .iter()
                .map(|&channel| channel.into())
                .collect(),
            customer_id: self.customer_id.clone().unwrap_or_default(),
            min_score: self.min_score,
            max_score: self.max_score,
            start_time: time("since", &self.since)?,
            end_time: time("until", &self.until)?,
            attributes: self.attributes.iter().cloned().collect::<BTreeMap<_, _>>(),
            reason_codes: self.reason_codes.clone(),
            // Shared with report and watch, which never count excluded ratings.
            include_excluded: false,
        })
    }
}
