//! `Decimal2`: exact fixed-point numbers with two decimal places, for every
//! `DECIMAL(10,2)` quantity (targets, progress values, sums).

use std::fmt;

/// Why a number could not become a [`Decimal2`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// NaN or infinite.
    #[error("must be a finite number")]
    NotFinite,
    /// More than two decimal places.
    #[error("must have at most 2 decimal places")]
    TooManyDecimals,
    /// Too large in magnitude to represent.
    #[error("is out of range")]
    OutOfRange,
    /// Text that is not a plain decimal number.
    #[error("must be a decimal number")]
    InvalidFormat,
}

/// A decimal number with exactly two fractional digits, stored as hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Decimal2(i64);

/// Largest accepted magnitude of `value · 100` when converting from `f64`.
const F64_SCALED_LIMIT: f64 = 1e15;

impl Decimal2 {
    /// Zero.
    pub const ZERO: Decimal2 = Decimal2(0);
    /// One.
    pub const ONE: Decimal2 = Decimal2(100);

    /// The number `hundredths / 100`.
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// The whole number `units`, or `None` on overflow.
    pub const fn from_whole(units: i64) -> Option<Self> {
        match units.checked_mul(100) {
            Some(h) => Some(Self(h)),
            None => None,
        }
    }

    /// The value in hundredths.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Whether the value has no fractional part.
    pub const fn is_whole(self) -> bool {
        self.0 % 100 == 0
    }

    /// Whether the value is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Sum, or `None` on overflow.
    pub const fn checked_add(self, other: Decimal2) -> Option<Decimal2> {
        match self.0.checked_add(other.0) {
            Some(h) => Some(Self(h)),
            None => None,
        }
    }

    /// Sum, clamped at the representable bounds.
    pub const fn saturating_add(self, other: Decimal2) -> Decimal2 {
        Self(self.0.saturating_add(other.0))
    }

