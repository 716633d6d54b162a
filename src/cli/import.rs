//! `csat import FILE`: loads a CSV or JSON Lines file, a help desk's export as it is, through
//! ImportRatings.
//!
//! A thread reads and maps rows while calls of [`CHUNK_RATINGS`] ratings run, several at once.
//! Rows that cannot be read as a rating (a score that is not a number, a bad time) never leave
//! this process; rows the server refuses come back by their position in the call. Both are
//! remembered by their place in the file only, and written to `--rejects` at the end, read again
//! from the file, with the reason: the happy path copies nothing. Rating ids make a re-run count
//! nothing twice: the server answers rows it already holds as duplicates.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::rating_text::{parse_channel, parse_time};
use crate::pb;

/// Ratings in one ImportRatings call. The server describes at most 1,000 refused rows per call,
/// so with this many every refused row comes back with its reason.
pub const CHUNK_RATINGS: usize = 1_000;
/// ImportRatings calls running at once: enough to keep the server's writer busy while each call
/// waits for its commit.
const CALLS_IN_FLIGHT: usize = 8;

/// `csat import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    client: ClientOptions,
    /// The CSV (with a header line) or JSON Lines file.
    file: PathBuf,
    /// csv or jsonl; by default the file's extension (.csv, or .jsonl/.ndjson/.json).
    #[arg(long, value_enum)]
    format: Option<ImportFormat>,
    /// Which column feeds which field, FIELD=COLUMN, comma separated or repeated: fields are
    /// rating_id, survey_id, score, comment, customer_id, channel, occur_time, attributes (a JSON
    /// object) and attributes.KEY. Columns already named as a field need no mapping; others are
    /// ignored. Example: --map 'score=Rating,rating_id=Ticket ID,occur_time=Created at,attributes.agent=Agent'
    #[arg(long = "map", value_name = "FIELD=COLUMN", value_delimiter = ',')]
    map: Vec<String>,
    /// The survey of every row, whatever a survey_id column says.
    #[arg(long = "survey", value_name = "SURVEY_ID")]
    survey_id: Option<String>,
    /// The IANA time zone of times without an offset, e.g. `2026-03-01 14:22:05`.
    #[arg(long, default_value = "UTC")]
    time_zone: Tz,
    /// The field separator of a CSV file.
    #[arg(long, default_value_t = ',')]
    delimiter: char,
    /// Write refused rows to this file, in the input's format, each with its line and reason
    /// (CSV: columns csat_line and csat_error).
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Do not draw the progress bar (it is not drawn when stderr is not a terminal either).
    #[arg(long)]
    no_progress: bool,
}

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object a line; nested objects are read as `parent.child` columns.
    Jsonl,
}

/// What an import reads and how.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The file.
    pub file: PathBuf,
    /// Its format.
    pub format: ImportFormat,
    /// FIELD=COLUMN mappings.
    pub map: Vec<String>,
    /// The survey of every row, whatever a survey_id column says.
    pub survey_id: Option<String>,
    /// The zone of times without an offset.
    pub time_zone: Tz,
    /// The separator of CSV fields.
    pub delimiter: u8,
    /// Where refused rows go.
    pub rejects: Option<PathBuf>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows read (header excluded).
    pub rows: u64,
    /// Ratings newly stored.
    pub accepted: u64,
    /// Ratings the server already held.
    pub duplicates: u64,
    /// Rows refused, here or by the server.
    pub rejected: u64,
    /// Refused rows with their reasons, in file order.
    pub rejects: Vec<Reject>,
    /// Ratings sent without a rating id, which the server made: a re-run counts them again.
    pub without_rating_id: u64,
}

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// Where the row is.
    pub place: RowPlace,
    /// Why it was refused.
    pub reason: String,
}

/// Where a row is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowPlace {
    /// Offset of its first byte.
    pub byte: u64,
    /// Its first line, from 1.
    pub line: u64,
}

