//! How the client commands print: a table for people, CSV for spreadsheets, and JSON Lines for
//! programs, each line one message in the proto3 JSON mapping (the same JSON the HTTP/JSON
//! transcoder speaks), made from the service's own descriptors.

use std::io::Write;
use std::sync::LazyLock;

use comfy_table::{CellAlignment, LineStyle, Table, TableStyle};

use super::failure::{CliError, CliResult};
use crate::server::Transcoder;

/// The format of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    Table,
    /// One proto3 JSON object a line.
    Json,
    /// A header line, then one line a row.
    Csv,
}

/// Columns apart, a line under the header, nothing else: as psql prints, and easy to grep.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

/// Rows of text with a header, printed as a table or CSV.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Column names.
    pub headers: Vec<String>,
    /// Cells, one vector per row, as many as headers.
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right in a table: numbers.
    pub numeric: Vec<bool>,
}

impl Rows {
    /// Returns rows with these columns, none numeric.
    pub fn new(headers: &[&str]) -> Rows {
        Rows {
            headers: headers.iter().map(|header| header.to_string()).collect(),
            rows: Vec::new(),
            numeric: vec![false; headers.len()],
        }
    }

    /// Marks the columns named as numeric.
    pub fn numeric(mut self, columns: &[&str]) -> Rows {
        for (index, header) in self.headers.iter().enumerate() {
            if columns.contains(&header.as_str()) {
                self.numeric[index] = true;
            }
        }
        self
    }

    /// Returns the rows as an aligned table, without a trailing newline.
    pub fn to_table(&self) -> String {
        let mut table = Table::new();
        table.load_style(TABLE_STYLE).set_header(&self.headers);
        for row in &self.rows {
            table.add_row(row);
        }
        for (index, numeric) in self.numeric.iter().enumerate() {
            if let (true, Some(column)) = (*numeric, table.column_mut(index)) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        table.to_string()
    }

    /// Writes the rows as CSV with a header line.
    pub fn write_csv(&self, out: &mut impl Write) -> CliResult<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.headers).map_err(csv_output)?;
        for row in &self.rows {
            writer.write_record(row).map_err(csv_output)?;
        }
        writer.flush().map_err(CliError::stdout)
    }

    /// Prints the rows in `format`, which is a table or CSV.
    pub fn print(&self, format: OutputFormat) -> CliResult<()> {
        let mut out = std::io::stdout().lock();
        match format {
            OutputFormat::Csv => self.write_csv(&mut out),
            OutputFormat::Table | OutputFormat::Json => {
                writeln!(out, "{}", self.to_table()).map_err(CliError::stdout)
            }
        }
    }
}

/// Returns a CSV writer's error as an output error.
pub fn csv_output(cause: csv::Error) -> CliError {
    match cause.into_kind() {
        csv::ErrorKind::Io(cause) => CliError::stdout(cause),
        other => CliError::Input(format!("CSV output: {other:?}")),
    }
}

/// The proto3 JSON mapping the HTTP/JSON API answers in, loaded once.
static JSON_MAPPING: LazyLock<Transcoder> = LazyLock::new(|| {
    Transcoder::new().expect("the build writes a descriptor set of csat.v1 with its imports")
});

/// Returns `message`, a `type_name` such as `csat.v1.Survey`, in the proto3 JSON mapping on one
/// line: int64 as strings, enums by name, timestamps in RFC 3339, default values left out.
pub fn proto_json(message: &impl prost::Message, type_name: &str) -> CliResult<String> {
    let descriptor = JSON_MAPPING
        .message(type_name)
        .ok_or_else(|| CliError::Input(format!("no message {type_name} in csat.v1")))?;
    let json = JSON_MAPPING
        .protobuf_to_json(&descriptor, &message.encode_to_vec())
        .map_err(|status| CliError::Input(format!("{type_name}: {}", status.message())))?;
    String::from_utf8(json).map_err(|cause| CliError::Input(format!("{type_name}: {cause}")))
}

/// Prints one line on standard output.
pub fn print_line(out: &mut impl Write, line: &str) -> CliResult<()> {
    writeln!(out, "{line}").map_err(CliError::stdout)
}

/// Returns a timestamp as RFC 3339 in UTC to the second, or the microsecond when it has them;
/// empty when unset.
pub fn timestamp_text(timestamp: Option<&prost_types::Timestamp>) -> String {
    let Some(timestamp) = timestamp else {
        return String::new();
    };
    let Some(time) =
        chrono::DateTime::from_timestamp(timestamp.seconds, timestamp.nanos.max(0) as u32)
    else {
        return String::new();
    };
    if timestamp.nanos == 0 {
        time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

/// Returns the name of an enum value without its type prefix, lowercase: `CHANNEL_WEB_CHAT` is
/// `web_chat`; `unspecified` for 0.
pub fn enum_text(name: Option<&str>, prefix: &str) -> String {
    name.map(|name| {
        name.strip_prefix(prefix)
            .unwrap_or(name)
            .to_ascii_lowercase()
    })
    .unwrap_or_default()
}
