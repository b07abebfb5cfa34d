//! Periods on the user's local calendar (docs/API.md, Periods and progress, decision D2): a period is an
//! inclusive date range chosen by the goal's cadence; entries are selected by range.

mod date;
mod zone;

#[cfg(test)]
mod tests;

use chrono::{Datelike, Days, NaiveDate};

pub use date::{DateError, FutureDateError, UserDate, check_not_future};
pub use zone::{Timezone, TimezoneError, today_in};

use crate::goal::Cadence;

/// Why a date range was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The end date lies before the start date.
    #[error("end date must not be before start date")]
    EndBeforeStart,
}

/// An inclusive range of civil dates, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

impl Period {
    /// An explicit range (e.g. a progress query's `start_date..=end_date`).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, PeriodError> {
        if end < start {
            return Err(PeriodError::EndBeforeStart);
        }
        Ok(Self { start, end })
    }

    /// The period of `cadence` that contains `date`: the day itself; the ISO week
    /// Monday–Sunday; the calendar month; the calendar year.
    pub fn containing(date: NaiveDate, cadence: Cadence) -> Self {
        let (start, end) = match cadence {
            Cadence::Daily => (date, date),
            Cadence::Weekly => {
                let back = u64::from(date.weekday().num_days_from_monday());
                let start = date
                    .checked_sub_days(Days::new(back))
                    .unwrap_or(NaiveDate::MIN);
                let end = start
                    .checked_add_days(Days::new(6))
                    .unwrap_or(NaiveDate::MAX);
                (start, end)
            }
            Cadence::Monthly => (date.with_day(1).unwrap_or(date), last_day_of_month(date)),
            Cadence::Yearly => (
                NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date),
                NaiveDate::from_ymd_opt(date.year(), 12, 31).unwrap_or(date),
            ),
        };
        Self { start, end }
    }

    /// First day.
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day (inclusive).
    pub const fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether `date` lies in the range (bounds included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Number of days in the range.
    pub fn len_days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// API label of the start: `YYYY-MM-DDT00:00:00Z` (a calendar label, not an instant).
    pub fn start_label(&self) -> String {
        format!("{}T00:00:00Z", self.start.format("%Y-%m-%d"))
    }

    /// API label of the end: `YYYY-MM-DDT23:59:59Z` (a calendar label, not an instant).
    pub fn end_label(&self) -> String {
        format!("{}T23:59:59Z", self.end.format("%Y-%m-%d"))
    }
}

fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = (date.year(), date.month());
    if month == 12 {
        return NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(date);
    }
    NaiveDate::from_ymd_opt(year, month + 1, 1)
        .and_then(|first_of_next| first_of_next.pred_opt())
        .unwrap_or(date)
}