/// Runs `csat import`.
pub async fn run(args: ImportArgs) -> CliResult<()> {
    let plan = ImportPlan {
        format: match args.format {
            Some(format) => format,
            None => format_of(&args.file)?,
        },
        file: args.file,
        map: args.map,
        survey_id: args.survey_id,
        time_zone: args.time_zone,
        delimiter: u8::try_from(args.delimiter)
            .map_err(|_| CliError::Usage("--delimiter must be one ASCII character".into()))?,
        rejects: args.rejects,
    };
    let connection = Connection::open(&args.client).await?;
    let progress = if args.no_progress {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let started = Instant::now();
    let summary = import_file(&connection, &plan, progress).await?;
    println!("{}", summary_line(&plan, &summary, started.elapsed()));
    if plan.rejects.is_none() {
        for reject in summary.rejects.iter().take(10) {
            eprintln!("line {}: {}", reject.place.line, reject.reason);
        }
        if summary.rejected > 0 {
            eprintln!("(write every refused row with its reason with --rejects FILE)");
        }
    }
    if summary.without_rating_id > 0 {
        eprintln!(
            "note: {} rows had no rating_id, so importing them again would count them twice; \
             map a unique column with --map rating_id=COLUMN",
            summary.without_rating_id
        );
    }
    // A script must see that rows were left out, not only a person reading the summary.
    if summary.rejected > 0 {
        return Err(CliError::Input(format!(
            "{} of {} rows were not imported",
            summary.rejected, summary.rows
        )));
    }
    Ok(())
}

/// Returns the line that sums up an import.
pub fn summary_line(plan: &ImportPlan, summary: &ImportSummary, elapsed: Duration) -> String {
    let mut line = format!(
        "{}: {} rows in {:.1} s ({:.0} rows/s): {} accepted new, {} duplicates, {} rejected",
        plan.file.display(),
        summary.rows,
        elapsed.as_secs_f64(),
        summary.rows as f64 / elapsed.as_secs_f64().max(1e-9),
        summary.accepted,
        summary.duplicates,
        summary.rejected
    );
    if let (Some(rejects), true) = (&plan.rejects, summary.rejected > 0) {
        line.push_str(&format!(" (written to {})", rejects.display()));
    }
    line
}

fn format_of(file: &Path) -> CliResult<ImportFormat> {
    let extension = file
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv" | "tsv" | "txt") => Ok(ImportFormat::Csv),
        Some("jsonl" | "ndjson" | "json") => Ok(ImportFormat::Jsonl),
        _ => Err(CliError::Usage(format!(
            "cannot tell the format of {} from its extension: give --format csv or --format jsonl",
            file.display()
        ))),
    }
}

/// Imports the file of `plan` through `connection`, drawing progress on `progress`, and writes
/// the refused rows to `plan.rejects`.
pub async fn import_file(
    connection: &Connection,
    plan: &ImportPlan,
    progress: ProgressDrawTarget,
) -> CliResult<ImportSummary> {
    let open = |path: &Path| {
        File::open(path).map_err(|cause| CliError::File {
            path: path.display().to_string(),
            cause,
        })
    };
    let file = open(&plan.file)?;
    let total_bytes = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
    let mapping = Mapping::parse(&plan.map)?;
    let defaults = RowDefaults {
        survey_id: plan.survey_id.clone().unwrap_or_default(),
        time_zone: plan.time_zone,
    };
    let (chunks, mut receiver) = mpsc::channel::<ReadChunk>(CALLS_IN_FLIGHT * 2);
    let reader = match plan.format {
        ImportFormat::Csv => {
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(plan.delimiter)
                .flexible(true)
                .from_reader(BufReader::with_capacity(1 << 20, file));
            let headers = csv
                .byte_headers()
                .map_err(|cause| CliError::Input(format!("{}: {cause}", plan.file.display())))?
                .iter()
                .map(|header| {
                    String::from_utf8_lossy(header)
                        .trim_start_matches('\u{feff}')
                        .to_string()
                })
                .collect::<Vec<_>>();
            let columns = mapping.columns_of(&headers)?;
            if plan.survey_id.is_none()
                && !columns.iter().any(|(_, field)| *field == Field::SurveyId)
            {
                return Err(CliError::Usage(
                    "no survey_id column: give --survey SURVEY_ID or map one with --map survey_id=COLUMN"
                        .into(),
                ));
            }
            if !columns.iter().any(|(_, field)| *field == Field::Score) {
                return Err(CliError::Usage(format!(
                    "no score column among {headers:?}: map one with --map score=COLUMN"
                )));
            }
            std::thread::spawn(move || read_csv(csv, headers.len(), columns, defaults, chunks))
        }
        ImportFormat::Jsonl => std::thread::spawn(move || {
            read_jsonl(
                BufReader::with_capacity(1 << 20, file),
                mapping,
                defaults,
                chunks,
            )
        }),
    };

    let bar = ProgressBar::with_draw_target(Some(total_bytes), progress);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {percent:>3}%  {msg}  ETA {eta}",
        )
        .map_err(|cause| CliError::Input(cause.to_string()))?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut summary = ImportSummary::default();
    let mut calls = JoinSet::new();
    let mut outcome = Ok(());
    while let Some(chunk) = receiver.recv().await {
        while calls.len() >= CALLS_IN_FLIGHT {
            if let Some(done) = calls.join_next().await {
                settle(done, &mut summary, &bar, started, &mut outcome);
            }
        }
        if outcome.is_err() {
            break;
        }
        let mut client = connection.ratings();
        calls.spawn(async move {
            let ReadChunk {
                requests,
                places,
                local_rejects,
                without_rating_id,
                bytes,
            } = chunk;
            let answer = if requests.is_empty() {
                Ok(pb::ImportRatingsResponse::default())
            } else {
                client
                    .import_ratings(tokio_stream::iter(requests))
                    .await
                    .map(tonic::Response::into_inner)
            };
            CallDone {
                answer,
                places,
                local_rejects,
                without_rating_id,
                bytes,
            }
        });
    }
    drop(receiver);
    while let Some(done) = calls.join_next().await {
        settle(done, &mut summary, &bar, started, &mut outcome);
    }
    let read = reader
        .join()
        .map_err(|_| CliError::Input("the reading thread failed".into()))?;
    bar.finish_and_clear();
    outcome?;
    read?;
    summary.rejects.sort_by_key(|reject| reject.place);
    if let Some(rejects) = &plan.rejects {
        write_rejects(plan, &summary.rejects, rejects)?;
    }
    Ok(summary)
}

