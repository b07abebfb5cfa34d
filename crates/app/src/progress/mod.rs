//! Progress: logging (D2 per-day semantics, D3 idempotency), reading and deleting
//! entries.

mod entry;
mod log;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::goals::GoalRepository;
use pursue_ports::groups::GroupRepository;
use pursue_ports::progress::ProgressRepository;
use pursue_ports::subscription_store::SubscriptionStore;

use crate::subscriptions::SubscriptionGate;

pub use log::LogProgress;

/// Progress use cases.
#[derive(Clone)]
pub struct ProgressService {
    groups: Arc<dyn GroupRepository>,
    goals: Arc<dyn GoalRepository>,
    progress: Arc<dyn ProgressRepository>,
    subscriptions: SubscriptionGate,
    clock: Arc<dyn Clock>,
}

impl ProgressService {
    /// Wires the ports.
    pub fn new(
        groups: Arc<dyn GroupRepository>,
        goals: Arc<dyn GoalRepository>,
        progress: Arc<dyn ProgressRepository>,
    ) -> Self {
        Self {
            groups,
            goals,
            progress,
            subscriptions: SubscriptionGate::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` (the entry's `logged_at`, the subscription state)
    /// instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.subscriptions.set_clock(clock.clone());
        self.clock = clock;
        self
    }

    /// Runs the subscription write check on logging and deleting through `store`.
    pub fn with_subscriptions(mut self, store: Arc<dyn SubscriptionStore>) -> Self {
        self.subscriptions = SubscriptionGate::new(store, self.clock.clone());
        self
    }
}
