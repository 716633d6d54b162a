//! `csat export` (every stored rating, JSON Lines or CSV, resumable) and `csat tail` (new ratings
//! as they are committed, one line each): both read StreamRatings.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::filter::FilterArgs;
use super::output::{OutputFormat, csv_output, print_line, proto_json, timestamp_text};
use super::rating_text::{RATING_COLUMNS, channel_text, rating_record};
use crate::pb;

/// `csat export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    client: ClientOptions,
    #[command(flatten)]
    filter: FilterArgs,
    /// Only ratings with a sequence above this: the last sequence of an interrupted export
    /// resumes it with nothing missed and nothing twice.
    #[arg(long, value_name = "SEQUENCE", default_value_t = 0)]
    start_after: i64,
    /// Write to this file instead of standard output; with --start-after, an existing file is
    /// appended to (a CSV header is not repeated).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// jsonl or csv; by default the extension of --file, else csv for `--output csv`, else jsonl.
    #[arg(long, value_enum)]
    format: Option<ExportFormat>,
}

/// The file formats of ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One proto3 JSON Rating a line.
    Jsonl,
    /// The columns of `csat export`, with a header line.
    Csv,
}

/// `csat tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    client: ClientOptions,
    #[command(flatten)]
    filter: FilterArgs,
    /// Start after this sequence instead of at the newest matching rating.
    #[arg(long, value_name = "SEQUENCE")]
    start_after: Option<i64>,
}

/// Runs `csat export`.
pub async fn run_export(args: ExportArgs) -> CliResult<()> {
    let format = args.format.unwrap_or_else(|| {
        let extension = args
            .file
            .as_ref()
            .and_then(|file| file.extension())
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match (extension.as_deref(), args.client.output) {
            (Some("csv"), _) | (None, OutputFormat::Csv) => ExportFormat::Csv,
            _ => ExportFormat::Jsonl,
        }
    });
    let filter = args.filter.to_filter()?;
    let connection = Connection::open(&args.client).await?;
    let (sink, appending): (Box<dyn Write>, bool) = match &args.file {
        Some(path) => {
            let appending = args.start_after > 0 && path.exists();
            let file = OpenOptions::new()
                .write(true)
                .create(true)
                .append(appending)
                .truncate(!appending)
                .open(path)
                .map_err(|cause| CliError::File {
                    path: path.display().to_string(),
                    cause,
                })?;
            (Box::new(file), appending)
        }
        None => (Box::new(std::io::stdout().lock()), false),
    };
    let mut writer = RatingWriter::new(sink, format, !appending)?;
    let mut stream = connection
        .ratings()
        .stream_ratings(pb::StreamRatingsRequest {
            filter: Some(filter),
            start_after: args.start_after,
            follow: false,
        })
        .await
        .map_err(|status| CliError::call("RatingService/StreamRatings", status))?
        .into_inner();
    let mut count = 0u64;
    let mut last_sequence = args.start_after;
    let outcome = loop {
        match stream.message().await {
            Ok(Some(response)) => {
                let rating = response.rating.unwrap_or_default();
                writer.write(&rating)?;
                count += 1;
                last_sequence = rating.sequence;
            }
            Ok(None) => break Ok(()),
            Err(status) => break Err(CliError::call("RatingService/StreamRatings", status)),
        }
    };
    writer.flush()?;
    eprintln!("exported {count} ratings; the last has sequence {last_sequence}");
    if outcome.is_err() {
        eprintln!("resume with --start-after {last_sequence}");
    }
    outcome
}