/// Adds a finished call to the summary, or keeps the first failure.
fn settle(
    done: Result<CallDone, tokio::task::JoinError>,
    summary: &mut ImportSummary,
    bar: &ProgressBar,
    started: Instant,
    outcome: &mut CliResult<()>,
) {
    let done = match done {
        Ok(done) => done,
        Err(cause) => {
            if outcome.is_ok() {
                *outcome = Err(CliError::Input(format!("an import call failed: {cause}")));
            }
            return;
        }
    };
    let response = match done.answer {
        Ok(response) => response,
        Err(status) => {
            if outcome.is_ok() {
                *outcome = Err(CliError::call("RatingService/ImportRatings", status));
            }
            return;
        }
    };
    let sent = done.places.len() as u64;
    summary.without_rating_id += done.without_rating_id;
    summary.rows += sent + done.local_rejects.len() as u64;
    summary.accepted += response.accepted_count as u64;
    summary.duplicates += response.duplicate_count as u64;
    summary.rejected += response.rejected_count as u64 + done.local_rejects.len() as u64;
    summary.rejects.extend(done.local_rejects);
    for error in &response.errors {
        if let Some(place) = usize::try_from(error.index)
            .ok()
            .and_then(|index| done.places.get(index))
        {
            summary.rejects.push(Reject {
                place: *place,
                reason: format!("{}: {}", error.code, error.message),
            });
        }
    }
    bar.inc(done.bytes);
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    bar.set_message(format!(
        "{} rows, {:.0}/s, {} rejected",
        summary.rows,
        summary.rows as f64 / seconds,
        summary.rejected
    ));
}

/// Rows read and mapped, ready for one call.
struct ReadChunk {
    requests: Vec<pb::ImportRatingsRequest>,
    /// Where each request's row is.
    places: Vec<RowPlace>,
    /// Rows refused while reading.
    local_rejects: Vec<Reject>,
    /// Ratings without a rating id.
    without_rating_id: u64,
    /// Bytes of the file these rows span.
    bytes: u64,
}

impl ReadChunk {
    fn new() -> ReadChunk {
        ReadChunk {
            requests: Vec::with_capacity(CHUNK_RATINGS),
            places: Vec::with_capacity(CHUNK_RATINGS),
            local_rejects: Vec::new(),
            without_rating_id: 0,
            bytes: 0,
        }
    }

    fn push(&mut self, place: RowPlace, row: Result<pb::Rating, String>) {
        match row {
            Ok(rating) => {
                self.without_rating_id += u64::from(rating.rating_id.is_empty());
                self.requests.push(pb::ImportRatingsRequest {
                    rating: Some(rating),
                });
                self.places.push(place);
            }
            Err(reason) => self.local_rejects.push(Reject { place, reason }),
        }
    }

    /// Whether the chunk should go: a call's worth of ratings, or many refused rows, which
    /// would otherwise pile up unseen.
    fn is_full(&self) -> bool {
        self.requests.len() + self.local_rejects.len() >= CHUNK_RATINGS
    }
}

