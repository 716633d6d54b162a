//! Time buckets of a report in a time zone: local hours, days, ISO weeks (Monday) and months,
//! with days of 23 and 25 hours where daylight saving time starts and ends, and zones whose offset
//! is not a whole number of hours.

use chrono::{
    Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike,
};
use chrono_tz::Tz;

use super::Micros;

/// Most buckets one report may have.
pub const MAX_BUCKETS: usize = 10_000;

const MICROS_PER_SECOND: i64 = 1_000_000;
const QUARTER_HOUR_MICROS: i64 = 15 * 60 * MICROS_PER_SECOND;

/// How a report divides time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// No series: one set of numbers for the whole range.
    None,
    /// Local hours.
    Hour,
    /// Local calendar days.
    Day,
    /// ISO weeks, Monday to Sunday, in local days.
    Week,
    /// Calendar months, in local days.
    Month,
}

impl Granularity {
    /// Returns whether a bucket is a whole number of local days.
    pub fn is_calendar(self) -> bool {
        matches!(
            self,
            Granularity::Day | Granularity::Week | Granularity::Month
        )
    }
}

/// Consecutive buckets: bucket `i` is `[boundaries[i], boundaries[i + 1])`, in microseconds UTC.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BucketPlan {
    /// One more boundary than there are buckets.
    pub boundaries: Vec<Micros>,
}

/// A plan would have more than [`MAX_BUCKETS`] buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyBuckets;

impl BucketPlan {
    /// Returns the buckets of `granularity` in `zone` that cover `[start, end)`: the first starts
    /// at or before `start`, the last ends at or after `end`. A granularity of `None` has none.
    pub fn new(
        zone: Tz,
        granularity: Granularity,
        start: Micros,
        end: Micros,
    ) -> Result<BucketPlan, TooManyBuckets> {
        let mut boundaries = Vec::new();
        if granularity == Granularity::None || start >= end {
            return Ok(BucketPlan { boundaries });
        }
        if granularity == Granularity::Hour {
            let mut current = local_hour_start(zone, start);
            push_boundary(&mut boundaries, current)?;
            let mut probe = current;
            while current < end {
                // Every local hour holds at least one UTC quarter hour, whatever the offset.
                probe += QUARTER_HOUR_MICROS;
                let next = local_hour_start(zone, probe);
                if next > current {
                    current = next;
                    push_boundary(&mut boundaries, current)?;
                }
            }
            return Ok(BucketPlan { boundaries });
        }
        let mut date = bucket_date(granularity, local_date(zone, start));
        loop {
            if let Some(boundary) =
                first_instant_in(zone, date, next_bucket_date(granularity, date))
            {
                push_boundary(&mut boundaries, boundary)?;
                if boundary >= end {
                    break;
                }
            }
            date = next_bucket_date(granularity, date);
        }
        Ok(BucketPlan { boundaries })
    }

    /// Returns how many buckets there are.
    pub fn len(&self) -> usize {
        self.boundaries.len().saturating_sub(1)
    }

    /// Returns whether there is no bucket.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the bucket holding `instant`, if any.
    pub fn bucket_of(&self, instant: Micros) -> Option<usize> {
        let after = self
            .boundaries
            .partition_point(|boundary| *boundary <= instant);
        (after > 0 && after < self.boundaries.len()).then(|| after - 1)
    }

    /// Returns whether every boundary strictly inside `(start, end)` is a multiple of `unit`
    /// microseconds: then every `unit`-long slice of time in the range lies in one bucket.
    pub fn aligned_to(&self, unit: Micros, start: Micros, end: Micros) -> bool {
        self.boundaries
            .iter()
            .filter(|boundary| **boundary > start && **boundary < end)
            .all(|boundary| boundary.rem_euclid(unit) == 0)
    }
}

/// Appends `boundary`, or refuses it when it would end bucket [`MAX_BUCKETS`] + 1: the one check
/// every granularity goes through, whichever boundary turns out to be the last.
fn push_boundary(boundaries: &mut Vec<Micros>, boundary: Micros) -> Result<(), TooManyBuckets> {
    if boundaries.len() > MAX_BUCKETS {
        return Err(TooManyBuckets);
    }
    boundaries.push(boundary);
    Ok(())
}

