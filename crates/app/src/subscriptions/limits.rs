//! The product limit on groups (1 free / 10 premium active non-challenge memberships),
//! checked before the abuse caps (docs/API.md, Subscriptions).

use pursue_domain::ids::UserId;
use pursue_ports::error::RepoError;

use super::SubscriptionService;

/// What the caller is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupLimitAction {
    /// Create a group.
    Create,
    /// Ask to join a group.
    Join,
    /// Approve a joiner (the joiner's limit is checked).
    Approve,
}

/// The limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupLimitReached {
    /// Whose tier: premium users are at 10, free users at 1.
    pub premium: bool,
    /// What was refused.
    pub action: GroupLimitAction,
}

impl SubscriptionService {
    /// Whether `user` may be in one more group; for [`GroupLimitAction::Approve`] pass the
    /// joiner. The approval queue calls this before activating a pending membership.
    pub async fn check_group_limit(
        &self,
        user: UserId,
        action: GroupLimitAction,
    ) -> Result<Result<(), GroupLimitReached>, RepoError> {
        let state = self.state(user).await?;
        Ok(if state.can_add_group() {
            Ok(())
        } else {
            Err(GroupLimitReached {
                premium: state.premium,
                action,
            })
        })
    }
}
