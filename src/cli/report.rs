//! `csat report` (GetReport as a table of groups and buckets, with a sparkline of each series)
//! and `csat watch` (WatchReport, the table redrawn at each change).

use std::io::{IsTerminal, Write};

use chrono::DateTime;
use chrono_tz::Tz;
use clap::{Args, ValueEnum};

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::filter::FilterArgs;
use super::output::{OutputFormat, Rows, print_line, proto_json, timestamp_text};
use crate::pb;

/// The query flags of `csat report` and `csat watch`.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Group by `survey`, `touchpoint`, `channel` or an attribute (`agent` is read as
    /// `attributes.agent`); repeat for up to 4 levels.
    #[arg(long = "group-by", value_name = "KEY")]
    group_by: Vec<String>,
    /// Time buckets of each group's series.
    #[arg(long, value_enum, default_value_t = GranularityArg::None)]
    granularity: GranularityArg,
    /// Also compute the previous period of equal length (needs --since and --until).
    #[arg(long)]
    compare_previous: bool,
    /// Confidence of intervals and tests, between 0 and 1 (0.95 by default).
    #[arg(long)]
    confidence: Option<f64>,
    /// Groups with fewer ratings are marked low sample (30 by default).
    #[arg(long)]
    min_sample: Option<i32>,
}

/// `csat report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    client: ClientOptions,
    #[command(flatten)]
    query: QueryArgs,
}

/// `csat watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    client: ClientOptions,
    #[command(flatten)]
    query: QueryArgs,
    /// Seconds between two redraws at most.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    min_interval: f64,
}

/// The bucket sizes of `--granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GranularityArg {
    /// No series.
    None,
    /// Hours.
    Hour,
    /// Local days.
    Day,
    /// Local weeks, from Monday.
    Week,
    /// Local months.
    Month,
}

impl QueryArgs {
    fn to_query(&self) -> CliResult<pb::ReportQuery> {
        if self.compare_previous && (self.filter.since.is_none() || self.filter.until.is_none()) {
            return Err(CliError::Usage(
                "--compare-previous needs --since and --until: the previous period is the one of \
                 equal length before --since"
                    .into(),
            ));
        }
        let group_by = self
            .group_by
            .iter()
            .map(|key| match key.as_str() {
                "survey" | "touchpoint" | "channel" => key.clone(),
                attribute if attribute.starts_with("attributes.") => key.clone(),
                attribute => format!("attributes.{attribute}"),
            })
            .collect();
        Ok(pb::ReportQuery {
            filter: Some(self.filter.to_filter()?),
            group_by,
            granularity: match self.granularity {
                GranularityArg::None => pb::Granularity::None,
                GranularityArg::Hour => pb::Granularity::Hour,
                GranularityArg::Day => pb::Granularity::Day,
                GranularityArg::Week => pb::Granularity::Week,
                GranularityArg::Month => pb::Granularity::Month,
            }
            .into(),
            time_zone: self.filter.time_zone.name().to_string(),
            compare_previous: self.compare_previous,
            confidence: self.confidence,
            min_sample: self.min_sample,
        })
    }
}

/// Runs `csat report`.
pub async fn run_report(args: ReportArgs) -> CliResult<()> {
    let query = args.query.to_query()?;
    let connection = Connection::open(&args.client).await?;
    let report = connection
        .reports()
        .get_report(connection.unary(pb::GetReportRequest {
            query: Some(query.clone()),
        }))
        .await
        .map_err(|status| CliError::call("ReportService/GetReport", status))?
        .into_inner()
        .report
        .unwrap_or_default();
    print_report(&report, &query, &args.query, args.client.output, false)
}

/// Runs `csat watch`.
pub async fn run_watch(args: WatchArgs) -> CliResult<()> {
    let query = args.query.to_query()?;
    let min_interval = std::time::Duration::try_from_secs_f64(args.min_interval)
        .map_err(|_| CliError::Usage("--min-interval must be a number of seconds".into()))?;
    let connection = Connection::open(&args.client).await?;
    let mut stream = connection
        .reports()
        .watch_report(pb::WatchReportRequest {
            query: Some(query.clone()),
            min_interval: Some(prost_types::Duration {
                seconds: min_interval.as_secs() as i64,
                nanos: min_interval.subsec_nanos() as i32,
            }),
        })
        .await
        .map_err(|status| CliError::call("ReportService/WatchReport", status))?
        .into_inner();
    let redraw = args.client.output == OutputFormat::Table && std::io::stdout().is_terminal();
    loop {
        match stream.message().await {
            Ok(Some(response)) => {
                let report = response.report.unwrap_or_default();
                print_report(&report, &query, &args.query, args.client.output, redraw)?;
            }
            Ok(None) => return Ok(()),
            Err(status) => return Err(CliError::call("ReportService/WatchReport", status)),
        }
    }
}