struct CallDone {
    answer: Result<pb::ImportRatingsResponse, tonic::Status>,
    places: Vec<RowPlace>,
    local_rejects: Vec<Reject>,
    without_rating_id: u64,
    bytes: u64,
}

/// A field of a rating that a column can feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Field {
    RatingId,
    SurveyId,
    Score,
    Comment,
    CustomerId,
    Channel,
    OccurTime,
    /// A JSON object of attributes.
    Attributes,
    /// One attribute.
    Attribute(String),
}

impl Field {
    /// Parses a field's name, as in the proto or in proto3 JSON.
    fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "rating_id" | "ratingId" => Field::RatingId,
            "survey_id" | "surveyId" => Field::SurveyId,
            "score" => Field::Score,
            "comment" => Field::Comment,
            "customer_id" | "customerId" => Field::CustomerId,
            "channel" => Field::Channel,
            "occur_time" | "occurTime" => Field::OccurTime,
            "attributes" => Field::Attributes,
            _ => Field::Attribute(name.strip_prefix("attributes.")?.to_string()),
        })
    }
}

/// The `--map` of an import.
#[derive(Debug, Clone, Default)]
struct Mapping {
    /// (field, column) as given.
    explicit: Vec<(Field, String)>,
}

impl Mapping {
    fn parse(map: &[String]) -> CliResult<Mapping> {
        let mut explicit = Vec::new();
        for item in map.iter().filter(|item| !item.trim().is_empty()) {
            let (field, column) = item
                .split_once('=')
                .ok_or_else(|| CliError::Usage(format!("--map {item:?} is not FIELD=COLUMN")))?;
            let field = Field::parse(field.trim()).ok_or_else(|| {
                CliError::Usage(format!(
                    "--map {item:?}: {:?} is not a field; fields are rating_id, survey_id, score, \
                     comment, customer_id, channel, occur_time, attributes and attributes.KEY",
                    field.trim()
                ))
            })?;
            if explicit.iter().any(|(known, _)| *known == field) {
                return Err(CliError::Usage(format!(
                    "--map names {item:?}'s field twice"
                )));
            }
            explicit.push((field, column.to_string()));
        }
        Ok(Mapping { explicit })
    }

    /// Returns which column index feeds which field, for a CSV file with `headers`: the explicit
    /// mappings, then every other column named as a field not mapped yet.
    fn columns_of(&self, headers: &[String]) -> CliResult<Vec<(usize, Field)>> {
        let mut columns = Vec::new();
        for (field, column) in &self.explicit {
            let index = headers
                .iter()
                .position(|header| header == column)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "--map: no column {column:?}; the columns are {headers:?}"
                    ))
                })?;
            columns.push((index, field.clone()));
        }
        for (index, header) in headers.iter().enumerate() {
            if let Some(field) = self.default_field(header)
                && !columns.iter().any(|(used, _)| *used == index)
            {
                columns.push((index, field));
            }
        }
        Ok(columns)
    }

    /// Returns the field a column feeds by its name alone, unless the field is mapped already.
    fn default_field(&self, column: &str) -> Option<Field> {
        let field = Field::parse(column)?;
        (!self.explicit.iter().any(|(known, _)| *known == field)).then_some(field)
    }

    /// Returns the field a column of a JSON Lines row feeds.
    fn field_of(&self, column: &str) -> Option<Field> {
        self.explicit
            .iter()
            .find(|(_, mapped)| mapped == column)
            .map(|(field, _)| field.clone())
            .or_else(|| self.default_field(column))
    }
}

/// What a row without a column gets.
#[derive(Debug, Clone)]
struct RowDefaults {
    survey_id: String,
    time_zone: Tz,
}