/// Returns the calendar date of `instant` in `zone`.
pub fn local_date(zone: Tz, instant: Micros) -> NaiveDate {
    zone.timestamp_micros(instant)
        .single()
        .map(|local| local.date_naive())
        .unwrap_or(NaiveDate::MIN)
}

/// Returns the date a bucket of `granularity` holding `date` starts on.
pub fn bucket_date(granularity: Granularity, date: NaiveDate) -> NaiveDate {
    match granularity {
        Granularity::Week => {
            date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
        }
        Granularity::Month => date.with_day(1).unwrap_or(date),
        Granularity::None | Granularity::Hour | Granularity::Day => date,
    }
}

fn next_bucket_date(granularity: Granularity, date: NaiveDate) -> NaiveDate {
    match granularity {
        Granularity::Week => date + Duration::days(7),
        Granularity::Month => {
            let (year, month) = if date.month() == 12 {
                (date.year() + 1, 1)
            } else {
                (date.year(), date.month() + 1)
            };
            NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
        }
        Granularity::None | Granularity::Hour | Granularity::Day => date + Duration::days(1),
    }
}

/// Returns the first instant whose local date is `date` or later but before `before`: local
/// midnight of `date`, or where midnight does not exist (a clock change at midnight), the first
/// local time that does. `None` when no such date exists in `zone` (a day skipped at the date line).
pub fn first_instant_in(zone: Tz, date: NaiveDate, before: NaiveDate) -> Option<Micros> {
    let mut day = date;
    while day < before {
        if let Some(instant) = first_instant_of_date(zone, day) {
            return Some(instant);
        }
        day += Duration::days(1);
    }
    None
}

/// Returns the first instant whose local date in `zone` is `date`, if the date exists there.
pub fn first_instant_of_date(zone: Tz, date: NaiveDate) -> Option<Micros> {
    earliest_at_or_after(zone, date.and_hms_opt(0, 0, 0)?)
        .filter(|instant| local_date(zone, *instant) == date)
}

/// Returns the earliest instant whose local time is `local`, or where that local time falls in a
/// gap, the earliest instant after the gap. Gaps last at most a day.
fn earliest_at_or_after(zone: Tz, local: NaiveDateTime) -> Option<Micros> {
    if let Some(instant) = earliest_at(zone, local) {
        return Some(instant);
    }
    // In a gap: the first valid minute, then back to the first valid second before it.
    let minute = (1..=24 * 60)
        .map(|minutes| local + Duration::minutes(minutes))
        .find(|candidate| earliest_at(zone, *candidate).is_some())?;
    let second = (1..60)
        .map(|seconds| minute - Duration::seconds(seconds))
        .take_while(|candidate| earliest_at(zone, *candidate).is_some())
        .last()
        .unwrap_or(minute);
    earliest_at(zone, second)
}

fn earliest_at(zone: Tz, local: NaiveDateTime) -> Option<Micros> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Some(instant.timestamp_micros()),
        LocalResult::Ambiguous(first, second) => {
            Some(first.timestamp_micros().min(second.timestamp_micros()))
        }
        LocalResult::None => None,
    }
}

