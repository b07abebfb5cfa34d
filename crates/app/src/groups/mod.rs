//! Groups: creation, reading, editing, membership, invites, the feed and "my groups".

mod create;
mod invites;
mod members;
mod read;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{GroupAction, Membership, Role, authorize, authorize_membership};
use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::groups::{GroupRecord, GroupRepository, WriteGuard};
use pursue_ports::subscription_store::SubscriptionStore;

pub use create::CreateGroup;
pub use invites::{JoinRequested, Regenerated};
pub use read::{FeedItem, FeedPage};

use crate::errors::CoreError;
use crate::subscriptions::SubscriptionGate;

/// Group use cases.
#[derive(Clone)]
pub struct GroupService {
    groups: Arc<dyn GroupRepository>,
    subscriptions: SubscriptionGate,
    clock: Arc<dyn Clock>,
}

impl GroupService {
    /// Wires the port.
    pub fn new(groups: Arc<dyn GroupRepository>) -> Self {
        Self {
            groups,
            subscriptions: SubscriptionGate::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` (join requests, approvals, the subscription state)
    /// instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.subscriptions.set_clock(clock.clone());
        self.clock = clock;
        self
    }

    /// Checks the subscription's group limit on join and approve through `store`.
    pub fn with_subscriptions(mut self, store: Arc<dyn SubscriptionStore>) -> Self {
        self.subscriptions = SubscriptionGate::new(store, self.clock.clone());
        self
    }
}

/// Loads the group (404 when missing) and the caller's membership, and applies the one
/// membership rule (`pursue_domain::role::authorize_membership`): strangers 403
/// `FORBIDDEN`, pending requests 403 `PENDING_APPROVAL` (except reading the group and
/// withdrawing), then the role table.
pub(crate) async fn access(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<(GroupRecord, Role), CoreError> {
    let (record, membership) = access_membership(groups, group, caller, action).await?;
    Ok((record, membership.role))
}

/// [`access`] for a write: the group, and the guard the adapter checks again inside the
/// write's transaction for the same `action`, so each write names its action once.
pub(crate) async fn access_write(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<(GroupRecord, WriteGuard), CoreError> {
    let (record, _) = access(groups, group, caller, action).await?;
    Ok((record, WriteGuard::new(group, caller, action)))
}

/// [`authorize_in`] for a write: the guard for the same `action`.
pub(crate) async fn authorize_write(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<WriteGuard, CoreError> {
    authorize_in(groups, group, caller, action).await?;
    Ok(WriteGuard::new(group, caller, action))
}

/// [`access`], answering the membership itself (active or pending).
pub(crate) async fn access_membership(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<(GroupRecord, Membership), CoreError> {
    let record = groups.find_group(group).await?.ok_or(CoreError::NotFound)?;
    let membership = match groups.role_of(group, caller).await? {
        Some(role) => Some(Membership::active(role)),
        None => groups.membership_of(group, caller).await?,
    };
    authorize_membership(membership, action)?;
    let membership = membership.ok_or(CoreError::NotFound)?;
    Ok((record, membership))
}

/// Checks `action` for a caller of a group known to exist only through a goal or entry:
/// the group row is read only when the caller is not an active member (404 vs 403).
pub(crate) async fn authorize_in(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<Role, CoreError> {
    let role = groups.role_of(group, caller).await?;
    check_role(groups, group, caller, role, action).await
}

/// Applies the membership rule to an active `role` the caller already looked up (`None`
/// = not an active member): only then are the group (404) and a pending request
/// (`PENDING_APPROVAL`) looked up, so the members' path costs no extra query.
pub(crate) async fn check_role(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    role: Option<Role>,
    action: GroupAction,
) -> Result<Role, CoreError> {
    if let Some(role) = role {
        authorize(Some(role), action)?;
        return Ok(role);
    }
    if groups.find_group(group).await?.is_none() {
        return Err(CoreError::NotFound);
    }
    let membership = groups.membership_of(group, caller).await?;
    authorize_membership(membership, action)?;
    membership.map(|m| m.role).ok_or(CoreError::NotFound)
}