fn print_report(
    report: &pb::Report,
    query: &pb::ReportQuery,
    args: &QueryArgs,
    format: OutputFormat,
    redraw: bool,
) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Json => print_line(&mut out, &proto_json(report, "csat.v1.Report")?)?,
        OutputFormat::Csv => {
            report_rows(report, query, args.filter.time_zone, format).write_csv(&mut out)?
        }
        OutputFormat::Table => {
            let rows = report_rows(report, query, args.filter.time_zone, format);
            let mut text = String::new();
            if redraw {
                // Home and clear: the next report replaces the previous one on the screen.
                text.push_str("\x1b[H\x1b[2J");
            }
            text.push_str(&rows.to_table());
            text.push_str(&format!(
                "\n{} ratings, as of sequence {}, generated {}{}",
                report
                    .overall
                    .as_ref()
                    .map_or(0, |overall| overall.rating_count),
                report.as_of_sequence,
                timestamp_text(report.generate_time.as_ref()),
                if any_low_sample(report) {
                    format!(
                        "; * fewer than {} ratings",
                        query.min_sample.unwrap_or(DEFAULT_MIN_SAMPLE)
                    )
                } else {
                    String::new()
                }
            ));
            print_line(&mut out, &text)?;
        }
    }
    out.flush().map_err(CliError::stdout)
}

/// The server's min_sample when the query sets none.
const DEFAULT_MIN_SAMPLE: i32 = 30;

fn any_low_sample(report: &pb::Report) -> bool {
    let low =
        |metrics: &Option<pb::Metrics>| metrics.as_ref().is_some_and(|metrics| metrics.low_sample);
    low(&report.overall) || report.groups.iter().any(|group| low(&group.metrics))
}

/// Which metric columns a report needs: those some row has.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    csat: bool,
    mean: bool,
    nps: bool,
    ces: bool,
    compare: bool,
}

impl Columns {
    fn of(report: &pb::Report, compare: bool) -> Columns {
        let mut columns = Columns {
            compare,
            ..Columns::default()
        };
        let mut see = |metrics: &pb::Metrics| {
            columns.csat |= metrics.csat.is_some();
            columns.mean |= metrics.mean_score.is_some();
            columns.nps |= metrics.nps.is_some();
            columns.ces |= metrics.ces.is_some();
        };
        for metrics in report.overall.iter().chain(
            report
                .groups
                .iter()
                .filter_map(|group| group.metrics.as_ref()),
        ) {
            see(metrics);
        }
        columns
    }
}

