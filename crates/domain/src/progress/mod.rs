//! Progress: accepted values per metric, notes, and per-period aggregation (docs/API.md, Periods and progress; decision D2).

mod aggregate;
pub mod insights;

pub use aggregate::{Aggregate, aggregate, percentage};

use crate::decimal::{Decimal2, DecimalError};
use crate::goal::MetricType;

bounded_text!(
    /// A note on a progress entry: trimmed, at most 500 code points (may be empty).
    pub struct Note, 0, 500, Multi
);

bounded_text!(
    /// The headline of a log (required for journal goals): trimmed, 1–120 code points.
    pub struct LogTitle, 1, 120
);

/// Why a progress value was refused for the goal's metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// NaN or infinite.
    #[error("value must be a finite number")]
    NotFinite,
    /// A binary value other than 0 or 1.
    #[error("value must be 0 or 1 for binary goals")]
    BinaryNotZeroOrOne,
    /// Below zero.
    #[error("value must not be negative")]
    Negative,
    /// A numeric value above 999 999.99.
    #[error("value must be at most 999999.99")]
    NumericTooLarge,
    /// A numeric value with more than two decimals.
    #[error("value must have at most 2 decimal places")]
    TooManyDecimals,
    /// A duration with a fractional second.
    #[error("value must be a whole number of seconds")]
    DurationNotWhole,
    /// A duration of 100 000 000 seconds or more.
    #[error("value must be less than 100000000 seconds")]
    DurationTooLarge,
}

/// Validation of logged values (a namespace; values are returned as [`Decimal2`]).
#[derive(Debug)]
pub enum ProgressValue {}

impl ProgressValue {
    /// Largest numeric value.
    pub const NUMERIC_MAX: Decimal2 = Decimal2::from_hundredths(99_999_999);
    /// Durations must stay below this many seconds (the column overflows at 10⁸).
    pub const DURATION_LIMIT_SECONDS: i64 = 100_000_000;

