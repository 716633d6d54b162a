//! csat.v1.BenchmarkService.

use prost::Message;
use tonic::{Request, Response, Status};

use super::audit::Principal;
use super::conversion::{enum_filter, metric_from_proto, metric_to_proto, timestamp_from_micros};
use super::paging::{ListCall, PageRequest, encode_token, page_request};
use super::{Context, only_field};
use crate::domain::benchmark::{Benchmark, BenchmarkDraft, Measure};
use crate::domain::validation::{BenchmarkId, Refusal};
use crate::domain::{Metric, Micros, Violations, now_micros};
use crate::error::Error;
use crate::pb;
use crate::pb::benchmark_service_server::BenchmarkService;

/// Serves BenchmarkService.
#[derive(Debug, Clone)]
pub struct BenchmarkApi {
    context: Context,
}

impl BenchmarkApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }
}

fn measure_from_proto(number: i32) -> Option<Measure> {
    match pb::Measure::try_from(number).ok()? {
        pb::Measure::Unspecified => None,
        pb::Measure::SatisfiedPercent => Some(Measure::SatisfiedPercent),
        pb::Measure::MeanScore => Some(Measure::MeanScore),
        pb::Measure::NpsPoints => Some(Measure::NpsPoints),
        pb::Measure::Index100 => Some(Measure::Index100),
    }
}

fn measure_to_proto(measure: Measure) -> pb::Measure {
    match measure {
        Measure::SatisfiedPercent => pb::Measure::SatisfiedPercent,
        Measure::MeanScore => pb::Measure::MeanScore,
        Measure::NpsPoints => pb::Measure::NpsPoints,
        Measure::Index100 => pb::Measure::Index100,
    }
}

/// Returns the wire form of a benchmark.
pub fn benchmark_to_proto(benchmark: &Benchmark) -> pb::Benchmark {
    pb::Benchmark {
        benchmark_id: benchmark.benchmark_id.clone(),
        display_name: benchmark.display_name.clone(),
        metric: metric_to_proto(benchmark.metric).into(),
        measure: measure_to_proto(benchmark.measure).into(),
        value: benchmark.value,
        source: benchmark.source.clone(),
        touchpoint: benchmark.touchpoint.clone().unwrap_or_default(),
        built_in: benchmark.built_in,
        create_time: Some(timestamp_from_micros(benchmark.create_time)),
    }
}

/// Returns the benchmark a CreateBenchmark asks for, or every bad field.
fn benchmark_to_create(
    request: pb::CreateBenchmarkRequest,
    now: Micros,
) -> Result<Benchmark, Error> {
    let wire = only_field("benchmark", request.benchmark.ok_or_else(Refusal::required))?;
    let draft = BenchmarkDraft {
        benchmark_id: wire.benchmark_id,
        display_name: wire.display_name,
        metric: metric_from_proto(wire.metric),
        measure: measure_from_proto(wire.measure),
        value: wire.value,
        source: wire.source,
        touchpoint: wire.touchpoint,
    };
    Ok(draft.into_benchmark(now)?)
}

/// What a ListBenchmarks asks for.
struct ListQuery {
    page: PageRequest<String>,
    metric: Option<Metric>,
}

/// Returns the query a ListBenchmarks asks for, or every bad field; `filter_bytes` are the
/// encoded filters its page token is bound to.
fn list_query(
    request: &pb::ListBenchmarksRequest,
    filter_bytes: &[u8],
) -> Result<ListQuery, Error> {
    let mut violations = Violations::default();
    let page = page_request(
        ListCall::Benchmarks,
        request.page_size,
        &request.page_token,
        filter_bytes,
        Some,
        &mut violations,
    );
    let metric = violations.parse(
        "metric",
        enum_filter(request.metric, "metric", metric_from_proto),
    );
    let (Some(page), Some(metric)) = (page, metric) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(ListQuery { page, metric })?)
}

#[tonic::async_trait]
impl BenchmarkService for BenchmarkApi {
    async fn create_benchmark(
        &self,
        request: Request<pb::CreateBenchmarkRequest>,
    ) -> Result<Response<pb::CreateBenchmarkResponse>, Status> {
        let principal = Principal::of(&request);
        let benchmark = benchmark_to_create(request.into_inner(), now_micros())?;
        self.context.store.create_benchmark(&benchmark).await?;
        principal.audit("CreateBenchmark", &benchmark.benchmark_id);
        Ok(Response::new(pb::CreateBenchmarkResponse {
            benchmark: Some(benchmark_to_proto(&benchmark)),
        }))
    }

    async fn get_benchmark(
        &self,
        request: Request<pb::GetBenchmarkRequest>,
    ) -> Result<Response<pb::GetBenchmarkResponse>, Status> {
        let benchmark_id = only_field(
            "benchmark_id",
            BenchmarkId::parse_required(request.into_inner().benchmark_id),
        )?;
        let benchmark = self
            .context
            .store
            .get_benchmark(benchmark_id.as_str())
            .await?;
        Ok(Response::new(pb::GetBenchmarkResponse {
            benchmark: Some(benchmark_to_proto(&benchmark)),
        }))
    }

    async fn list_benchmarks(
        &self,
        request: Request<pb::ListBenchmarksRequest>,
    ) -> Result<Response<pb::ListBenchmarksResponse>, Status> {
        let request = request.into_inner();
        let filter_bytes = pb::ListBenchmarksRequest {
            page_size: 0,
            page_token: String::new(),
            ..request.clone()
        }
        .encode_to_vec();
        let query = list_query(&request, &filter_bytes)?;
        let (benchmarks, more) = self
            .context
            .store
            .list_benchmarks(
                query.metric,
                query.page.after.as_deref(),
                query.page.limit as u64,
            )
            .await?;
        let next_page_token = match benchmarks.last() {
            Some(last) if more => {
                encode_token(ListCall::Benchmarks, &filter_bytes, &last.benchmark_id)
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListBenchmarksResponse {
            benchmarks: benchmarks.iter().map(benchmark_to_proto).collect(),
            next_page_token,
        }))
    }

    async fn delete_benchmark(
        &self,
        request: Request<pb::DeleteBenchmarkRequest>,
    ) -> Result<Response<pb::DeleteBenchmarkResponse>, Status> {
        let principal = Principal::of(&request);
        let benchmark_id = only_field(
            "benchmark_id",
            BenchmarkId::parse_required(request.into_inner().benchmark_id),
        )?;
        self.context
            .store
            .delete_benchmark(benchmark_id.as_str())
            .await?;
        principal.audit("DeleteBenchmark", benchmark_id.as_str());
        Ok(Response::new(pb::DeleteBenchmarkResponse {}))
    }
}
