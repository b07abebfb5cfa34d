//! Exponential backoff with jitter for re-scheduling failed deliveries (push, e-mail).
//!
//! Adapters do not retry transient failures themselves; they report them (with the
//! service's `Retry-After` when there is one) and the outbox worker re-schedules the row
//! after [`backoff`]`(attempt, retry_after)`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A backoff policy: the delay doubles from `base` up to `max`, with "equal jitter"
/// (a random point in the upper half of the step), and never undercuts `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry, before jitter.
    pub base: Duration,
    /// Upper bound of the exponential part.
    pub max: Duration,
    /// Upper bound applied to a server's `Retry-After`, so a silly header cannot park a
    /// message for days.
    pub max_retry_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(2),
            max: Duration::from_secs(10 * 60),
            max_retry_after: Duration::from_secs(60 * 60),
        }
    }
}

impl Backoff {
    /// Delay before retry number `attempt` (1 for the first retry), honouring
    /// `retry_after`, with a fresh random jitter.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        self.delay_with_jitter(attempt, retry_after, random_unit())
    }

    /// Like [`Backoff::delay`] with an explicit jitter in `[0, 1]` (0: half the step,
    /// 1: the full step); deterministic, for tests and reproducible schedules.
    pub fn delay_with_jitter(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let step = self
            .base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = step / 2;
        let jittered = half + half.mul_f64(jitter);
        match retry_after {
            Some(after) => jittered.max(after.min(self.max_retry_after)),
            None => jittered,
        }
    }
}

/// Delay before retry number `attempt` (1 for the first retry) with the default policy
/// (2 s doubling to 10 min, jittered), never shorter than `retry_after` (capped at 1 h).
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    Backoff::default().delay(attempt, retry_after)
}

/// A random number in `[0, 1)` from the standard library's randomly keyed hasher;
/// good enough to spread retries, not for anything secret.
fn random_unit() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    hasher.write_u32(nanos);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_step_doubles_per_attempt_and_stops_at_the_maximum() {
        let policy = Backoff::default();
        let full = |attempt| policy.delay_with_jitter(attempt, None, 1.0);
        assert_eq!(full(0), secs(2));
        assert_eq!(full(1), secs(2));
        assert_eq!(full(2), secs(4));
        assert_eq!(full(3), secs(8));
        assert_eq!(full(9), secs(512));
        assert_eq!(full(10), secs(600));
        assert_eq!(full(u32::MAX), secs(600));
    }

    #[test]
    fn jitter_stays_within_the_upper_half_of_the_step() {
        let policy = Backoff::default();
        assert_eq!(policy.delay_with_jitter(3, None, 0.0), secs(4));
        assert_eq!(policy.delay_with_jitter(3, None, 0.5), secs(6));
        assert_eq!(policy.delay_with_jitter(3, None, 7.0), secs(8));
        assert_eq!(policy.delay_with_jitter(3, None, f64::NAN), secs(4));
        for _ in 0..100 {
            let d = backoff(3, None);
            assert!(d >= secs(4) && d <= secs(8), "{d:?}");
        }
    }

    #[test]
    fn retry_after_is_a_lower_bound_with_a_cap() {
        let policy = Backoff::default();
        assert_eq!(policy.delay_with_jitter(1, Some(secs(30)), 1.0), secs(30));
        assert_eq!(policy.delay_with_jitter(8, Some(secs(1)), 1.0), secs(256));
        assert_eq!(
            policy.delay_with_jitter(1, Some(secs(86_400)), 1.0),
            secs(3_600)
        );
    }

    #[test]
    fn random_units_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..50).map(|_| random_unit()).collect();
        assert!(samples.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