    /// Checks `value` for `metric`: binary exactly 0 or 1; numeric `0 ≤ v ≤ 999 999.99`
    /// rounded half-up to two decimals; duration whole seconds, `0 ≤ v < 10⁸`.
    pub fn validate(metric: MetricType, value: f64) -> Result<Decimal2, ValueError> {
        if !value.is_finite() {
            return Err(ValueError::NotFinite);
        }
        match metric {
            MetricType::Binary | MetricType::Journal => match Decimal2::try_from_f64(value) {
                Ok(d) if d == Decimal2::ZERO || d == Decimal2::ONE => Ok(d),
                _ => Err(ValueError::BinaryNotZeroOrOne),
            },
            MetricType::Numeric => {
                if value < 0.0 {
                    return Err(ValueError::Negative);
                }
                // Rounded to hundredths like the NUMERIC(10,2) column (see docs/API.md).
                let d = Decimal2::round_from_f64(value).map_err(|e| match e {
                    DecimalError::OutOfRange => ValueError::NumericTooLarge,
                    DecimalError::NotFinite => ValueError::NotFinite,
                    DecimalError::TooManyDecimals | DecimalError::InvalidFormat => {
                        ValueError::TooManyDecimals
                    }
                })?;
                if d > Self::NUMERIC_MAX {
                    return Err(ValueError::NumericTooLarge);
                }
                Ok(d)
            }
            MetricType::Duration => {
                if value < 0.0 {
                    return Err(ValueError::Negative);
                }
                let d = Decimal2::try_from_f64(value).map_err(|e| match e {
                    DecimalError::OutOfRange => ValueError::DurationTooLarge,
                    DecimalError::NotFinite => ValueError::NotFinite,
                    DecimalError::TooManyDecimals | DecimalError::InvalidFormat => {
                        ValueError::DurationNotWhole
                    }
                })?;
                if d.hundredths() >= Self::DURATION_LIMIT_SECONDS * 100 {
                    return Err(ValueError::DurationTooLarge);
                }
                if !d.is_whole() {
                    return Err(ValueError::DurationNotWhole);
                }
                Ok(d)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextError;

    fn ok(metric: MetricType, v: f64) -> i64 {
        ProgressValue::validate(metric, v).unwrap().hundredths()
    }

    fn err(metric: MetricType, v: f64) -> ValueError {
        ProgressValue::validate(metric, v).unwrap_err()
    }

    #[test]
    fn binary_values() {
        assert_eq!(ok(MetricType::Binary, 0.0), 0);
        assert_eq!(ok(MetricType::Binary, 1.0), 100);
        assert_eq!(ok(MetricType::Binary, -0.0), 0);
        for bad in [0.5, 2.0, -1.0, 1.01, 0.001] {
            assert_eq!(
                err(MetricType::Binary, bad),
                ValueError::BinaryNotZeroOrOne,
                "{bad}"
            );
        }
        assert_eq!(err(MetricType::Binary, f64::NAN), ValueError::NotFinite);
    }

    #[test]
    fn numeric_values() {
        assert_eq!(ok(MetricType::Numeric, 0.0), 0);
        assert_eq!(ok(MetricType::Numeric, 12.5), 1250);
        assert_eq!(ok(MetricType::Numeric, 0.1 + 0.2), 30);
        assert_eq!(ok(MetricType::Numeric, 999_999.99), 99_999_999);
        assert_eq!(
            err(MetricType::Numeric, 1_000_000.0),
            ValueError::NumericTooLarge
        );
        assert_eq!(err(MetricType::Numeric, 1e20), ValueError::NumericTooLarge);
        assert_eq!(err(MetricType::Numeric, -0.01), ValueError::Negative);
        assert_eq!(ok(MetricType::Numeric, 12.345), 1235);
        assert_eq!(ok(MetricType::Numeric, 0.300_000_000_000_000_04), 30);
        assert_eq!(
            err(MetricType::Numeric, 999_999.995),
            ValueError::NumericTooLarge
        );
        assert_eq!(
            err(MetricType::Numeric, f64::INFINITY),
            ValueError::NotFinite
        );
    }

    #[test]
    fn duration_values() {
        assert_eq!(ok(MetricType::Duration, 0.0), 0);
        assert_eq!(ok(MetricType::Duration, 1800.0), 180_000);
        assert_eq!(ok(MetricType::Duration, 99_999_999.0), 9_999_999_900);
        assert_eq!(
            err(MetricType::Duration, 100_000_000.0),
            ValueError::DurationTooLarge
        );
        assert_eq!(
            err(MetricType::Duration, 1e300),
            ValueError::DurationTooLarge
        );
        assert_eq!(
            err(MetricType::Duration, 90.5),
            ValueError::DurationNotWhole
        );
        assert_eq!(
            err(MetricType::Duration, 90.001),
            ValueError::DurationNotWhole
        );
        assert_eq!(err(MetricType::Duration, -1.0), ValueError::Negative);
        assert_eq!(
            err(MetricType::Duration, f64::NEG_INFINITY),
            ValueError::NotFinite
        );
    }

    #[test]
    fn notes() {
        assert_eq!(Note::parse("  felt good ").unwrap().as_str(), "felt good");
        assert_eq!(Note::parse("").unwrap().as_str(), "");
        assert!(Note::parse(&"ß".repeat(500)).is_ok());
        assert_eq!(
            Note::parse(&"ß".repeat(501)),
            Err(TextError::TooLong { max: 500 })
        );
    }

    proptest::proptest! {
        #[test]
        fn numeric_hundredths_round_trip(h in 0i64..=99_999_999) {
            let v = h as f64 / 100.0;
            proptest::prop_assert_eq!(ok(MetricType::Numeric, v), h);
        }

        #[test]
        fn whole_seconds_are_durations(s in 0i64..100_000_000) {
            proptest::prop_assert_eq!(ok(MetricType::Duration, s as f64), s * 100);
            proptest::prop_assert_eq!(
                err(MetricType::Duration, s as f64 + 0.5),
                ValueError::DurationNotWhole
            );
        }
    }
}
