//! The `csat import` phase of `csat bench ingest`: a help desk's CSV export of `--import-ratings`
//! rows, loaded by the code of `csat import` (in this process, over loopback) with its progress
//! bar drawn, then loaded again, which must count no new rating.

use std::io::Write;
use std::time::Instant;

use indicatif::{ProgressDrawTarget, TermLike};
use tonic::transport::Channel;

use crate::cli::connection::Connection;
use crate::cli::import::{ImportFormat, ImportPlan, ImportSummary, import_file};
use crate::error::{Error, Result};

/// The rates of the two loads of the file.
pub struct CsvImportResult {
    /// Rows per second of the first load, all new.
    pub first_rate: f64,
    /// Rows per second of the second load, all duplicates.
    pub rerun_rate: f64,
    /// What the first load did.
    pub first: ImportSummary,
    /// What the second load did.
    pub rerun: ImportSummary,
}

/// Writes `rows` rows of survey `survey_id` as a help desk exports them, imports the file twice
/// over `channel`, and returns both loads.
pub async fn csv_import_phase(
    channel: &Channel,
    folder: &std::path::Path,
    survey_id: &str,
    rows: usize,
) -> Result<CsvImportResult> {
    let file = folder.join("helpdesk-export.csv");
    write_export(&file, rows).map_err(Error::internal)?;
    let plan = ImportPlan {
        file,
        format: ImportFormat::Csv,
        map: [
            "rating_id=Ticket ID",
            "score=Rating",
            "occur_time=Created at",
            "attributes.agent=Agent",
            "comment=Comment",
        ]
        .map(str::to_string)
        .to_vec(),
        survey_id: Some(survey_id.to_string()),
        time_zone: chrono_tz::Tz::UTC,
        delimiter: b',',
        rejects: None,
    };
    let connection = Connection::over(channel.clone(), None, 30.0)
        .map_err(|failure| Error::internal(failure.to_string()))?;
    let load = || async {
        let started = Instant::now();
        let summary = import_file(&connection, &plan, drawn_progress())
            .await
            .map_err(|failure| Error::internal(failure.to_string()))?;
        Ok::<_, Error>((
            summary.rows as f64 / started.elapsed().as_secs_f64(),
            summary,
        ))
    };
    let (first_rate, first) = load().await?;
    let (rerun_rate, rerun) = load().await?;
    Ok(CsvImportResult {
        first_rate,
        rerun_rate,
        first,
        rerun,
    })
}

/// Returns a progress bar target that renders as on a terminal, 20 times a second, and throws the
/// text away: the bar costs what it costs on a terminal whether or not the benchmark has one.
fn drawn_progress() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(DiscardingTerminal), 20)
}

#[derive(Debug)]
struct DiscardingTerminal;

impl TermLike for DiscardingTerminal {
    fn width(&self) -> u16 {
        120
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, line: &str) -> std::io::Result<()> {
        std::hint::black_box(line);
        Ok(())
    }
    fn write_str(&self, text: &str) -> std::io::Result<()> {
        std::hint::black_box(text);
        Ok(())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes a CSAT export as help desks write them: their own column names, local times, a
/// comment on some rows.
fn write_export(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Ticket ID,Rating,Created at,Agent,Comment")?;
    for row in 0..rows {
        let minute = row % 60;
        let hour = (row / 60) % 24;
        let day = (row / 1_440) % 28 + 1;
        let comment = if row % 7 == 0 {
            "\"Quick, and kind\""
        } else {
            ""
        };
        writeln!(
            out,
            "T-{row},{},2026-11-{day:02} {hour:02}:{minute:02}:00,agent-{},{comment}",
            row % 5 + 1,
            row % 50
        )?;
    }
    out.flush()
}
