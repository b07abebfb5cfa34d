//! One limiter: a budget of `max` requests per `window` per key, kept as a GCRA
//! ("generic cell rate algorithm") theoretical arrival time in a [`LimitStore`] — process
//! memory by default, Redis when `REDIS_URL` is set (see docs/SECURITY.md).
//!
//! A budget of `max` per `window` regains one request every `window / max`; a key may
//! spend its whole budget at once. Spending is one atomic step of the store, so concurrent
//! requests can never overspend, and a spent unit can be given back ([`Limiter::refund`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use async_trait::async_trait;

use crate::error::ApiError;

/// What a limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let through; `remaining` more fit now, the budget is whole again in `reset`.
    Allowed {
        /// The budget.
        limit: u32,
        /// Requests left right now.
        remaining: u32,
        /// Seconds until the budget is whole again.
        reset: u64,
    },
    /// Refused until `retry_after` seconds have passed.
    Denied {
        /// The budget.
        limit: u32,
        /// Seconds before the next request fits.
        retry_after: u64,
    },
}

/// The outcome of one atomic spend in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// Spent; the key's arrival time is now `ahead` in the future.
    Spent {
        /// How far the key's theoretical arrival time is ahead of now.
        ahead: Duration,
    },
    /// Not spent: the budget is exhausted for `wait`.
    Refused {
        /// Time until one unit fits again.
        wait: Duration,
    },
}

/// Where limiter state lives. Implementations must make `spend` and `refund` atomic per key.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Spends one unit (`interval` of arrival time) of `key` unless that would put its
    /// arrival time more than `window` ahead of now.
    async fn spend(&self, key: &str, interval: Duration, window: Duration)
    -> anyhow::Result<Spend>;
    /// Gives one unit (`interval`) back to `key`.
    async fn refund(&self, key: &str, interval: Duration) -> anyhow::Result<()>;
}

/// The in-memory store (one instance's state).
#[derive(Default)]
pub struct MemoryStore {
    arrivals: Mutex<HashMap<String, Instant>>,
    calls: AtomicU64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl LimitStore for MemoryStore {
    async fn spend(
        &self,
        key: &str,
        interval: Duration,
        window: Duration,
    ) -> anyhow::Result<Spend> {
        let now = Instant::now();
        let mut arrivals = self.arrivals.lock().unwrap_or_else(|e| e.into_inner());
        if self.calls.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            arrivals.retain(|_, tat| *tat > now);
        }
        let tat = arrivals
            .get(key)
            .copied()
            .filter(|t| *t > now)
            .unwrap_or(now);
        let next = tat + interval;
        let ahead = next - now;
        if ahead > window {
            return Ok(Spend::Refused {
                wait: ahead - window,
            });
        }
        arrivals.insert(key.to_owned(), next);
        Ok(Spend::Spent { ahead })
    }

