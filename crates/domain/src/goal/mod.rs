//! Goals: cadence, metric, texts, target value and the creation rules.

mod days;
mod spec;

pub use days::{ActiveDays, ActiveDaysError};
pub use spec::{GoalSpecError, NewGoalSpec};

use crate::decimal::{Decimal2, DecimalError};

string_enum!(
    /// How often a goal's period repeats.
    pub enum Cadence {
        /// Every day.
        Daily => "daily",
        /// ISO week, Monday to Sunday.
        Weekly => "weekly",
        /// Calendar month.
        Monthly => "monthly",
        /// Calendar year.
        Yearly => "yearly",
    }
);

string_enum!(
    /// What a progress value measures.
    pub enum MetricType {
        /// Done (1) or not (0), at most once per day.
        Binary => "binary",
        /// A quantity with up to two decimals.
        Numeric => "numeric",
        /// Whole seconds.
        Duration => "duration",
        /// A titled log, done (1) or not (0), at most once per day.
        Journal => "journal",
    }
);

impl MetricType {
    /// Binary and journal goals count done days (value 1), one entry per local date.
    pub const fn counts_days(self) -> bool {
        matches!(self, MetricType::Binary | MetricType::Journal)
    }
}

bounded_text!(
    /// A goal title: trimmed, 1–200 code points.
    pub struct GoalTitle, 1, 200
);

bounded_text!(
    /// A goal description: trimmed, at most 1000 code points (may be empty).
    pub struct GoalDescription, 0, 1000, Multi
);

bounded_text!(
    /// The prompt shown when logging a journal entry: trimmed, at most 80 code points.
    pub struct LogTitlePrompt, 0, 80
);

bounded_text!(
    /// A goal's unit (`km`, `pages`, …): trimmed, at most 50 code points.
    pub struct Unit, 0, 50
);

/// Why a target value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetValueError {
    /// NaN or infinite.
    #[error("must be a finite number")]
    NotFinite,
    /// Zero or negative.
    #[error("must be greater than 0")]
    NotPositive,
    /// Above 999 999.99.
    #[error("must be at most 999999.99")]
    TooLarge,
    /// More than two decimal places.
    #[error("must have at most 2 decimal places")]
    TooManyDecimals,
}

/// A goal's target: `0 < v ≤ 999 999.99`, two decimals at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetValue(Decimal2);

impl TargetValue {
    /// Largest accepted target.
    pub const MAX: Decimal2 = Decimal2::from_hundredths(99_999_999);
    /// One (the default binary target: one completion per period).
    pub const ONE: TargetValue = TargetValue(Decimal2::ONE);

    /// Checks the range.
    pub fn new(value: Decimal2) -> Result<Self, TargetValueError> {
        if value.hundredths() <= 0 {
            return Err(TargetValueError::NotPositive);
        }
        if value > Self::MAX {
            return Err(TargetValueError::TooLarge);
        }
        Ok(Self(value))
    }

    /// Converts a JSON number and checks the range.
    pub fn try_from_f64(value: f64) -> Result<Self, TargetValueError> {
        if value.is_finite() && value <= 0.0 {
            return Err(TargetValueError::NotPositive);
        }
        match Decimal2::try_from_f64(value) {
            Ok(d) => Self::new(d),
            Err(DecimalError::NotFinite) => Err(TargetValueError::NotFinite),
            Err(DecimalError::OutOfRange) => Err(TargetValueError::TooLarge),
            Err(DecimalError::TooManyDecimals | DecimalError::InvalidFormat) => {
                Err(TargetValueError::TooManyDecimals)
            }
        }
    }

    /// The value.
    pub const fn value(self) -> Decimal2 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextError;

    #[test]
    fn enum_names() {
        let names: Vec<&str> = Cadence::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, ["daily", "weekly", "monthly", "yearly"]);
        let names: Vec<&str> = MetricType::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names, ["binary", "numeric", "duration", "journal"]);
        assert!(MetricType::Journal.counts_days() && MetricType::Binary.counts_days());
        assert!(!MetricType::Numeric.counts_days());
        assert_eq!("weekly".parse::<Cadence>(), Ok(Cadence::Weekly));
        assert!(Cadence::parse("Weekly").is_err());
        assert!(Cadence::parse("hourly").is_err());
        assert_eq!(MetricType::parse("duration"), Ok(MetricType::Duration));
        assert!(MetricType::parse("bool").is_err());
    }

    #[test]
    fn texts() {
        assert_eq!(GoalTitle::parse(" Run ").unwrap().as_str(), "Run");
        assert_eq!(GoalTitle::parse(" "), Err(TextError::Empty));
        assert!(GoalTitle::parse(&"x".repeat(200)).is_ok());
        assert_eq!(
            GoalTitle::parse(&"x".repeat(201)),
            Err(TextError::TooLong { max: 200 })
        );
        assert!(GoalDescription::parse(&"x".repeat(1000)).is_ok());
        assert_eq!(
            GoalDescription::parse(&"x".repeat(1001)),
            Err(TextError::TooLong { max: 1000 })
        );
        assert_eq!(Unit::parse(" km ").unwrap().as_str(), "km");
        assert!(Unit::parse(&"x".repeat(50)).is_ok());
        assert_eq!(
            Unit::parse(&"x".repeat(51)),
            Err(TextError::TooLong { max: 50 })
        );
    }

    #[test]
    fn target_value() {
        assert_eq!(
            TargetValue::try_from_f64(5.0).unwrap().value(),
            Decimal2::from_hundredths(500)
        );
        assert_eq!(
            TargetValue::try_from_f64(999_999.99).unwrap().value(),
            Decimal2::from_hundredths(99_999_999)
        );
        assert_eq!(
            TargetValue::try_from_f64(0.01)
                .unwrap()
                .value()
                .hundredths(),
            1
        );
        assert_eq!(
            TargetValue::try_from_f64(0.0),
            Err(TargetValueError::NotPositive)
        );
        assert_eq!(
            TargetValue::try_from_f64(-1.0),
            Err(TargetValueError::NotPositive)
        );
        assert_eq!(
            TargetValue::try_from_f64(0.001),
            Err(TargetValueError::TooManyDecimals)
        );
        assert_eq!(
            TargetValue::try_from_f64(1_000_000.0),
            Err(TargetValueError::TooLarge)
        );
        assert_eq!(
            TargetValue::try_from_f64(1e300),
            Err(TargetValueError::TooLarge)
        );
        assert_eq!(
            TargetValue::try_from_f64(f64::NAN),
            Err(TargetValueError::NotFinite)
        );
        assert_eq!(
            TargetValue::try_from_f64(2.345),
            Err(TargetValueError::TooManyDecimals)
        );
        assert_eq!(
            TargetValue::new(Decimal2::ZERO),
            Err(TargetValueError::NotPositive)
        );
    }
}