/// Returns the rating of a row's (field, value) pairs, or every reason it is not one.
fn build_rating<'a>(
    values: impl Iterator<Item = (&'a Field, &'a str)>,
    defaults: &RowDefaults,
) -> Result<pb::Rating, String> {
    let mut rating = pb::Rating::default();
    let mut score = None;
    let mut problems = Vec::new();
    for (field, value) in values {
        match field {
            Field::RatingId => rating.rating_id = value.trim().to_string(),
            Field::SurveyId => rating.survey_id = value.trim().to_string(),
            Field::Score => score = Some(value),
            Field::Comment => rating.comment = value.to_string(),
            Field::CustomerId => rating.customer_id = value.trim().to_string(),
            Field::Channel => match parse_channel(value) {
                Ok(channel) => rating.channel = channel.into(),
                Err(problem) => problems.push(problem),
            },
            Field::OccurTime => match parse_time(value, defaults.time_zone) {
                Ok(time) => rating.occur_time = time,
                Err(problem) => problems.push(problem),
            },
            Field::Attributes if value.trim().is_empty() => {}
            Field::Attributes => {
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(value) {
                    Ok(object) => {
                        for (key, value) in object {
                            if let Some(text) = json_text(&value) {
                                rating.attributes.insert(key, text);
                            }
                        }
                    }
                    Err(_) => problems.push(format!("attributes {value:?} is not a JSON object")),
                }
            }
            Field::Attribute(key) => {
                if !value.is_empty() {
                    rating.attributes.insert(key.clone(), value.to_string());
                }
            }
        }
    }
    match score.map(str::trim) {
        None | Some("") => problems.push("no score".into()),
        Some(text) => match parse_score(text) {
            Some(value) => rating.score = value,
            None => problems.push(format!("score {text:?} is not a whole number")),
        },
    }
    // --survey names where the rows go, even from a file with a survey_id column (an export
    // of another survey): silently keeping the file's would import somewhere else.
    if !defaults.survey_id.is_empty() {
        rating.survey_id = defaults.survey_id.clone();
    } else if rating.survey_id.is_empty() {
        problems.push("no survey_id: give --survey or map a column".into());
    }
    if problems.is_empty() {
        Ok(rating)
    } else {
        Err(problems.join("; "))
    }
}

/// Parses a whole number, also written as a float (`4.0`, as spreadsheets export them).
fn parse_score(text: &str) -> Option<i32> {
    text.parse::<i32>().ok().or_else(|| {
        let value = text.parse::<f64>().ok()?;
        (value.fract() == 0.0 && value.abs() <= f64::from(i32::MAX)).then_some(value as i32)
    })
}

/// Returns a JSON value as a cell's text: strings as they are, numbers and booleans written out,
/// arrays and objects as JSON; none for null.
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

fn read_csv(
    mut csv: csv::Reader<BufReader<File>>,
    header_count: usize,
    columns: Vec<(usize, Field)>,
    defaults: RowDefaults,
    chunks: mpsc::Sender<ReadChunk>,
) -> CliResult<()> {
    let mut record = csv::ByteRecord::new();
    let mut chunk = ReadChunk::new();
    let mut consumed = csv.position().byte();
    loop {
        let more = csv
            .read_byte_record(&mut record)
            .map_err(|cause| CliError::Input(format!("CSV: {cause}")))?;
        if !more {
            break;
        }
        let place = record
            .position()
            .map_or(RowPlace { byte: 0, line: 0 }, |position| RowPlace {
                byte: position.byte(),
                line: position.line(),
            });
        let row = if record.len() != header_count {
            Err(format!(
                "the row has {} fields, the header {header_count}",
                record.len()
            ))
        } else {
            let mut cells = Vec::with_capacity(columns.len());
            let mut problem = None;
            for (index, field) in &columns {
                match std::str::from_utf8(record.get(*index).unwrap_or_default()) {
                    Ok(text) => cells.push((field, text)),
                    Err(_) => problem = Some(format!("column {} is not UTF-8", index + 1)),
                }
            }
            match problem {
                Some(problem) => Err(problem),
                None => build_rating(cells.into_iter(), &defaults),
            }
        };
        chunk.push(place, row);
        if chunk.is_full() {
            let position = csv.position().byte();
            chunk.bytes = position - consumed;
            consumed = position;
            if chunks
                .blocking_send(std::mem::replace(&mut chunk, ReadChunk::new()))
                .is_err()
            {
                return Ok(());
            }
        }
    }
    chunk.bytes = csv.position().byte() - consumed;
    let _ = chunks.blocking_send(chunk);
    Ok(())
}

