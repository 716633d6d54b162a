//! A rating as text, both ways: the columns `csat export` writes and `csat import` reads back
//! without a mapping, and the parsing of a channel and a time written by people or help desks.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::output::{enum_text, timestamp_text};
use crate::pb;

/// The columns of a rating in CSV and tables; `attributes` holds a JSON object.
pub const RATING_COLUMNS: [&str; 10] = [
    "sequence",
    "rating_id",
    "survey_id",
    "score",
    "comment",
    "customer_id",
    "channel",
    "occur_time",
    "create_time",
    "attributes",
];

/// Returns the cells of `rating` under [`RATING_COLUMNS`].
pub fn rating_record(rating: &pb::Rating) -> Vec<String> {
    let attributes = if rating.attributes.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&rating.attributes).unwrap_or_default()
    };
    vec![
        rating.sequence.to_string(),
        rating.rating_id.clone(),
        rating.survey_id.clone(),
        rating.score.to_string(),
        rating.comment.clone(),
        rating.customer_id.clone(),
        channel_text(rating.channel),
        timestamp_text(rating.occur_time.as_ref()),
        timestamp_text(rating.create_time.as_ref()),
        attributes,
    ]
}

/// Returns a channel as written in CSV and tables: `web_chat`; empty when unspecified.
pub fn channel_text(channel: i32) -> String {
    match pb::Channel::try_from(channel) {
        Ok(pb::Channel::Unspecified) => String::new(),
        Ok(channel) => enum_text(Some(channel.as_str_name()), "CHANNEL_"),
        Err(_) => channel.to_string(),
    }
}

/// Parses a channel in any case, with or without `CHANNEL_`: `web_chat`, `EMAIL`,
/// `CHANNEL_SMS`; empty is unspecified.
pub fn parse_channel(text: &str) -> Result<pb::Channel, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(pb::Channel::Unspecified);
    }
    let upper = text.to_ascii_uppercase().replace(['-', ' '], "_");
    let name = if upper.starts_with("CHANNEL_") {
        upper
    } else {
        format!("CHANNEL_{upper}")
    };
    pb::Channel::from_str_name(&name).ok_or_else(|| {
        format!(
            "channel {text:?} is not one of web_chat, email, sms, ivr, in_app, web, phone, other"
        )
    })
}

/// Parses a time as help desks write them: RFC 3339 (`2026-03-01T14:22:05Z`, any offset), a
/// local date and time (`2026-03-01 14:22:05`, `2026-03-01T14:22`, with or without fractions)
/// or a date (`2026-03-01`, midnight) in `zone`, or Unix seconds. Empty is none.
pub fn parse_time(text: &str, zone: Tz) -> Result<Option<prost_types::Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let instant = if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        time.to_utc()
    } else if let Ok(seconds) = text.parse::<i64>() {
        DateTime::from_timestamp(seconds, 0)
            .ok_or_else(|| format!("time {text:?} is out of range"))?
    } else {
        let local = [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            format!(
                "time {text:?} is not RFC 3339, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD` or Unix \
                     seconds"
            )
        })?;
        zone.from_local_datetime(&local)
            .earliest()
            .ok_or_else(|| format!("time {text:?} does not exist in {zone}"))?
            .to_utc()
    };
    Ok(Some(prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: instant.timestamp_subsec_nanos() as i32,
    }))
}

/// Parses `key=value` pairs of attributes.
pub fn parse_attribute(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(key, value)| (key.trim().to_string(), value.to_string()))
        .ok_or_else(|| format!("attribute {text:?} is not KEY=VALUE"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_follow_the_zone_and_rfc_3339_its_offset() {
        let new_york: Tz = "America/New_York".parse().unwrap_or(Tz::UTC);
        let local = parse_time("2026-03-01 09:00:00", new_york);
        let offset = parse_time("2026-03-01T09:00:00-05:00", Tz::UTC);
        assert_eq!(local, offset);
        assert_eq!(
            parse_time("2026-03-01", Tz::UTC).map(|time| time.map(|time| time.seconds)),
            Ok(Some(1_772_323_200))
        );
        assert!(parse_time("yesterday", Tz::UTC).is_err());
    }

    #[test]
    fn channels_parse_in_any_case_with_or_without_prefix() {
        assert_eq!(parse_channel("Web chat"), Ok(pb::Channel::WebChat));
        assert_eq!(parse_channel("CHANNEL_EMAIL"), Ok(pb::Channel::Email));
        assert_eq!(parse_channel(""), Ok(pb::Channel::Unspecified));
        assert!(parse_channel("pigeon").is_err());
    }
}