    async fn refund(&self, key: &str, interval: Duration) -> anyhow::Result<()> {
        let now = Instant::now();
        let mut arrivals = self.arrivals.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tat) = arrivals.get_mut(key) {
            match tat.checked_sub(interval) {
                Some(earlier) if earlier > now => *tat = earlier,
                _ => {
                    arrivals.remove(key);
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// One limiter: a budget of `max` requests per `window` per key, refusing with
/// `429 code`.
pub struct Limiter {
    name: &'static str,
    max: u32,
    window: Duration,
    code: &'static str,
    message: &'static str,
    store: Arc<dyn LimitStore>,
}

/// Seconds since the last store-failure log line (one line per 10 s at most).
static LAST_STORE_WARNING: AtomicU64 = AtomicU64::new(0);

impl Limiter {
    /// A limiter with its own in-memory store (use [`crate::middleware::RateLimits::limiter`]
    /// for one that shares the configured store across instances).
    pub fn new(max: u32, window: Duration, code: &'static str, message: &'static str) -> Self {
        Self::on(
            Arc::new(MemoryStore::new()),
            code,
            max,
            window,
            code,
            message,
        )
    }

    /// A limiter keeping its state in `store` under keys prefixed with `name`.
    pub fn on(
        store: Arc<dyn LimitStore>,
        name: &'static str,
        max: u32,
        window: Duration,
        code: &'static str,
        message: &'static str,
    ) -> Self {
        Self {
            name,
            max: max.max(1),
            window,
            code,
            message,
            store,
        }
    }

    /// The budget.
    pub fn max(&self) -> u32 {
        self.max
    }

    fn interval(&self) -> Duration {
        (self.window / self.max).max(Duration::from_millis(1))
    }

    fn store_key(&self, key: &str) -> String {
        format!("pursue:rl:{}:{key}", self.name)
    }

    /// Spends one request of `key` (atomically: concurrent calls never overspend).
    /// Should the store fail, the request is let through and the failure logged.
    pub async fn check(&self, key: &str) -> Decision {
        let interval = self.interval();
        match self
            .store
            .spend(&self.store_key(key), interval, self.window)
            .await
        {
            Ok(Spend::Spent { ahead }) => {
                let left = self.window.saturating_sub(ahead);
                let remaining = u32::try_from(left.as_nanos() / interval.as_nanos().max(1))
                    .unwrap_or(u32::MAX)
                    .min(self.max);
                Decision::Allowed {
                    limit: self.max,
                    remaining,
                    reset: ceil_secs(ahead),
                }
            }
            Ok(Spend::Refused { wait }) => Decision::Denied {
                limit: self.max,
                retry_after: ceil_secs(wait).max(1),
            },
            Err(e) => {
                warn_store_failure(&e);
                Decision::Allowed {
                    limit: self.max,
                    remaining: self.max,
                    reset: 0,
                }
            }
        }
    }

    /// Gives back one request of `key` (e.g. a sign-in that succeeded).
    pub async fn refund(&self, key: &str) {
        if let Err(e) = self
            .store
            .refund(&self.store_key(key), self.interval())
            .await
        {
            warn_store_failure(&e);
        }
    }

    /// Spends one request of `key`, or the `429` to answer.
    pub async fn enforce(&self, key: &str) -> Result<Decision, ApiError> {
        match self.check(key).await {
            Decision::Denied { retry_after, .. } => Err(self.refusal(retry_after)),
            allowed => Ok(allowed),
        }
    }

    /// The 429 for a denied request.
    pub fn refusal(&self, retry_after: u64) -> ApiError {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, self.code, self.message)
            .with_retry_after(retry_after)
    }
}

fn warn_store_failure(e: &anyhow::Error) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let last = LAST_STORE_WARNING.load(Ordering::Relaxed);
    if now >= last + 10
        && LAST_STORE_WARNING
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::error!(error = %e, "rate-limit store unavailable; requests are let through");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed_remaining(d: Decision) -> u32 {
        match d {
            Decision::Allowed { remaining, .. } => remaining,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_budget_is_spent_then_refused_with_a_retry_time() {
        let limiter = Limiter::new(3, Duration::from_secs(60), "X", "x");
        let mut remaining = Vec::new();
        for _ in 0..3 {
            remaining.push(allowed_remaining(limiter.check("k").await));
        }
        assert_eq!(remaining, vec![2, 1, 0]);
        match limiter.check("k").await {
            Decision::Denied { limit, retry_after } => {
                assert_eq!(limit, 3);
                assert!((1..=20).contains(&retry_after), "{retry_after}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(allowed_remaining(limiter.check("other").await), 2);
    }

    #[tokio::test]
    async fn a_refund_gives_one_request_back() {
        let limiter = Limiter::new(2, Duration::from_secs(60), "X", "x");
        limiter.check("k").await;
        limiter.check("k").await;
        assert!(matches!(limiter.check("k").await, Decision::Denied { .. }));
        limiter.refund("k").await;
        assert_eq!(allowed_remaining(limiter.check("k").await), 0);
        limiter.refund("nobody").await;
        assert_eq!(allowed_remaining(limiter.check("nobody").await), 1);
    }

    #[tokio::test]
    async fn concurrent_spends_never_exceed_the_budget() {
        let limiter = Arc::new(Limiter::new(5, Duration::from_secs(900), "X", "x"));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move { l.check("ip").await })
            })
            .collect();
        let mut allowed = 0;
        for t in tasks {
            if matches!(t.await.unwrap(), Decision::Allowed { .. }) {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5);
    }
}
