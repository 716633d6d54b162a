//! Pure rules of the product: surveys, ratings, filters and their validation, report queries,
//! metrics, time buckets and benchmarks. No I/O, and no tonic, prost or sea-orm types: the api
//! layer converts wire types into these.

pub mod benchmark;
pub mod customer;
pub mod filter;
pub mod follow_up;
pub mod ingest;
pub mod invitation;
pub mod metrics;
pub mod rating;
pub mod report;
pub mod survey;
pub mod time_buckets;
pub mod validation;

pub use filter::{RatingFilter, RatingFilterInput};
pub use rating::{
    Channel, Exclusion, ExclusionReason, NewRating, Rating, RatingContent, RatingInput,
};
pub use survey::{Metric, Survey, SurveyDraft, SurveyReason, SurveyState, SurveyUpdateError};
pub use validation::{FieldReason, FieldViolation, GivenTime, InvalidTimestamp, Violations};

/// Microseconds since the Unix epoch, UTC: the one time representation below the api layer.
pub type Micros = i64;

/// Returns the current time in microseconds since the Unix epoch.
pub fn now_micros() -> Micros {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)
}
