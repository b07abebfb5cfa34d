//! Per-period totals, computed exactly in hundredths.

use crate::decimal::Decimal2;
use crate::goal::MetricType;

/// One user's progress on a goal over one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregate {
    /// Binary: days done; numeric/duration: sum of values.
    pub completed: Decimal2,
    /// The target: binary defaults to 1, numeric/duration to 0.
    pub total: Decimal2,
    /// `round_half_up(100 · completed / total)`, 0 when `total` is 0; not capped at 100.
    pub percentage: i64,
}

/// Aggregates one user's `entries` (the values logged in the period) for a goal with
/// `metric` and `target`. Binary counts entries equal to 1 (at most one per day), so
/// entries of 0 do not count; numeric and duration sum the values.
pub fn aggregate(metric: MetricType, target: Option<Decimal2>, entries: &[Decimal2]) -> Aggregate {
    let (completed, total) = match metric {
        MetricType::Binary | MetricType::Journal => {
            let done = entries.iter().filter(|v| **v == Decimal2::ONE).count();
            let done = i64::try_from(done).unwrap_or(i64::MAX);
            let completed =
                Decimal2::from_whole(done).unwrap_or(Decimal2::from_hundredths(i64::MAX));
            (completed, target.unwrap_or(Decimal2::ONE))
        }
        MetricType::Numeric | MetricType::Duration => {
            let sum: i128 = entries.iter().map(|v| i128::from(v.hundredths())).sum();
            (
                Decimal2::from_hundredths(clamp_i64(sum)),
                target.unwrap_or(Decimal2::ZERO),
            )
        }
    };
    Aggregate {
        completed,
        total,
        percentage: percentage(completed, total),
    }
}

/// `round_half_up(100 · completed / total)` in exact integer arithmetic; 0 when
/// `total ≤ 0`. Not capped at 100.
pub fn percentage(completed: Decimal2, total: Decimal2) -> i64 {
    let c = i128::from(completed.hundredths());
    let t = i128::from(total.hundredths());
    if t <= 0 {
        return 0;
    }
    // floor(100c/t + 1/2) = floor((200c + t) / 2t); div_euclid floors for a positive divisor.
    clamp_i64((200 * c + t).div_euclid(2 * t))
}