    /// Converts a JSON number. Float noise (`0.1 + 0.2`) is tolerated and rounded to the
    /// nearest hundredth; a genuine third decimal place (`12.345`) is refused.
    pub fn try_from_f64(value: f64) -> Result<Self, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        let scaled = value * 100.0;
        if scaled.abs() >= F64_SCALED_LIMIT {
            return Err(DecimalError::OutOfRange);
        }
        let rounded = scaled.round();
        // A few ulps of slack relative to the magnitude, and an absolute floor near zero.
        let tolerance = (scaled.abs() * 1e-13).max(1e-9);
        if (scaled - rounded).abs() > tolerance {
            return Err(DecimalError::TooManyDecimals);
        }
        // In range (|rounded| < 1e15 < 2^63) and integral, so the cast is exact.
        Ok(Self(rounded as i64))
    }

    /// The nearest hundredth of a JSON number, halves rounded away from zero, as
    /// PostgreSQL's `NUMERIC(10,2)` stores it. The number is read as the shortest decimal
    /// text that names it, so `12.345` is 12.35 and `0.30000000000000004` is 0.30.
    pub fn round_from_f64(value: f64) -> Result<Self, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        if (value * 100.0).abs() >= F64_SCALED_LIMIT {
            return Err(DecimalError::OutOfRange);
        }
        // `Display` of an f64 is its shortest round-trip form, never in exponent notation.
        let text = value.to_string();
        let (head, rest) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text.as_str(), ""),
        };
        let kept: String = rest.chars().take(2).collect();
        let truncated = if kept.is_empty() {
            Self::parse(head)?
        } else {
            Self::parse(&format!("{head}.{kept}"))?
        };
        let round_up = rest.as_bytes().get(2).is_some_and(|d| *d >= b'5');
        if !round_up {
            return Ok(truncated);
        }
        let step = if head.starts_with('-') { -1 } else { 1 };
        truncated
            .0
            .checked_add(step)
            .map(Self)
            .ok_or(DecimalError::OutOfRange)
    }

    /// The nearest `f64` (exact for every value a JSON client would distinguish).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Parses plain decimal text such as `12`, `-3.5` or `12.500` (database output).
    /// Digits beyond the second decimal place must be zeros.
    pub fn parse(input: &str) -> Result<Self, DecimalError> {
        let (negative, unsigned) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((w, f)) if !f.is_empty() => (w, f),
            Some(_) => return Err(DecimalError::InvalidFormat),
            None => (unsigned, ""),
        };
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(DecimalError::InvalidFormat);
        }
        if fraction.bytes().skip(2).any(|b| b != b'0') {
            return Err(DecimalError::TooManyDecimals);
        }
        let mut magnitude: i128 = 0;
        let frac_digits = fraction.bytes().chain(std::iter::repeat(b'0')).take(2);
        for digit in whole.bytes().chain(frac_digits) {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(digit - b'0')))
                .ok_or(DecimalError::OutOfRange)?;
        }
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed)
            .map(Self)
            .map_err(|_| DecimalError::OutOfRange)
    }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Decimal2 {
    /// Shortest form: `12.5`, `3`, `0.25`, `-1.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        let sign = if self.0 < 0 { "-" } else { "" };
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else if frac % 10 == 0 {
            write!(f, "{sign}{whole}.{}", frac / 10)
        } else {
            write!(f, "{sign}{whole}.{frac:02}")
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(h: i64) -> Decimal2 {
        Decimal2::from_hundredths(h)
    }

    #[test]
    fn from_f64_accepts_two_places() {
        assert_eq!(Decimal2::try_from_f64(12.5), Ok(d(1250)));
        assert_eq!(Decimal2::try_from_f64(3.0), Ok(d(300)));
        assert_eq!(Decimal2::try_from_f64(0.25), Ok(d(25)));
        assert_eq!(Decimal2::try_from_f64(1.15), Ok(d(115)));
        assert_eq!(Decimal2::try_from_f64(999_999.99), Ok(d(99_999_999)));
        assert_eq!(Decimal2::try_from_f64(99_999_999.99), Ok(d(9_999_999_999)));
        assert_eq!(Decimal2::try_from_f64(-4.2), Ok(d(-420)));
        assert_eq!(Decimal2::try_from_f64(0.0), Ok(Decimal2::ZERO));
        assert_eq!(Decimal2::try_from_f64(-0.0), Ok(Decimal2::ZERO));
    }

    #[test]
    fn from_f64_tolerates_float_noise() {
        assert_eq!(Decimal2::try_from_f64(0.1 + 0.2), Ok(d(30)));
        assert_eq!(Decimal2::try_from_f64(0.300_000_000_000_000_04), Ok(d(30)));
        assert_eq!(Decimal2::try_from_f64(1.1 * 3.0), Ok(d(330)));
        assert_eq!(Decimal2::try_from_f64(0.1 + 0.2 - 0.3), Ok(Decimal2::ZERO));
    }

    #[test]
    fn round_from_f64_rounds_halves_up_to_hundredths() {
        assert_eq!(Decimal2::round_from_f64(12.345), Ok(d(1235)));
        assert_eq!(Decimal2::round_from_f64(12.344), Ok(d(1234)));
        assert_eq!(
            Decimal2::round_from_f64(0.300_000_000_000_000_04),
            Ok(d(30))
        );
        assert_eq!(Decimal2::round_from_f64(0.005), Ok(d(1)));
        assert_eq!(Decimal2::round_from_f64(0.004_999), Ok(d(0)));
        assert_eq!(Decimal2::round_from_f64(1.999), Ok(d(200)));
        assert_eq!(Decimal2::round_from_f64(999_999.995), Ok(d(100_000_000)));
        assert_eq!(Decimal2::round_from_f64(-0.125), Ok(d(-13)));
        assert_eq!(Decimal2::round_from_f64(7.0), Ok(d(700)));
        assert_eq!(Decimal2::round_from_f64(1e-7), Ok(d(0)));
        assert_eq!(
            Decimal2::round_from_f64(f64::NAN),
            Err(DecimalError::NotFinite)
        );
        assert_eq!(
            Decimal2::round_from_f64(1e20),
            Err(DecimalError::OutOfRange)
        );
    }

    #[test]
    fn from_f64_refuses_third_decimal() {
        for v in [12.345, 0.001, 0.005, 999_999.991, 1.999, 0.000_001, -0.125] {
            assert_eq!(
                Decimal2::try_from_f64(v),
                Err(DecimalError::TooManyDecimals),
                "{v}"
            );
        }
    }

    #[test]
    fn from_f64_refuses_non_finite_and_huge() {
        assert_eq!(
            Decimal2::try_from_f64(f64::NAN),
            Err(DecimalError::NotFinite)
        );
        assert_eq!(
            Decimal2::try_from_f64(f64::INFINITY),
            Err(DecimalError::NotFinite)
        );
        assert_eq!(
            Decimal2::try_from_f64(f64::NEG_INFINITY),
            Err(DecimalError::NotFinite)
        );
        assert_eq!(Decimal2::try_from_f64(1e13), Err(DecimalError::OutOfRange));
        assert_eq!(
            Decimal2::try_from_f64(-1e300),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(
            Decimal2::try_from_f64(f64::MAX),
            Err(DecimalError::OutOfRange)
        );
    }

    #[test]
    fn to_f64_is_the_nearest_double() {
        assert_eq!(d(30).to_f64().to_string(), "0.3");
        assert_eq!(d(1250).to_f64().to_string(), "12.5");
        assert_eq!(d(99_999_999).to_f64().to_string(), "999999.99");
        assert_eq!(d(-5).to_f64().to_string(), "-0.05");
    }

    #[test]
    fn display_has_no_trailing_zeros() {
        assert_eq!(d(1250).to_string(), "12.5");
        assert_eq!(d(300).to_string(), "3");
        assert_eq!(d(25).to_string(), "0.25");
        assert_eq!(d(5).to_string(), "0.05");
        assert_eq!(d(0).to_string(), "0");
        assert_eq!(d(-105).to_string(), "-1.05");
        assert_eq!(d(-50).to_string(), "-0.5");
        assert_eq!(d(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn parse_text() {
        assert_eq!(Decimal2::parse("12"), Ok(d(1200)));
        assert_eq!(Decimal2::parse("12.5"), Ok(d(1250)));
        assert_eq!(Decimal2::parse("12.50"), Ok(d(1250)));
        assert_eq!(Decimal2::parse("12.500"), Ok(d(1250)));
        assert_eq!(Decimal2::parse("0.05"), Ok(d(5)));
        assert_eq!(Decimal2::parse("-3.25"), Ok(d(-325)));
        assert_eq!(
            Decimal2::parse("12.345"),
            Err(DecimalError::TooManyDecimals)
        );
        for bad in [
            "", "-", ".5", "5.", "1e3", "+1", "1,5", " 1", "1.2.3", "--1", "0x10",
        ] {
            assert_eq!(
                Decimal2::parse(bad),
                Err(DecimalError::InvalidFormat),
                "{bad:?}"
            );
        }
        assert_eq!(
            Decimal2::parse("99999999999999999999"),
            Err(DecimalError::OutOfRange)
        );
    }

    #[test]
    fn arithmetic_helpers() {
        assert_eq!(Decimal2::from_whole(7), Some(d(700)));
        assert_eq!(Decimal2::from_whole(i64::MAX), None);
        assert!(d(700).is_whole());
        assert!(!d(701).is_whole());
        assert!(d(-1).is_negative());
        assert_eq!(d(1).checked_add(d(2)), Some(d(3)));
        assert_eq!(d(i64::MAX).checked_add(d(1)), None);
        assert_eq!(d(i64::MAX).saturating_add(d(1)), d(i64::MAX));
        assert!(d(150) > Decimal2::ONE);
    }

    proptest! {
        #[test]
        fn f64_round_trip(h in -10_000_000_000i64..10_000_000_000) {
            let value = d(h);
            prop_assert_eq!(Decimal2::try_from_f64(value.to_f64()), Ok(value));
        }

        #[test]
        fn text_round_trip(h in proptest::num::i64::ANY) {
            let value = d(h);
            prop_assert_eq!(Decimal2::parse(&value.to_string()), Ok(value));
        }
    }
}
