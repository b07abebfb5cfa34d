//! Goals: creation, listing with current-period progress, reading, editing, archiving,
//! and progress history.

mod history;
mod list;
mod manage;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_domain::ids::GoalId;
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
}

impl GoalService {
    /// Wires the ports.
    pub fn new(groups: Arc<dyn GroupRepository>, goals: Arc<dyn GoalRepository>) -> Self {
        Self {
            groups,
            goals,
            subscriptions: SubscriptionGate::default(),
        }
    }

    /// Runs the subscription write check on goal writes through `store`.
    pub fn with_subscriptions(mut self, store: Arc<dyn SubscriptionStore>) -> Self {
        self.subscriptions = SubscriptionGate::new(store);
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
