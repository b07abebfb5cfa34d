//! Date of birth and the age rule (see docs/API.md, Age and consents). The birth date is
//! checked and then forgotten: only "age verified" is stored.

use chrono::{Datelike, NaiveDate};

/// Minimum age to hold an account.
pub const MIN_AGE: u32 = 18;

/// Why a date of birth was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    /// Not a real `YYYY-MM-DD` date, after today, or before 1900.
    #[error("must be a real date (YYYY-MM-DD) between 1900 and today")]
    Invalid,
    /// A real date, but the person is younger than 18.
    #[error("under age")]
    UnderAge,
}

/// A date of birth as sent: a real `YYYY-MM-DD` date from 1900 on. Whether it is after
/// today, and whether its owner is an adult, depends on the day it is checked
/// ([`BirthDate::adult_on`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// Parses the strict `YYYY-MM-DD` shape of a date from 1900 on
    /// ([`BirthDateError::Invalid`] otherwise).
    pub fn parse(input: &str) -> Result<Self, BirthDateError> {
        let strict = input.len() == 10
            && input.as_bytes().get(4) == Some(&b'-')
            && input.as_bytes().get(7) == Some(&b'-');
        let date = NaiveDate::parse_from_str(input, "%Y-%m-%d")
            .ok()
            .filter(|d| strict && d.year() >= 1900)
            .ok_or(BirthDateError::Invalid)?;
        Ok(Self(date))
    }

    /// The date as of `today` (UTC): not after today ([`BirthDateError::Invalid`]) and at
    /// least 18 full years old ([`BirthDateError::UnderAge`]).
    pub fn adult_on(self, today: NaiveDate) -> Result<AdultBirthDate, BirthDateError> {
        if self.0 > today {
            return Err(BirthDateError::Invalid);
        }
        if age_on(self.0, today) < MIN_AGE {
            return Err(BirthDateError::UnderAge);
        }
        Ok(AdultBirthDate(self.0))
    }
}

/// A date of birth of an adult, as of the day it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdultBirthDate(NaiveDate);

impl AdultBirthDate {
    /// Parses `YYYY-MM-DD` and checks it against `today` (UTC): a real date, not after
    /// today, year ≥ 1900 ([`BirthDateError::Invalid`]), at least 18 full years old
    /// ([`BirthDateError::UnderAge`]).
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, BirthDateError> {
        BirthDate::parse(input)?.adult_on(today)
    }

    /// The date.
    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Full years between `born` and `today`. A 29 February birthday counts from 1 March in
/// years without one.
pub fn age_on(born: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - born.year();
    let had_birthday = (today.month(), today.day()) >= (born.month(), born.day());
    if !had_birthday {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn eighteenth_birthday_is_the_first_adult_day() {
        let today = d("2026-06-15");
        assert!(AdultBirthDate::parse("2008-06-15", today).is_ok());
        assert_eq!(
            AdultBirthDate::parse("2008-06-16", today),
            Err(BirthDateError::UnderAge)
        );
    }

    #[test]
    fn leap_day_birthdays_count_from_first_of_march() {
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), 18);
        assert_eq!(age_on(d("2008-02-29"), d("2028-02-29")), 20);
    }

    #[test]
    fn impossible_future_and_ancient_dates_are_invalid() {
        let today = d("2026-06-15");
        for bad in [
            "2001-02-30",
            "2026-06-16",
            "1899-12-31",
            "1990-1-5",
            "15/06/1990",
            "",
            "1990-06-15T00:00:00Z",
        ] {
            assert_eq!(
                AdultBirthDate::parse(bad, today),
                Err(BirthDateError::Invalid),
                "{bad}"
            );
        }
        assert!(AdultBirthDate::parse("1900-01-01", today).is_ok());
    }

    #[test]
    fn a_birth_today_is_valid_but_under_age() {
        let today = d("2026-06-15");
        assert_eq!(
            AdultBirthDate::parse("2026-06-15", today),
            Err(BirthDateError::UnderAge)
        );
    }
}
