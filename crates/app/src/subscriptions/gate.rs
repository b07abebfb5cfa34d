//! The subscription checks run inside the group, goal and progress use cases: the write
//! check on group writes and the group limit on join and approve (docs/API.md,
//! Subscriptions).

use std::sync::Arc;

use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::subscription_state::SubscriptionState;
use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::error::RepoError;
use pursue_ports::subscription_store::SubscriptionStore;

use super::{GroupLimitAction, GroupLimitReached};
use crate::errors::CoreError;

/// Reads the caller's subscription state through the [`SubscriptionStore`] port. Without
/// a store (unit tests of other rules) no subscription rule applies; the server always
/// wires one. The state is computed at the instant `clock` gives.
#[derive(Clone)]
pub(crate) struct SubscriptionGate {
    store: Option<Arc<dyn SubscriptionStore>>,
    clock: Arc<dyn Clock>,
}

impl Default for SubscriptionGate {
    fn default() -> Self {
        Self {
            store: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl SubscriptionGate {
    /// A gate reading `store` at the instants `clock` gives.
    pub(crate) fn new(store: Arc<dyn SubscriptionStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store: Some(store),
            clock,
        }
    }

    /// Reads the time from `clock` from now on.
    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// Whether a store is wired (the server always wires one).
    pub(crate) fn is_wired(&self) -> bool {
        self.store.is_some()
    }

    /// Refreshes the users cache columns of `users` after a membership change, best
    /// effort: a failure is logged, never returned (the next write refreshes again).
    pub(crate) async fn refresh_cache(&self, users: &[UserId]) {
        let Some(store) = &self.store else {
            return;
        };
        for user in users {
            if let Err(e) = store.refresh_cache(*user).await {
                tracing::warn!(user = %user, error = %e, "refreshing the subscription cache failed");
            }
        }
    }

    async fn state(&self, user: UserId) -> Result<Option<SubscriptionState>, RepoError> {
        match &self.store {
            Some(store) => Ok(Some(SubscriptionState::compute(
                &store.facts(user, self.clock.now()).await?,
            ))),
            None => Ok(None),
        }
    }

    /// The write check for `group`, run after the membership and role checks and before
    /// the business rules: `SUBSCRIPTION_GROUP_SELECTION_REQUIRED` or `GROUP_READ_ONLY`.
    /// Challenge groups are never refused (asked only when the check refuses).
    pub(crate) async fn check_write(&self, user: UserId, group: GroupId) -> Result<(), CoreError> {
        let (Some(store), Some(state)) = (&self.store, self.state(user).await?) else {
            return Ok(());
        };
        match state.write_check(group.as_uuid()) {
            Ok(()) => Ok(()),
            Err(_) if store.is_challenge_group(group).await? => Ok(()),
            Err(denied) => Err(CoreError::WriteDenied(denied)),
        }
    }

    /// Whether `user` may be in one more group (`None`) or the limit is reached.
    pub(crate) async fn group_limit(
        &self,
        user: UserId,
        action: GroupLimitAction,
    ) -> Result<Option<GroupLimitReached>, RepoError> {
        Ok(self.state(user).await?.and_then(|state| {
            (!state.can_add_group()).then_some(GroupLimitReached {
                premium: state.premium,
                action,
            })
        }))
    }
}

/// Subscription stores for the use-case tests.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod fixtures {
    use chrono::{Duration, TimeZone, Utc};
    use pursue_domain::ids::GroupId;
    use pursue_domain::purchase::RowStatus;
    use pursue_domain::subscription_state::{KeptSelection, PremiumRow, SubscriptionFacts};
    use pursue_ports::subscription_store::MockSubscriptionStore;

    /// The facts of a user with `group_count` groups, `kept` chosen on 2026-03-01.
    pub(crate) fn facts(
        premium: bool,
        group_count: u32,
        kept: Option<GroupId>,
    ) -> SubscriptionFacts {
        SubscriptionFacts {
            premium: premium.then(|| PremiumRow {
                status: RowStatus::Active,
                expires_at: Utc::now() + Duration::days(30),
                auto_renew: true,
            }),
            has_expired_premium: !premium,
            group_count,
            kept: kept.map(|g| KeptSelection {
                group_id: g.as_uuid(),
                downgrade_date: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
            }),
        }
    }

    /// A store answering [`facts`] (any number of times); no group is a challenge.
    pub(crate) fn store(
        premium: bool,
        group_count: u32,
        kept: Option<GroupId>,
    ) -> MockSubscriptionStore {
        let mut s = MockSubscriptionStore::new();
        s.expect_facts()
            .returning(move |_, _| Ok(facts(premium, group_count, kept)));
        s.expect_is_challenge_group().returning(|_| Ok(false));
        s
    }

    /// The read-only end for [`store`]'s kept selection: 2026-03-31.
    pub(crate) fn read_only_until() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use pursue_domain::ids::{GroupId, UserId};
    use pursue_domain::subscription_state::{SubscriptionFacts, WriteDenied};
    use pursue_ports::subscription_store::MockSubscriptionStore;
    use uuid::Uuid;

    use super::SubscriptionGate;
    use crate::errors::CoreError;

    /// Free, in two groups, nothing kept; `group` is a challenge or not.
    fn over_limit(challenge: bool) -> MockSubscriptionStore {
        let mut s = MockSubscriptionStore::new();
        s.expect_facts().returning(|_, _| {
            Ok(SubscriptionFacts {
                premium: None,
                has_expired_premium: true,
                group_count: 2,
                kept: None,
            })
        });
        s.expect_is_challenge_group()
            .times(1)
            .returning(move |_| Ok(challenge));
        s
    }

    #[tokio::test]
    async fn challenge_groups_are_never_refused() {
        let user = UserId::from_uuid(Uuid::from_u128(1));
        let group = GroupId::from_uuid(Uuid::from_u128(2));
        let gate = SubscriptionGate::new(
            Arc::new(over_limit(true)),
            Arc::new(pursue_ports::clock::SystemClock),
        );
        assert!(gate.check_write(user, group).await.is_ok());
        let gate = SubscriptionGate::new(
            Arc::new(over_limit(false)),
            Arc::new(pursue_ports::clock::SystemClock),
        );
        assert!(matches!(
            gate.check_write(user, group).await,
            Err(CoreError::WriteDenied(WriteDenied::SelectionRequired))
        ));
        // Without a store nothing is checked.
        assert!(
            SubscriptionGate::default()
                .check_write(user, group)
                .await
                .is_ok()
        );
    }
}
