//! A circuit breaker: stops calling a service that keeps failing, probes it after a
//! cool-down, and resumes when it answers again.
//!
//! - **Closed**: calls pass; `failure_threshold` consecutive failures open the circuit.
//! - **Open**: calls are refused without touching the network until `cooldown` has passed.
//! - **Half-open**: one probe call passes, the others are refused; a success closes the
//!   circuit, a failure opens it for another cool-down.
//!
//! A call takes an [`Attempt`] and reports how it went; an attempt dropped without a
//! report (a cancelled call) frees the probe slot without changing the state.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A monotonic time source, replaceable in tests.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        ManualClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut elapsed = lock(&self.elapsed);
        *elapsed += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let elapsed = *lock(&self.elapsed);
        self.start.checked_add(elapsed).unwrap_or(self.start)
    }
}

/// Settings of the circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open the circuit (at least 1).
    pub failure_threshold: u32,
    /// How long the circuit stays open before a probe is let through.
    pub cooldown: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            cooldown: Duration::from_secs(30),
        }
    }
}

/// The breaker's state, as reported by [`CircuitBreaker::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls pass; `failures` consecutive failures so far.
    Closed {
        /// Consecutive failures since the last success.
        failures: u32,
    },
    /// Calls are refused until `until`.
    Open {
        /// End of the cool-down.
        until: Instant,
    },
    /// The cool-down is over; one probe may pass (`probing` once it has).
    HalfOpen {
        /// Whether the probe is under way.
        probing: bool,
    },
}

/// How a call went, from the breaker's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The service answered (even with a refusal of this call).
    Success,
    /// The service failed (server error, overload, timeout, network).
    Failure,
    /// Says nothing about the service (a local error).
    Neutral,
}

/// Counts failures of calls to one service and refuses calls while it is down.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    state: Arc<Mutex<BreakerState>>,
    config: BreakerConfig,
    clock: Arc<dyn Clock>,
}

/// Permission for one call; report its result with [`Attempt::finish`].
#[derive(Debug)]
#[must_use = "report the call's outcome with `finish`"]
pub struct Attempt {
    breaker: CircuitBreaker,
    probe: bool,
    finished: bool,
}

impl CircuitBreaker {
    /// A closed breaker with the real clock.
    pub fn new(config: BreakerConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A closed breaker reading time from `clock`.
    pub fn with_clock(config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        CircuitBreaker {
            state: Arc::new(Mutex::new(BreakerState::Closed { failures: 0 })),
            config: BreakerConfig {
                failure_threshold: config.failure_threshold.max(1),
                cooldown: config.cooldown,
            },
            clock,
        }
    }

    /// The current state (an open circuit whose cool-down has passed reads as half-open).
    pub fn state(&self) -> BreakerState {
        let mut state = lock(&self.state);
        self.expire_cooldown(&mut state);
        *state
    }

    /// Asks to make a call.
    ///
    /// Errors: the time until the next probe may pass when the circuit is open, or the
    /// cool-down length when another probe is already under way.
    pub fn try_acquire(&self) -> Result<Attempt, Duration> {
        let mut state = lock(&self.state);
        self.expire_cooldown(&mut state);
        let probe = match *state {
            BreakerState::Closed { .. } => false,
            BreakerState::Open { until } => {
                return Err(until.saturating_duration_since(self.clock.now()));
            }
            BreakerState::HalfOpen { probing: true } => return Err(self.config.cooldown),
            BreakerState::HalfOpen { probing: false } => {
                *state = BreakerState::HalfOpen { probing: true };
                true
            }
        };
        Ok(Attempt {
            breaker: self.clone(),
            probe,
            finished: false,
        })
    }

    fn expire_cooldown(&self, state: &mut BreakerState) {
        if let BreakerState::Open { until } = *state
            && self.clock.now() >= until
        {
            *state = BreakerState::HalfOpen { probing: false };
        }
    }

    fn open(&self, state: &mut BreakerState) {
        let now = self.clock.now();
        let until = now.checked_add(self.config.cooldown).unwrap_or(now);
        tracing::warn!(
            cooldown_secs = self.config.cooldown.as_secs(),
            "circuit breaker opened: calls are refused until a probe succeeds"
        );
        *state = BreakerState::Open { until };
    }

    fn record(&self, probe: bool, outcome: Outcome) {
        let mut state = lock(&self.state);
        match (*state, outcome) {
            (_, Outcome::Success) if probe => {
                tracing::info!("circuit breaker closed: the probe succeeded");
                *state = BreakerState::Closed { failures: 0 };
            }
            (_, Outcome::Failure) if probe => self.open(&mut state),
            (BreakerState::HalfOpen { .. }, Outcome::Neutral) if probe => {
                *state = BreakerState::HalfOpen { probing: false };
            }
            (BreakerState::Closed { .. }, Outcome::Success) => {
                *state = BreakerState::Closed { failures: 0 };
            }
            (BreakerState::Closed { failures }, Outcome::Failure) => {
                let failures = failures.saturating_add(1);
                if failures >= self.config.failure_threshold {
                    self.open(&mut state);
                } else {
                    *state = BreakerState::Closed { failures };
                }
            }
            // Late results of calls admitted before the circuit opened change nothing.
            _ => {}
        }
    }
}

impl Attempt {
    /// Reports how the call went.
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.breaker.record(self.probe, outcome);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.finished {
            self.breaker.record(self.probe, Outcome::Neutral);
        }
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
#[path = "breaker_tests.rs"]
mod tests;
