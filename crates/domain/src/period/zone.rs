//! IANA timezones and "today" in a zone.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Why a timezone name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimezoneError {
    /// Empty.
    #[error("must not be empty")]
    Empty,
    /// Longer than 50 characters.
    #[error("must be at most 50 characters")]
    TooLong,
    /// Not in the tz database.
    #[error("must be a valid IANA timezone")]
    Unknown,
}

/// An IANA timezone known to the tz database, with the name as given (for storage).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timezone {
    name: String,
    tz: Tz,
}

impl Timezone {
    /// Longest accepted name, in code points.
    pub const MAX_CHARS: usize = 50;

    /// Looks up an IANA name such as `Europe/Paris` (exact spelling, no trimming).
    pub fn parse(name: &str) -> Result<Self, TimezoneError> {
        if name.is_empty() {
            return Err(TimezoneError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(TimezoneError::TooLong);
        }
        let tz: Tz = name.parse().map_err(|_| TimezoneError::Unknown)?;
        Ok(Self {
            name: name.to_owned(),
            tz,
        })
    }

    /// UTC, the default when a query names no zone.
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: Tz::UTC,
        }
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The zone for calendar computations.
    pub const fn tz(&self) -> Tz {
        self.tz
    }

    /// The civil date in this zone at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        today_in(self.tz, now)
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The civil date in `tz` at the instant `now`.
pub fn today_in(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}