/// Returns the rows of a report: the overall metrics, then each group's total followed by its
/// buckets. A table shows percentages to a decimal, intervals in brackets, a `*` after the count
/// of a low sample and a sparkline of each series, and leaves out empty buckets; CSV gives every
/// bucket and the numbers as the server sent them.
fn report_rows(
    report: &pb::Report,
    query: &pb::ReportQuery,
    zone: Tz,
    format: OutputFormat,
) -> Rows {
    let table = format == OutputFormat::Table;
    let columns = Columns::of(report, query.compare_previous);
    let series = query.granularity != pb::Granularity::None as i32
        && query.granularity != pb::Granularity::Unspecified as i32;
    let mut headers: Vec<String> = query
        .group_by
        .iter()
        .map(|key| key.strip_prefix("attributes.").unwrap_or(key).to_string())
        .collect();
    let group_columns = headers.len();
    let fixed: Vec<&str> = if table {
        let mut fixed = vec!["period", "n"];
        if columns.csat {
            fixed.extend(["csat %", "interval"]);
        }
        if columns.mean {
            fixed.push("mean");
        }
        if columns.nps {
            fixed.extend(["nps", "± se"]);
        }
        if columns.ces {
            fixed.extend(["ces", "easy %"]);
        }
        if columns.compare {
            fixed.extend(["previous n", "delta", "significant"]);
        }
        if series {
            fixed.push("trend");
        }
        fixed
    } else {
        let mut fixed = vec!["period_start", "period_end", "rating_count", "low_sample"];
        if columns.csat {
            fixed.extend(["satisfied_count", "csat", "csat_low", "csat_high"]);
        }
        if columns.mean {
            fixed.push("mean_score");
        }
        if columns.nps {
            fixed.extend(["nps", "nps_standard_error"]);
        }
        if columns.ces {
            fixed.extend(["ces", "easy_share"]);
        }
        if columns.compare {
            fixed.extend(["previous_rating_count", "delta", "significant_change"]);
        }
        fixed
    };
    headers.extend(fixed.iter().map(|header| header.to_string()));
    let numeric: Vec<bool> = headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            index >= group_columns && !matches!(header.as_str(), "period" | "interval" | "trend")
        })
        .collect();
    let mut rows = Rows {
        headers,
        rows: Vec::new(),
        numeric,
    };
    let granularity = pb::Granularity::try_from(query.granularity).unwrap_or(pb::Granularity::None);
    let mut add = |key: Vec<String>, period: Period, metrics: &pb::Metrics, trend: String| {
        let mut row = key;
        row.extend(metric_cells(
            metrics,
            &period,
            columns,
            table,
            granularity,
            zone,
        ));
        if table && series {
            row.push(trend);
        }
        rows.rows.push(row);
    };
    let overall_key = |label: &str| {
        let mut key = vec![String::new(); group_columns];
        if let Some(first) = key.first_mut() {
            *first = label.to_string();
        }
        key
    };
    if let Some(overall) = &report.overall {
        add(
            overall_key(if group_columns > 0 { "(all)" } else { "" }),
            Period::Total,
            overall,
            sparkline(&report.series),
        );
        if group_columns == 0 {
            for bucket in &report.series {
                if let Some(metrics) = bucket
                    .metrics
                    .as_ref()
                    .filter(|metrics| !table || metrics.rating_count > 0)
                {
                    add(Vec::new(), Period::Bucket(bucket), metrics, String::new());
                }
            }
        }
    }
    for group in &report.groups {
        let key: Vec<String> = query
            .group_by
            .iter()
            .map(|name| group.key.get(name).cloned().unwrap_or_default())
            .collect();
        let Some(metrics) = &group.metrics else {
            continue;
        };
        add(
            key.clone(),
            Period::Total,
            metrics,
            sparkline(&group.series),
        );
        for bucket in &group.series {
            if let Some(metrics) = bucket
                .metrics
                .as_ref()
                .filter(|metrics| !table || metrics.rating_count > 0)
            {
                add(key.clone(), Period::Bucket(bucket), metrics, String::new());
            }
        }
    }
    rows
}

enum Period<'a> {
    Total,
    Bucket(&'a pb::Bucket),
}

