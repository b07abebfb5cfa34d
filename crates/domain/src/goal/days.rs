//! Active days of a daily goal: a weekday bitmask, bit 0 = Sunday … bit 6 = Saturday
//! (see docs/API.md, Active days).

use chrono::{Datelike, NaiveDate};

/// Why an active-days value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActiveDaysError {
    /// No day given.
    #[error("must contain 1 to 7 days")]
    Empty,
    /// A day outside 0–6.
    #[error("days must be integers from 0 (Sunday) to 6 (Saturday)")]
    OutOfRange,
    /// A day given twice.
    #[error("days must be unique")]
    Duplicate,
    /// A stored mask outside 1–127.
    #[error("mask must be between 1 and 127")]
    BadMask,
}

/// A non-empty set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActiveDays(u8);

/// Short weekday names, Sunday first.
const NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

impl ActiveDays {
    /// Every day (127).
    pub const EVERY_DAY: ActiveDays = ActiveDays(127);

    /// From a list of 1–7 unique days, 0 (Sunday) to 6 (Saturday).
    pub fn from_days(days: &[i64]) -> Result<Self, ActiveDaysError> {
        if days.is_empty() || days.len() > 7 {
            return Err(if days.is_empty() {
                ActiveDaysError::Empty
            } else {
                ActiveDaysError::Duplicate
            });
        }
        let mut mask = 0u8;
        for d in days {
            let bit = u8::try_from(*d)
                .ok()
                .filter(|b| *b < 7)
                .ok_or(ActiveDaysError::OutOfRange)?;
            if mask & (1 << bit) != 0 {
                return Err(ActiveDaysError::Duplicate);
            }
            mask |= 1 << bit;
        }
        Ok(Self(mask))
    }

    /// From a stored mask (1–127).
    pub fn from_bits(bits: i32) -> Result<Self, ActiveDaysError> {
        u8::try_from(bits)
            .ok()
            .filter(|b| (1..=127).contains(b))
            .map(Self)
            .ok_or(ActiveDaysError::BadMask)
    }

    /// The mask.
    pub const fn bits(self) -> i32 {
        self.0 as i32
    }

    /// The days, ascending (0 = Sunday).
    pub fn days(self) -> Vec<u8> {
        (0..7).filter(|b| self.0 & (1 << b) != 0).collect()
    }

    /// Whether `date`'s weekday is set.
    pub fn contains(self, date: NaiveDate) -> bool {
        let bit = date.weekday().num_days_from_sunday();
        self.0 & (1 << bit) != 0
    }

    /// Whether `date` is an active day of a goal with `days` (`None` = every day).
    pub fn is_active(days: Option<ActiveDays>, date: NaiveDate) -> bool {
        days.is_none_or(|d| d.contains(date))
    }

    /// The label: `Every day` (none or 127), `Weekdays only` (62), `Weekends only` (65),
    /// else the set days joined by `", "`, Sunday first.
    pub fn label(days: Option<ActiveDays>) -> String {
        match days.map(|d| d.0) {
            None | Some(127) => "Every day".to_owned(),
            Some(62) => "Weekdays only".to_owned(),
            Some(65) => "Weekends only".to_owned(),
            Some(_) => days
                .map(|d| {
                    d.days()
                        .iter()
                        .map(|b| NAMES[usize::from(*b)])
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        }
    }

    /// Number of set days (`None` = 7).
    pub fn count(days: Option<ActiveDays>) -> u32 {
        days.map_or(7, |d| d.0.count_ones())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parse_days() {
        assert_eq!(ActiveDays::from_days(&[1, 2, 3, 4, 5]).unwrap().bits(), 62);
        assert_eq!(ActiveDays::from_days(&[6, 0]).unwrap().bits(), 65);
        assert_eq!(
            ActiveDays::from_days(&[0, 1, 2, 3, 4, 5, 6]).unwrap(),
            ActiveDays::EVERY_DAY
        );
        assert_eq!(ActiveDays::from_days(&[]), Err(ActiveDaysError::Empty));
        assert_eq!(
            ActiveDays::from_days(&[7]),
            Err(ActiveDaysError::OutOfRange)
        );
        assert_eq!(
            ActiveDays::from_days(&[-1]),
            Err(ActiveDaysError::OutOfRange)
        );
        assert_eq!(
            ActiveDays::from_days(&[1, 1]),
            Err(ActiveDaysError::Duplicate)
        );
        assert_eq!(
            ActiveDays::from_days(&[0, 1, 2, 3, 4, 5, 6, 6]),
            Err(ActiveDaysError::Duplicate)
        );
        assert_eq!(ActiveDays::from_bits(0), Err(ActiveDaysError::BadMask));
        assert_eq!(ActiveDays::from_bits(128), Err(ActiveDaysError::BadMask));
        assert_eq!(ActiveDays::from_bits(42).unwrap().days(), vec![1, 3, 5]);
    }

    #[test]
    fn labels_and_counts() {
        let l =
            |bits: Option<i32>| ActiveDays::label(bits.map(|b| ActiveDays::from_bits(b).unwrap()));
        assert_eq!(l(None), "Every day");
        assert_eq!(l(Some(127)), "Every day");
        assert_eq!(l(Some(62)), "Weekdays only");
        assert_eq!(l(Some(65)), "Weekends only");
        assert_eq!(l(Some(42)), "Mon, Wed, Fri");
        assert_eq!(l(Some(1)), "Sun");
        assert_eq!(l(Some(64 + 1 + 2)), "Sun, Mon, Sat");
        assert_eq!(ActiveDays::count(None), 7);
        assert_eq!(
            ActiveDays::count(Some(ActiveDays::from_bits(42).unwrap())),
            3
        );
    }

    #[test]
    fn weekday_membership() {
        // 2026-11-22 is a Sunday, 2026-11-23 a Monday, 2026-11-28 a Saturday.
        let weekdays = ActiveDays::from_bits(62).unwrap();
        assert!(!weekdays.contains(date(2026, 11, 22)));
        assert!(weekdays.contains(date(2026, 11, 23)));
        assert!(!weekdays.contains(date(2026, 11, 28)));
        assert!(ActiveDays::is_active(None, date(2026, 11, 22)));
        assert!(!ActiveDays::is_active(Some(weekdays), date(2026, 11, 22)));
    }

    proptest::proptest! {
        #[test]
        fn bits_round_trip(bits in 1i32..=127) {
            let d = ActiveDays::from_bits(bits).unwrap();
            let days: Vec<i64> = d.days().into_iter().map(i64::from).collect();
            proptest::prop_assert_eq!(ActiveDays::from_days(&days).unwrap(), d);
            proptest::prop_assert_eq!(ActiveDays::count(Some(d)) as usize, days.len());
        }
    }
}
