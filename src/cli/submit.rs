//! `csat submit`: one rating from flags.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use clap::Args;

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::output::{OutputFormat, Rows, print_line, proto_json};
use super::rating_text::{
    RATING_COLUMNS, parse_attribute, parse_channel, parse_time, rating_record,
};
use crate::pb;

/// `csat submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    client: ClientOptions,
    /// The survey answered.
    #[arg(long = "survey", value_name = "SURVEY_ID")]
    survey_id: String,
    /// The score, within the survey's scale.
    #[arg(long, allow_negative_numbers = true)]
    score: i32,
    /// The idempotency key: submitting the same rating again counts it once. Generated when
    /// omitted (and then a retry counts twice).
    #[arg(long)]
    rating_id: Option<String>,
    /// Free text from the customer.
    #[arg(long, default_value = "")]
    comment: String,
    /// Who answered.
    #[arg(long, default_value = "")]
    customer_id: String,
    /// How the answer came in: web_chat, email, sms, ivr, in_app, web, phone or other.
    #[arg(long, value_parser = parse_channel, default_value = "")]
    channel: pb::Channel,
    /// An attribute, KEY=VALUE; repeat for several.
    #[arg(long = "attribute", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    attributes: Vec<(String, String)>,
    /// When the customer answered (RFC 3339, or `YYYY-MM-DD HH:MM:SS` in --time-zone); now when
    /// omitted.
    #[arg(long)]
    occur_time: Option<String>,
    /// The IANA time zone of a --occur-time without an offset.
    #[arg(long, default_value = "UTC")]
    time_zone: Tz,
}

/// Runs `csat submit`.
pub async fn run(args: SubmitArgs) -> CliResult<()> {
    let occur_time = match &args.occur_time {
        Some(text) => parse_time(text, args.time_zone).map_err(CliError::Usage)?,
        None => None,
    };
    let rating = pb::Rating {
        rating_id: args.rating_id.unwrap_or_default(),
        survey_id: args.survey_id,
        score: args.score,
        comment: args.comment,
        customer_id: args.customer_id,
        channel: args.channel.into(),
        attributes: args.attributes.into_iter().collect::<BTreeMap<_, _>>(),
        occur_time,
        ..Default::default()
    };
    let connection = Connection::open(&args.client).await?;
    let request = pb::SubmitRatingRequest {
        rating: Some(rating),
    };
    let response = connection
        .ratings()
        .submit_rating(connection.unary(request))
        .await
        .map_err(|status| CliError::call("RatingService/SubmitRating", status))?
        .into_inner();
    let stored = response.rating.unwrap_or_default();
    match args.client.output {
        OutputFormat::Json => print_line(
            &mut std::io::stdout().lock(),
            &proto_json(
                &response_of(stored, response.duplicate),
                "csat.v1.SubmitRatingResponse",
            )?,
        ),
        format => {
            let mut columns = RATING_COLUMNS.to_vec();
            columns.push("duplicate");
            let mut rows = Rows::new(&columns).numeric(&["sequence", "score"]);
            let mut record = rating_record(&stored);
            record.push(response.duplicate.to_string());
            rows.rows.push(record);
            rows.print(format)
        }
    }
}

fn response_of(rating: pb::Rating, duplicate: bool) -> pb::SubmitRatingResponse {
    pb::SubmitRatingResponse {
        rating: Some(rating),
        duplicate,
    }
}