fn metric_cells(
    metrics: &pb::Metrics,
    period: &Period,
    columns: Columns,
    table: bool,
    granularity: pb::Granularity,
    zone: Tz,
) -> Vec<String> {
    let number = |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
    let fixed = |value: Option<f64>, decimals: usize| {
        value
            .map(|value| format!("{value:.decimals$}"))
            .unwrap_or_default()
    };
    let count = |value: Option<i64>| value.map(|value| value.to_string()).unwrap_or_default();
    let mut cells = Vec::new();
    if table {
        cells.push(match period {
            Period::Total => "total".into(),
            Period::Bucket(bucket) => bucket_label(bucket, granularity, zone),
        });
        let low = if metrics.low_sample { "*" } else { "" };
        cells.push(format!("{}{low}", metrics.rating_count));
        if columns.csat {
            cells.push(fixed(metrics.csat, 1));
            cells.push(match (&metrics.csat_interval, metrics.csat) {
                (Some(interval), Some(_)) => format!("{:.1}–{:.1}", interval.low, interval.high),
                _ => String::new(),
            });
        }
        if columns.mean {
            cells.push(fixed(metrics.mean_score, 2));
        }
        if columns.nps {
            cells.push(fixed(metrics.nps, 1));
            cells.push(fixed(metrics.nps_standard_error, 1));
        }
        if columns.ces {
            cells.push(fixed(metrics.ces, 2));
            cells.push(fixed(metrics.easy_share, 1));
        }
        if columns.compare {
            cells.push(count(
                metrics
                    .previous
                    .as_ref()
                    .map(|previous| previous.rating_count),
            ));
            cells.push(
                metrics
                    .delta
                    .map(|delta| format!("{delta:+.1}"))
                    .unwrap_or_default(),
            );
            cells.push(match metrics.significant_change {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            });
        }
    } else {
        let (start, end) = match period {
            Period::Total => (String::new(), String::new()),
            Period::Bucket(bucket) => (
                timestamp_text(bucket.start_time.as_ref()),
                timestamp_text(bucket.end_time.as_ref()),
            ),
        };
        cells.extend([
            start,
            end,
            metrics.rating_count.to_string(),
            metrics.low_sample.to_string(),
        ]);
        if columns.csat {
            cells.push(count(metrics.satisfied_count));
            cells.push(number(metrics.csat));
            let interval = metrics
                .csat_interval
                .as_ref()
                .filter(|_| metrics.csat.is_some());
            cells.push(number(interval.map(|interval| interval.low)));
            cells.push(number(interval.map(|interval| interval.high)));
        }
        if columns.mean {
            cells.push(number(metrics.mean_score));
        }
        if columns.nps {
            cells.push(number(metrics.nps));
            cells.push(number(metrics.nps_standard_error));
        }
        if columns.ces {
            cells.push(number(metrics.ces));
            cells.push(number(metrics.easy_share));
        }
        if columns.compare {
            cells.push(count(
                metrics
                    .previous
                    .as_ref()
                    .map(|previous| previous.rating_count),
            ));
            cells.push(number(metrics.delta));
            cells.push(
                metrics
                    .significant_change
                    .map(|change| change.to_string())
                    .unwrap_or_default(),
            );
        }
    }
    cells
}

/// Returns a bucket's start in the report's zone, as precise as its size.
fn bucket_label(bucket: &pb::Bucket, granularity: pb::Granularity, zone: Tz) -> String {
    let Some(start) = bucket
        .start_time
        .as_ref()
        .and_then(|start| DateTime::from_timestamp(start.seconds, 0))
    else {
        return String::new();
    };
    let local = start.with_timezone(&zone);
    match granularity {
        pb::Granularity::Hour => local.format("%Y-%m-%d %H:00").to_string(),
        pb::Granularity::Month => local.format("%Y-%m").to_string(),
        pb::Granularity::Day | pb::Granularity::Week => local.format("%Y-%m-%d").to_string(),
        pb::Granularity::None | pb::Granularity::Unspecified => {
            timestamp_text(bucket.start_time.as_ref())
        }
    }
}

/// Returns the headline metric of a bucket: CSAT, else NPS, else CES.
fn headline(metrics: &pb::Metrics) -> Option<f64> {
    metrics.csat.or(metrics.nps).or(metrics.ces)
}

/// Returns a sparkline of the headline metric of each bucket, lowest value `▁`, highest `█`; a
/// space for a bucket without ratings. Empty for no buckets.
pub fn sparkline(series: &[pb::Bucket]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<Option<f64>> = series
        .iter()
        .map(|bucket| bucket.metrics.as_ref().and_then(headline))
        .collect();
    let known = values.iter().flatten();
    let low = known.clone().copied().fold(f64::INFINITY, f64::min);
    let high = known.copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|value| match value {
            None => ' ',
            Some(_) if high <= low => BARS[BARS.len() / 2],
            Some(value) => {
                let step = ((value - low) / (high - low) * (BARS.len() - 1) as f64).round();
                BARS[(step as usize).min(BARS.len() - 1)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(csat: Option<f64>) -> pb::Bucket {
        pb::Bucket {
            metrics: Some(pb::Metrics {
                csat,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn sparkline_spans_lowest_to_highest_with_gaps_for_empty_buckets() {
        let series = [
            bucket(Some(50.0)),
            bucket(None),
            bucket(Some(100.0)),
            bucket(Some(75.0)),
        ];
        assert_eq!(sparkline(&series), "▁ █▅");
        assert_eq!(sparkline(&[bucket(Some(80.0)), bucket(Some(80.0))]), "▅▅");
        assert_eq!(sparkline(&[]), "");
    }
}