fn read_jsonl(
    mut reader: BufReader<File>,
    mapping: Mapping,
    defaults: RowDefaults,
    chunks: mpsc::Sender<ReadChunk>,
) -> CliResult<()> {
    let mut line = String::new();
    let mut chunk = ReadChunk::new();
    let mut byte = 0u64;
    let mut line_number = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|cause| CliError::Input(format!("JSON Lines: {cause}")))?;
        if read == 0 {
            break;
        }
        line_number += 1;
        let place = RowPlace {
            byte,
            line: line_number,
        };
        byte += read as u64;
        chunk.bytes += read as u64;
        if line.trim().is_empty() {
            continue;
        }
        let row = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(object)) => {
                let mut cells = Vec::new();
                flatten("", &object, &mut cells);
                let fields: Vec<(Field, String)> = cells
                    .into_iter()
                    .filter_map(|(column, value)| Some((mapping.field_of(&column)?, value)))
                    .collect();
                build_rating(
                    fields.iter().map(|(field, value)| (field, value.as_str())),
                    &defaults,
                )
            }
            Ok(_) => Err("the line is not a JSON object".into()),
            Err(cause) => Err(format!("the line is not JSON: {cause}")),
        };
        chunk.push(place, row);
        if chunk.is_full()
            && chunks
                .blocking_send(std::mem::replace(&mut chunk, ReadChunk::new()))
                .is_err()
        {
            return Ok(());
        }
    }
    let _ = chunks.blocking_send(chunk);
    Ok(())
}

/// Lists the values of a JSON object as (column, text), nested objects as `parent.child`; an
/// `attributes` object stays whole too, so that both spellings map.
fn flatten(
    prefix: &str,
    object: &serde_json::Map<String, serde_json::Value>,
    cells: &mut Vec<(String, String)>,
) {
    for (key, value) in object {
        let column = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            serde_json::Value::Object(inner) => flatten(&column, inner, cells),
            other => {
                if let Some(text) = json_text(other) {
                    cells.push((column, text));
                }
            }
        }
    }
}

/// Writes the refused rows, read again from the input, with their line and reason.
fn write_rejects(plan: &ImportPlan, rejects: &[Reject], path: &Path) -> CliResult<()> {
    let failed = |cause: std::io::Error| CliError::File {
        path: path.display().to_string(),
        cause,
    };
    let input_failed = |cause: std::io::Error| CliError::File {
        path: plan.file.display().to_string(),
        cause,
    };
    let output = std::io::BufWriter::new(File::create(path).map_err(failed)?);
    let input = File::open(&plan.file).map_err(input_failed)?;
    match plan.format {
        ImportFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(plan.delimiter)
                .flexible(true)
                .from_reader(input);
            let mut headers = reader
                .byte_headers()
                .map_err(|cause| CliError::Input(format!("CSV: {cause}")))?
                .clone();
            headers.push_field(b"csat_line");
            headers.push_field(b"csat_error");
            let mut writer = csv::WriterBuilder::new()
                .delimiter(plan.delimiter)
                .flexible(true)
                .from_writer(output);
            writer
                .write_byte_record(&headers)
                .map_err(|cause| csv_failure(path, cause))?;
            let mut record = csv::ByteRecord::new();
            for reject in rejects {
                let mut position = csv::Position::new();
                position
                    .set_byte(reject.place.byte)
                    .set_line(reject.place.line);
                reader
                    .seek(position)
                    .map_err(|cause| CliError::Input(format!("CSV: {cause}")))?;
                reader
                    .read_byte_record(&mut record)
                    .map_err(|cause| CliError::Input(format!("CSV: {cause}")))?;
                record.push_field(reject.place.line.to_string().as_bytes());
                record.push_field(reject.reason.as_bytes());
                writer
                    .write_byte_record(&record)
                    .map_err(|cause| csv_failure(path, cause))?;
            }
            writer.flush().map_err(failed)
        }
        ImportFormat::Jsonl => {
            let mut reader = BufReader::new(input);
            let mut output = output;
            let mut line = String::new();
            for reject in rejects {
                reader
                    .seek(SeekFrom::Start(reject.place.byte))
                    .map_err(input_failed)?;
                line.clear();
                reader.read_line(&mut line).map_err(input_failed)?;
                let row = match serde_json::from_str::<serde_json::Value>(&line) {
                    Ok(serde_json::Value::Object(mut object)) => {
                        object.insert("csat_line".into(), reject.place.line.into());
                        object.insert("csat_error".into(), reject.reason.clone().into());
                        serde_json::Value::Object(object)
                    }
                    _ => serde_json::json!({
                        "csat_line": reject.place.line,
                        "csat_error": reject.reason,
                        "csat_input": line.trim_end(),
                    }),
                };
                writeln!(output, "{row}").map_err(failed)?;
            }
            output.flush().map_err(failed)
        }
    }
}

fn csv_failure(path: &Path, cause: csv::Error) -> CliError {
    CliError::Input(format!("{}: {cause}", path.display()))
}