fn clamp_i64(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(units: f64) -> Decimal2 {
        Decimal2::try_from_f64(units).unwrap()
    }

    #[test]
    fn rounding() {
        assert_eq!(percentage(d(1.0), d(3.0)), 33);
        assert_eq!(percentage(d(2.0), d(3.0)), 67);
        assert_eq!(percentage(d(1.0), d(8.0)), 13);
        assert_eq!(percentage(d(3.0), d(8.0)), 38);
        assert_eq!(percentage(d(1.0), d(200.0)), 1);
        assert_eq!(percentage(d(1.0), d(201.0)), 0);
        assert_eq!(percentage(d(0.0), d(5.0)), 0);
        assert_eq!(percentage(d(5.0), d(5.0)), 100);
        assert_eq!(percentage(d(0.5), d(0.75)), 67);
    }

    #[test]
    fn zero_total_gives_zero() {
        assert_eq!(percentage(d(10.0), Decimal2::ZERO), 0);
        assert_eq!(percentage(Decimal2::ZERO, Decimal2::ZERO), 0);
    }

    #[test]
    fn not_capped() {
        assert_eq!(percentage(d(7.0), d(5.0)), 140);
        assert_eq!(percentage(d(999_999.99), d(0.01)), 9_999_999_900);
    }

    #[test]
    fn binary_counts_only_ones() {
        let entries = [d(1.0), d(0.0), d(1.0), d(0.0)];
        let a = aggregate(MetricType::Binary, Some(d(3.0)), &entries);
        assert_eq!(
            a,
            Aggregate {
                completed: d(2.0),
                total: d(3.0),
                percentage: 67
            }
        );
        let a = aggregate(MetricType::Binary, None, &[d(0.0)]);
        assert_eq!(
            a,
            Aggregate {
                completed: d(0.0),
                total: d(1.0),
                percentage: 0
            }
        );
        let a = aggregate(MetricType::Binary, None, &[d(1.0)]);
        assert_eq!(a.percentage, 100);
        let a = aggregate(MetricType::Binary, None, &[d(1.0), d(1.0)]);
        assert_eq!((a.completed, a.percentage), (d(2.0), 200));
        let a = aggregate(MetricType::Binary, None, &[]);
        assert_eq!(
            a,
            Aggregate {
                completed: d(0.0),
                total: d(1.0),
                percentage: 0
            }
        );
    }

    #[test]
    fn numeric_and_duration_sum() {
        let a = aggregate(
            MetricType::Numeric,
            Some(d(10.0)),
            &[d(2.5), d(0.0), d(1.25)],
        );
        assert_eq!(
            a,
            Aggregate {
                completed: d(3.75),
                total: d(10.0),
                percentage: 38
            }
        );
        let a = aggregate(MetricType::Numeric, None, &[d(4.0)]);
        assert_eq!(
            a,
            Aggregate {
                completed: d(4.0),
                total: d(0.0),
                percentage: 0
            }
        );
        let a = aggregate(
            MetricType::Duration,
            Some(d(3600.0)),
            &[d(1800.0), d(2700.0)],
        );
        assert_eq!(
            a,
            Aggregate {
                completed: d(4500.0),
                total: d(3600.0),
                percentage: 125
            }
        );
        let a = aggregate(MetricType::Duration, None, &[]);
        assert_eq!(
            a,
            Aggregate {
                completed: d(0.0),
                total: d(0.0),
                percentage: 0
            }
        );
    }

    #[test]
    fn exact_where_floats_would_drift() {
        // 0.1 · 3 summed in floats is 0.30000000000000004; in hundredths it is exact.
        let a = aggregate(MetricType::Numeric, Some(d(0.6)), &[d(0.1), d(0.1), d(0.1)]);
        assert_eq!((a.completed, a.percentage), (d(0.3), 50));
        // 100 · 0.29 / 0.58 = 50 exactly; 0.29 * 100.0 in floats is 28.999999999999996.
        assert_eq!(percentage(d(0.29), d(0.58)), 50);
        // Exactly half: 1/200 of 100 = 0.5 rounds up.
        assert_eq!(percentage(d(0.01), d(2.0)), 1);
    }

    #[test]
    fn extremes_saturate() {
        let big = Decimal2::from_hundredths(i64::MAX);
        let a = aggregate(MetricType::Numeric, Some(d(1.0)), &[big, big]);
        assert_eq!(a.completed, big);
        assert_eq!(percentage(big, Decimal2::from_hundredths(1)), i64::MAX);
    }

    fn exact(c: i64, t: i64) -> f64 {
        100.0 * c as f64 / t as f64
    }

    proptest! {
        #[test]
        fn percentage_is_monotone_in_completed(
            a in 0i64..100_000_000_000,
            b in 0i64..100_000_000_000,
            t in 1i64..100_000_000,
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let total = Decimal2::from_hundredths(t);
            prop_assert!(
                percentage(Decimal2::from_hundredths(lo), total)
                    <= percentage(Decimal2::from_hundredths(hi), total)
            );
        }

        #[test]
        fn percentage_is_the_rounded_ratio(c in 0i64..10_000_000, t in 1i64..10_000_000) {
            let p = percentage(Decimal2::from_hundredths(c), Decimal2::from_hundredths(t));
            let x = exact(c, t);
            prop_assert!((p as f64 - x) <= 0.5 + 1e-9 && (x - p as f64) < 0.5 + 1e-9);
        }

        #[test]
        fn numeric_completed_is_the_sum(values in prop::collection::vec(0i64..99_999_999, 0..40)) {
            let entries: Vec<Decimal2> = values.iter().copied().map(Decimal2::from_hundredths).collect();
            let a = aggregate(MetricType::Numeric, None, &entries);
            prop_assert_eq!(a.completed.hundredths(), values.iter().sum::<i64>());
            prop_assert_eq!(a.percentage, 0);
        }

        #[test]
        fn binary_completed_counts_ones(ones in prop::collection::vec(any::<bool>(), 0..40)) {
            let entries: Vec<Decimal2> = ones
                .iter()
                .map(|one| if *one { Decimal2::ONE } else { Decimal2::ZERO })
                .collect();
            let expected = ones.iter().filter(|one| **one).count() as i64;
            let a = aggregate(MetricType::Binary, Some(Decimal2::from_hundredths(700)), &entries);
            prop_assert_eq!(a.completed.hundredths(), expected * 100);
            prop_assert_eq!(a.percentage, (200 * expected + 7) / 14);
        }
    }
}
