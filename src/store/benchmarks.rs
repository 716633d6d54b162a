//! Benchmark rows: create, read, list, delete.

use sea_orm::{
    ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};

use super::Store;
use super::entity::benchmark;
use super::surveys::metric_number;
use crate::domain::Metric;
use crate::domain::benchmark::{Benchmark, Measure};
use crate::error::{Error, Result};

impl Store {
    /// Stores a new benchmark; ALREADY_EXISTS when its id is taken.
    pub async fn create_benchmark(&self, benchmark: &Benchmark) -> Result<()> {
        let inserted = benchmark::Entity::insert(benchmark_to_row(benchmark).into_active_model())
            .exec_without_returning(&self.writer)
            .await;
        match inserted {
            Ok(_) => self.make_durable().await,
            Err(cause) if matches!(cause.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(Error::AlreadyExists {
                    reason: "BENCHMARK_ALREADY_EXISTS",
                    message: format!("benchmark {:?} already exists", benchmark.benchmark_id),
                })
            }
            Err(cause) => Err(cause.into()),
        }
    }

    /// Returns the benchmark, or NOT_FOUND.
    pub async fn get_benchmark(&self, benchmark_id: &str) -> Result<Benchmark> {
        benchmark::Entity::find_by_id(benchmark_id)
            .one(&self.reader)
            .await?
            .ok_or_else(|| benchmark_not_found(benchmark_id))
            .and_then(benchmark_from_row)
    }

    /// Returns up to `limit` benchmarks after `after` in id order, of `metric` when given, and
    /// whether more follow.
    pub async fn list_benchmarks(
        &self,
        metric: Option<Metric>,
        after: Option<&str>,
        limit: u64,
    ) -> Result<(Vec<Benchmark>, bool)> {
        let mut select = benchmark::Entity::find().order_by_asc(benchmark::Column::BenchmarkId);
        if let Some(metric) = metric {
            select = select.filter(benchmark::Column::Metric.eq(metric_number(metric)));
        }
        if let Some(after) = after {
            select = select.filter(benchmark::Column::BenchmarkId.gt(after));
        }
        let mut rows = select.limit(limit + 1).all(&self.reader).await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let benchmarks = rows
            .into_iter()
            .map(benchmark_from_row)
            .collect::<Result<_>>()?;
        Ok((benchmarks, more))
    }

    /// Returns the benchmarks with these ids, or NOT_FOUND naming the first missing one; every
    /// benchmark when `benchmark_ids` is empty.
    pub async fn benchmarks_by_id(&self, benchmark_ids: &[String]) -> Result<Vec<Benchmark>> {
        let mut select = benchmark::Entity::find().order_by_asc(benchmark::Column::BenchmarkId);
        if !benchmark_ids.is_empty() {
            select = select.filter(benchmark::Column::BenchmarkId.is_in(benchmark_ids.to_vec()));
        }
        let found: Vec<Benchmark> = select
            .all(&self.reader)
            .await?
            .into_iter()
            .map(benchmark_from_row)
            .collect::<Result<_>>()?;
        if let Some(missing) = benchmark_ids.iter().find(|wanted| {
            !found
                .iter()
                .any(|benchmark| &benchmark.benchmark_id == *wanted)
        }) {
            return Err(benchmark_not_found(missing));
        }
        // In the order asked for.
        Ok(if benchmark_ids.is_empty() {
            found
        } else {
            benchmark_ids
                .iter()
                .filter_map(|wanted| {
                    found
                        .iter()
                        .find(|benchmark| &benchmark.benchmark_id == wanted)
                })
                .cloned()
                .collect()
        })
    }

    /// Deletes a benchmark: NOT_FOUND when absent, FAILED_PRECONDITION when built in.
    pub async fn delete_benchmark(&self, benchmark_id: &str) -> Result<()> {
        let benchmark = self.get_benchmark(benchmark_id).await?;
        if benchmark.built_in {
            return Err(Error::FailedPrecondition {
                reason: "BENCHMARK_BUILT_IN",
                message: format!("benchmark {benchmark_id:?} is built in and cannot be deleted"),
            });
        }
        let deleted = benchmark::Entity::delete_by_id(benchmark_id)
            .filter(benchmark::Column::BuiltIn.eq(0))
            .exec(&self.writer)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(benchmark_not_found(benchmark_id));
        }
        self.make_durable().await
    }
}

fn benchmark_not_found(benchmark_id: &str) -> Error {
    Error::NotFound {
        reason: "BENCHMARK_NOT_FOUND",
        message: format!("benchmark {benchmark_id:?} not found"),
    }
}

fn measure_number(measure: Measure) -> i32 {
    match measure {
        Measure::SatisfiedPercent => 1,
        Measure::MeanScore => 2,
        Measure::NpsPoints => 3,
        Measure::Index100 => 4,
    }
}

fn benchmark_to_row(benchmark: &Benchmark) -> benchmark::Model {
    benchmark::Model {
        benchmark_id: benchmark.benchmark_id.clone(),
        display_name: benchmark.display_name.clone(),
        metric: metric_number(benchmark.metric),
        measure: measure_number(benchmark.measure),
        value: benchmark.value,
        source: benchmark.source.clone(),
        touchpoint: benchmark.touchpoint.clone(),
        built_in: i32::from(benchmark.built_in),
        create_time: benchmark.create_time,
    }
}

fn benchmark_from_row(row: benchmark::Model) -> Result<Benchmark> {
    let metric = match row.metric {
        1 => Metric::Csat,
        2 => Metric::Nps,
        3 => Metric::Ces,
        other => {
            return Err(Error::internal(format!(
                "benchmark row with metric {other}"
            )));
        }
    };
    let measure = match row.measure {
        1 => Measure::SatisfiedPercent,
        2 => Measure::MeanScore,
        3 => Measure::NpsPoints,
        4 => Measure::Index100,
        other => {
            return Err(Error::internal(format!(
                "benchmark row with measure {other}"
            )));
        }
    };
    Ok(Benchmark {
        benchmark_id: row.benchmark_id,
        display_name: row.display_name,
        metric,
        measure,
        value: row.value,
        source: row.source,
        touchpoint: row.touchpoint,
        built_in: row.built_in != 0,
        create_time: row.create_time,
    })
}
