//! Goals: creation, listing with current-period progress, reading, editing, archiving,
//! and progress history.

mod history;
mod list;
mod manage;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_clock;

use std::sync::Arc;

use pursue_domain::ids::GoalId;
use pursue_ports::clock::{Clock, IdGen, RandomIds, SystemClock};
use pursue_ports::goals::{GoalRecord, GoalRepository};
use pursue_ports::groups::GroupRepository;
use pursue_ports::subscription_store::SubscriptionStore;

pub use history::{GoalHistory, MemberEntries};
pub use list::{GoalView, MemberProgress, PeriodProgress, UserProgress};

use crate::errors::CoreError;
use crate::subscriptions::SubscriptionGate;

/// Goal use cases.
#[derive(Clone)]
pub struct GoalService {
    groups: Arc<dyn GroupRepository>,
    goals: Arc<dyn GoalRepository>,
    subscriptions: SubscriptionGate,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
}

impl GoalService {
    /// Wires the ports.
    pub fn new(groups: Arc<dyn GroupRepository>, goals: Arc<dyn GoalRepository>) -> Self {
        Self {
            groups,
            goals,
            subscriptions: SubscriptionGate::default(),
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
        }
    }

    /// Reads the time from `clock` (the current period) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.subscriptions.set_clock(clock.clone());
        self.clock = clock;
        self
    }

    /// Takes new goal ids from `ids` instead of random ones.
    pub fn with_ids(mut self, ids: Arc<dyn IdGen>) -> Self {
        self.ids = ids;
        self
    }

    /// Runs the subscription write check on goal writes through `store`.
    pub fn with_subscriptions(mut self, store: Arc<dyn SubscriptionStore>) -> Self {
        self.subscriptions = SubscriptionGate::new(store, self.clock.clone());
        self
    }

    /// The active (not archived) goal `id`, else 404.
    pub(crate) async fn active_goal(&self, id: GoalId) -> Result<GoalRecord, CoreError> {
        match self.goals.find_goal(id).await? {
            Some(g) if g.archived_at.is_none() => Ok(g),
            _ => Err(CoreError::NotFound),
        }
    }
}