/// Returns the start of the local hour holding `instant`. Where clocks go back, the hours after
/// the change start buckets of their own: an hour repeated whole (New York) is two buckets, and
/// a half hour repeated (Lord Howe Island) ends one bucket at the change and starts the next.
fn local_hour_start(zone: Tz, instant: Micros) -> Micros {
    let Some(local) = zone.timestamp_micros(instant).single() else {
        return instant;
    };
    let Some(hour) = local
        .naive_local()
        .with_minute(0)
        .and_then(|time| time.with_second(0).and_then(|time| time.with_nanosecond(0)))
    else {
        return instant;
    };
    let start = match zone.from_local_datetime(&hour) {
        LocalResult::Single(start) => start.timestamp_micros(),
        LocalResult::Ambiguous(first, second) => {
            // The occurrence of this local hour that `instant` is in.
            let (first, second) = (first.timestamp_micros(), second.timestamp_micros());
            let (earlier, later) = (first.min(second), first.max(second));
            if later <= instant { later } else { earlier }
        }
        // The hour starts inside a gap (a 30-minute change): it starts where the gap ends.
        LocalResult::None => earliest_at_or_after(zone, hour).unwrap_or(instant),
    };
    // A change of offset inside the hour so far starts the bucket at the change.
    let offset = offset_seconds(zone, instant);
    if offset_seconds(zone, start) == offset {
        return start;
    }
    let (mut before, mut after) = (
        start.div_euclid(MICROS_PER_SECOND),
        instant.div_euclid(MICROS_PER_SECOND),
    );
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        if offset_seconds(zone, middle * MICROS_PER_SECOND) == offset {
            after = middle;
        } else {
            before = middle;
        }
    }
    after * MICROS_PER_SECOND
}