/// Runs `csat tail`.
pub async fn run_tail(args: TailArgs) -> CliResult<()> {
    let filter = args.filter.to_filter()?;
    let connection = Connection::open(&args.client).await?;
    let mut ratings = connection.ratings();
    let start_after = match args.start_after {
        Some(sequence) => sequence,
        None => {
            let newest = ratings
                .list_ratings(connection.unary(pb::ListRatingsRequest {
                    filter: Some(filter.clone()),
                    page_size: 1,
                    page_token: String::new(),
                }))
                .await
                .map_err(|status| CliError::call("RatingService/ListRatings", status))?
                .into_inner();
            newest.ratings.first().map_or(0, |rating| rating.sequence)
        }
    };
    let mut stream = ratings
        .stream_ratings(pb::StreamRatingsRequest {
            filter: Some(filter),
            start_after,
            follow: true,
        })
        .await
        .map_err(|status| CliError::call("RatingService/StreamRatings", status))?
        .into_inner();
    let mut out = std::io::stdout().lock();
    if args.client.output == OutputFormat::Csv {
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_record(RATING_COLUMNS).map_err(csv_output)?;
        let header = header.into_inner().unwrap_or_default();
        out.write_all(&header).map_err(CliError::stdout)?;
        out.flush().map_err(CliError::stdout)?;
    }
    loop {
        match stream.message().await {
            Ok(Some(response)) => {
                let rating = response.rating.unwrap_or_default();
                let line = match args.client.output {
                    OutputFormat::Json => proto_json(&rating, "csat.v1.Rating")?,
                    OutputFormat::Csv => csv_line(&rating_record(&rating))?,
                    OutputFormat::Table => tail_line(&rating),
                };
                print_line(&mut out, line.trim_end())?;
                out.flush().map_err(CliError::stdout)?;
            }
            Ok(None) => return Ok(()),
            Err(status) => return Err(CliError::call("RatingService/StreamRatings", status)),
        }
    }
}

/// Returns the line `csat tail` prints for a rating: time, survey, score, channel, attributes,
/// key and comment.
pub fn tail_line(rating: &pb::Rating) -> String {
    let mut line = format!(
        "{}  #{}  {}  score {}",
        timestamp_text(rating.occur_time.as_ref()),
        rating.sequence,
        rating.survey_id,
        rating.score
    );
    let channel = channel_text(rating.channel);
    if !channel.is_empty() {
        line.push_str(&format!("  {channel}"));
    }
    for (key, value) in &rating.attributes {
        line.push_str(&format!("  {key}={value}"));
    }
    line.push_str(&format!("  {}", rating.rating_id));
    if !rating.comment.is_empty() {
        line.push_str(&format!("  {:?}", rating.comment));
    }
    line
}

fn csv_line(record: &[String]) -> CliResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(record).map_err(csv_output)?;
    let bytes = writer.into_inner().unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes ratings as JSON Lines or CSV.
enum RatingWriter {
    Csv(Box<csv::Writer<BufWriter<Box<dyn Write>>>>),
    Jsonl(BufWriter<Box<dyn Write>>),
}

impl RatingWriter {
    fn new(sink: Box<dyn Write>, format: ExportFormat, header: bool) -> CliResult<RatingWriter> {
        let buffered = BufWriter::with_capacity(256 * 1024, sink);
        Ok(match format {
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(buffered);
                if header {
                    writer.write_record(RATING_COLUMNS).map_err(csv_output)?;
                }
                RatingWriter::Csv(Box::new(writer))
            }
            ExportFormat::Jsonl => RatingWriter::Jsonl(buffered),
        })
    }

    fn write(&mut self, rating: &pb::Rating) -> CliResult<()> {
        match self {
            RatingWriter::Csv(writer) => writer
                .write_record(rating_record(rating))
                .map_err(csv_output),
            RatingWriter::Jsonl(lines) => print_line(lines, &proto_json(rating, "csat.v1.Rating")?),
        }
    }

    fn flush(&mut self) -> CliResult<()> {
        match self {
            RatingWriter::Csv(writer) => writer.flush().map_err(CliError::stdout),
            RatingWriter::Jsonl(lines) => lines.flush().map_err(CliError::stdout),
        }
    }
}
