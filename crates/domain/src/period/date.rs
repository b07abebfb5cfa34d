//! Client-supplied civil dates (`YYYY-MM-DD`) and the not-in-future rule.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::zone::today_in;

/// Why a date string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Does not match `^\d{4}-\d{2}-\d{2}$`.
    #[error("must be a date in YYYY-MM-DD format")]
    InvalidFormat,
    /// Well-formed but not a calendar date (`2026-02-30`).
    #[error("must be a real calendar date")]
    NotARealDate,
}

/// A date after "today" in the user's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date must not be in the future")]
pub struct FutureDateError;

/// A civil date given by a client as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserDate(NaiveDate);

impl UserDate {
    /// Requires exactly four, two and two ASCII digits separated by `-`, forming a real date.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let b = input.as_bytes();
        let shape_ok = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(DateError::InvalidFormat);
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            b[range]
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let year = i32::try_from(number(0..4)).map_err(|_| DateError::InvalidFormat)?;
        NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
            .map(Self)
            .ok_or(DateError::NotARealDate)
    }

    /// Wraps a date.
    pub const fn from_date(date: NaiveDate) -> Self {
        Self(date)
    }

    /// The date.
    pub const fn date(self) -> NaiveDate {
        self.0
    }
}

impl From<UserDate> for NaiveDate {
    fn from(date: UserDate) -> Self {
        date.0
    }
}

impl fmt::Display for UserDate {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Refuses `date` when it is after today in `tz` at `now` (today itself is fine).
pub fn check_not_future(
    date: NaiveDate,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(), FutureDateError> {
    if date > today_in(tz, now) {
        Err(FutureDateError)
    } else {
        Ok(())
    }
}