fn offset_seconds(zone: Tz, instant: Micros) -> i32 {
    zone.timestamp_micros(instant)
        .single()
        .map_or(0, |local| local.offset().fix().local_minus_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(zone: Tz, year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Micros {
        zone.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .earliest()
            .unwrap()
            .timestamp_micros()
    }

    fn hours(plan: &BucketPlan, index: usize) -> i64 {
        (plan.boundaries[index + 1] - plan.boundaries[index]) / 3_600_000_000
    }

    #[test]
    fn new_york_days_around_the_clock_changes_last_23_and_25_hours() {
        let zone = chrono_tz::America::New_York;
        // 2026-03-08: clocks go forward; 2026-11-01: back.
        let spring = BucketPlan::new(
            zone,
            Granularity::Day,
            micros(zone, 2026, 3, 7, 0, 0),
            micros(zone, 2026, 3, 10, 0, 0),
        )
        .unwrap();
        assert_eq!(spring.len(), 3);
        assert_eq!(
            [hours(&spring, 0), hours(&spring, 1), hours(&spring, 2)],
            [24, 23, 24]
        );
        let autumn = BucketPlan::new(
            zone,
            Granularity::Day,
            micros(zone, 2026, 11, 1, 0, 0),
            micros(zone, 2026, 11, 2, 0, 0),
        )
        .unwrap();
        assert_eq!(hours(&autumn, 0), 25);
    }

    #[test]
    fn the_repeated_hour_is_two_buckets() {
        let zone = chrono_tz::America::New_York;
        let plan = BucketPlan::new(
            zone,
            Granularity::Hour,
            micros(zone, 2026, 11, 1, 0, 0),
            micros(zone, 2026, 11, 1, 3, 0),
        )
        .unwrap();
        // 00:00, 01:00 EDT, 01:00 EST, 02:00: four hours.
        assert_eq!(plan.len(), 4);
        assert!((0..4).all(|index| hours(&plan, index) == 1));
    }

    #[test]
    fn lord_howe_repeats_half_an_hour_as_a_bucket_of_its_own() {
        let zone = chrono_tz::Australia::Lord_Howe;
        // 2026-04-05 02:00 +11 becomes 01:30 +10:30.
        let start = micros(zone, 2026, 4, 5, 0, 0);
        let plan =
            BucketPlan::new(zone, Granularity::Hour, start, start + 3 * 3_600_000_000).unwrap();
        let minutes: Vec<i64> = plan
            .boundaries
            .windows(2)
            .map(|pair| (pair[1] - pair[0]) / 60_000_000)
            .collect();
        assert_eq!(minutes, [60, 60, 30, 60]);
    }

    #[test]
    fn india_days_start_at_half_past_six_in_the_evening_utc() {
        let zone = chrono_tz::Asia::Kolkata;
        let start = micros(zone, 2026, 1, 1, 0, 0);
        let plan = BucketPlan::new(zone, Granularity::Day, start, start + 1).unwrap();
        assert_eq!(plan.boundaries[0], start);
        let utc = chrono::DateTime::from_timestamp_micros(start).unwrap();
        assert_eq!((utc.hour(), utc.minute()), (18, 30));
        assert!(plan.aligned_to(QUARTER_HOUR_MICROS, start - 1, start + 1));
        assert!(!plan.aligned_to(3_600_000_000, start - 1, start + 1));
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let zone = chrono_tz::UTC;
        // 2026-11-25 is a Wednesday.
        let wednesday = micros(zone, 2026, 11, 25, 12, 0);
        let week = BucketPlan::new(zone, Granularity::Week, wednesday, wednesday + 1).unwrap();
        assert_eq!(
            week.boundaries,
            [
                micros(zone, 2026, 11, 23, 0, 0),
                micros(zone, 2026, 11, 30, 0, 0)
            ]
        );
        let month = BucketPlan::new(zone, Granularity::Month, wednesday, wednesday + 1).unwrap();
        assert_eq!(
            month.boundaries,
            [
                micros(zone, 2026, 11, 1, 0, 0),
                micros(zone, 2026, 12, 1, 0, 0)
            ]
        );
    }

    #[test]
    fn a_skipped_date_has_no_bucket() {
        // Samoa skipped 2011-12-30 when it crossed the date line.
        let zone = chrono_tz::Pacific::Apia;
        let start = micros(zone, 2011, 12, 29, 0, 0);
        let end = micros(zone, 2011, 12, 31, 12, 0);
        let plan = BucketPlan::new(zone, Granularity::Day, start, end).unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!(
            local_date(zone, plan.boundaries[1]),
            NaiveDate::from_ymd_opt(2011, 12, 31).unwrap()
        );
    }

    #[test]
    fn bucket_of_finds_the_bucket_or_none_outside() {
        let plan = BucketPlan {
            boundaries: vec![10, 20, 30],
        };
        assert_eq!(plan.bucket_of(9), None);
        assert_eq!(plan.bucket_of(10), Some(0));
        assert_eq!(plan.bucket_of(29), Some(1));
        assert_eq!(plan.bucket_of(30), None);
    }

    #[test]
    fn every_granularity_allows_exactly_the_most_buckets_and_refuses_one_more() {
        const HOUR: Micros = 3_600_000_000;
        // 2000-01-03 is a Monday. In New York, 10,000 days or weeks hold days of 23 and 25 hours
        // and 10,000 hours hold repeated and skipped ones: buckets are counted, not hours.
        for zone in [chrono_tz::UTC, chrono_tz::America::New_York] {
            let midnight = |date: NaiveDate| first_instant_of_date(zone, date).unwrap();
            for granularity in [
                Granularity::Hour,
                Granularity::Day,
                Granularity::Week,
                Granularity::Month,
            ] {
                let first = bucket_date(granularity, NaiveDate::from_ymd_opt(2000, 1, 3).unwrap());
                let start = midnight(first);
                let end_after = |buckets: usize| match granularity {
                    Granularity::Hour => start + buckets as Micros * HOUR,
                    Granularity::Day => midnight(first + Duration::days(buckets as i64)),
                    Granularity::Week => midnight(first + Duration::weeks(buckets as i64)),
                    _ => midnight(first + chrono::Months::new(buckets as u32)),
                };
                let plan =
                    |end| BucketPlan::new(zone, granularity, start, end).map(|plan| plan.len());
                let context = format!("{granularity:?} in {zone}");
                assert_eq!(plan(end_after(MAX_BUCKETS)), Ok(MAX_BUCKETS), "{context}");
                assert_eq!(
                    plan(end_after(MAX_BUCKETS) + 1),
                    Err(TooManyBuckets),
                    "{context}: one instant more is one bucket more"
                );
                assert_eq!(
                    plan(end_after(MAX_BUCKETS + 1)),
                    Err(TooManyBuckets),
                    "{context}"
                );
            }
        }
    }

    #[test]
    fn too_many_hours_are_refused() {
        let zone = chrono_tz::UTC;
        let start = micros(zone, 2020, 1, 1, 0, 0);
        let end = micros(zone, 2022, 1, 1, 0, 0);
        assert_eq!(
            BucketPlan::new(zone, Granularity::Hour, start, end),
            Err(TooManyBuckets)
        );
    }
}
