//! `csat surveys list|get|create|archive`.

use clap::{Args, Subcommand, ValueEnum};

use super::connection::{ClientOptions, Connection};
use super::failure::{CliError, CliResult};
use super::output::{OutputFormat, Rows, enum_text, print_line, proto_json, timestamp_text};
use crate::pb;

/// `csat surveys`.
#[derive(Debug, Args)]
pub struct SurveysArgs {
    #[command(flatten)]
    client: ClientOptions,
    #[command(subcommand)]
    command: SurveysCommand,
}

#[derive(Debug, Subcommand)]
enum SurveysCommand {
    /// Lists surveys, every page, oldest first.
    List(ListArgs),
    /// Shows one survey.
    Get {
        /// The survey's id.
        survey_id: String,
    },
    /// Creates a survey.
    Create(CreateArgs),
    /// Archives a survey: it keeps its ratings and takes no new ones.
    Archive {
        /// The survey's id.
        survey_id: String,
    },
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only surveys at this touchpoint.
    #[arg(long)]
    touchpoint: Option<String>,
    /// Only surveys of this metric.
    #[arg(long, value_enum)]
    metric: Option<MetricArg>,
    /// Only surveys in this state.
    #[arg(long, value_enum)]
    state: Option<StateArg>,
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The new survey's id, `[a-z0-9-]`; the server makes one when omitted.
    survey_id: Option<String>,
    /// What the survey measures.
    #[arg(long, value_enum)]
    metric: MetricArg,
    /// Where customers meet it, e.g. `support_chat`.
    #[arg(long)]
    touchpoint: String,
    /// A name for people.
    #[arg(long, default_value = "")]
    display_name: String,
    /// The question customers answer.
    #[arg(long, default_value = "")]
    question: String,
    /// Lowest score (the metric's default when omitted).
    #[arg(long, allow_negative_numbers = true)]
    scale_min: Option<i32>,
    /// Highest score.
    #[arg(long)]
    scale_max: Option<i32>,
    /// Lowest satisfied score (CSAT) or easy score (CES).
    #[arg(long)]
    satisfied_threshold: Option<i32>,
    /// The goal for the headline metric.
    #[arg(long, allow_negative_numbers = true)]
    target: Option<f64>,
    /// An attribute key reports group by cheaply; repeat for several.
    #[arg(long = "dimension", value_name = "KEY")]
    dimensions: Vec<String>,
}

/// A metric as written on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MetricArg {
    /// Customer satisfaction.
    Csat,
    /// Net Promoter Score.
    Nps,
    /// Customer effort score.
    Ces,
}

impl From<MetricArg> for pb::Metric {
    fn from(metric: MetricArg) -> pb::Metric {
        match metric {
            MetricArg::Csat => pb::Metric::Csat,
            MetricArg::Nps => pb::Metric::Nps,
            MetricArg::Ces => pb::Metric::Ces,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StateArg {
    Active,
    Archived,
}

/// Runs `csat surveys …`.
pub async fn run(args: SurveysArgs) -> CliResult<()> {
    let connection = Connection::open(&args.client).await?;
    let format = args.client.output;
    let mut client = connection.surveys();
    let surveys = match args.command {
        SurveysCommand::List(list) => {
            let mut surveys = Vec::new();
            let mut page_token = String::new();
            loop {
                let request = pb::ListSurveysRequest {
                    page_size: 1_000,
                    page_token,
                    touchpoint: list.touchpoint.clone().unwrap_or_default(),
                    metric: list
                        .metric
                        .map_or(0, |metric| pb::Metric::from(metric).into()),
                    state: match list.state {
                        None => pb::SurveyState::Unspecified,
                        Some(StateArg::Active) => pb::SurveyState::Active,
                        Some(StateArg::Archived) => pb::SurveyState::Archived,
                    }
                    .into(),
                };
                let page = client
                    .list_surveys(connection.unary(request))
                    .await
                    .map_err(|status| CliError::call("SurveyService/ListSurveys", status))?
                    .into_inner();
                surveys.extend(page.surveys);
                if page.next_page_token.is_empty() {
                    break surveys;
                }
                page_token = page.next_page_token;
            }
        }
        SurveysCommand::Get { survey_id } => {
            let request = pb::GetSurveyRequest { survey_id };
            let response = client
                .get_survey(connection.unary(request))
                .await
                .map_err(|status| CliError::call("SurveyService/GetSurvey", status))?;
            response.into_inner().survey.into_iter().collect()
        }
        SurveysCommand::Create(create) => {
            let request = pb::CreateSurveyRequest {
                survey_id: create.survey_id.unwrap_or_default(),
                survey: Some(pb::Survey {
                    display_name: create.display_name,
                    question: create.question,
                    touchpoint: create.touchpoint,
                    metric: pb::Metric::from(create.metric).into(),
                    scale_min: create.scale_min,
                    scale_max: create.scale_max,
                    satisfied_threshold: create.satisfied_threshold,
                    target: create.target,
                    dimensions: create.dimensions,
                    ..Default::default()
                }),
            };
            let response = client
                .create_survey(connection.unary(request))
                .await
                .map_err(|status| CliError::call("SurveyService/CreateSurvey", status))?;
            response.into_inner().survey.into_iter().collect()
        }
        SurveysCommand::Archive { survey_id } => {
            let request = pb::ArchiveSurveyRequest { survey_id };
            let response = client
                .archive_survey(connection.unary(request))
                .await
                .map_err(|status| CliError::call("SurveyService/ArchiveSurvey", status))?;
            response.into_inner().survey.into_iter().collect()
        }
    };
    print_surveys(&surveys, format)
}

fn print_surveys(surveys: &[pb::Survey], format: OutputFormat) -> CliResult<()> {
    if format == OutputFormat::Json {
        let mut out = std::io::stdout().lock();
        for survey in surveys {
            print_line(&mut out, &proto_json(survey, "csat.v1.Survey")?)?;
        }
        return Ok(());
    }
    let mut rows = Rows::new(&[
        "survey_id",
        "display_name",
        "touchpoint",
        "metric",
        "scale_min",
        "scale_max",
        "satisfied_threshold",
        "target",
        "dimensions",
        "state",
        "create_time",
    ])
    .numeric(&["scale_min", "scale_max", "satisfied_threshold", "target"]);
    for survey in surveys {
        rows.rows.push(vec![
            survey.survey_id.clone(),
            survey.display_name.clone(),
            survey.touchpoint.clone(),
            enum_text(
                pb::Metric::try_from(survey.metric)
                    .ok()
                    .map(|metric| metric.as_str_name()),
                "METRIC_",
            ),
            optional_text(survey.scale_min),
            optional_text(survey.scale_max),
            optional_text(survey.satisfied_threshold),
            optional_text(survey.target),
            survey.dimensions.join(" "),
            enum_text(
                pb::SurveyState::try_from(survey.state)
                    .ok()
                    .map(|state| state.as_str_name()),
                "SURVEY_STATE_",
            ),
            timestamp_text(survey.create_time.as_ref()),
        ]);
    }
    rows.print(format)
}

fn optional_text<T: ToString>(value: Option<T>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}
