//! Groups: creation, reading, editing, membership, invites, the feed and "my groups".

mod create;
mod invites;
mod members;
mod read;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{GroupAction, Role, authorize};
use pursue_ports::groups::{GroupRecord, GroupRepository};

pub use create::CreateGroup;

use crate::errors::CoreError;

/// Group use cases.
#[derive(Clone)]
pub struct GroupService {
    groups: Arc<dyn GroupRepository>,
}

impl GroupService {
    /// Wires the port.
    pub fn new(groups: Arc<dyn GroupRepository>) -> Self {
        Self { groups }
    }
}

/// Loads the group (404 when missing) and the caller's role, and asks the domain's
/// authorization table whether `action` is allowed (403 otherwise).
pub(crate) async fn access(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<(GroupRecord, Role), CoreError> {
    let record = groups.find_group(group).await?.ok_or(CoreError::NotFound)?;
    let role = groups.role_of(group, caller).await?;
    authorize(role, action)?;
    let role = role.ok_or(CoreError::NotFound)?;
    Ok((record, role))
}

/// Checks `action` for a caller of a group known to exist only through a goal or entry:
/// the group row is read only when the caller is not a member (404 vs 403).
pub(crate) async fn authorize_in(
    groups: &dyn GroupRepository,
    group: GroupId,
    caller: UserId,
    action: GroupAction,
) -> Result<Role, CoreError> {
    let role = groups.role_of(group, caller).await?;
    if role.is_none() && groups.find_group(group).await?.is_none() {
        return Err(CoreError::NotFound);
    }
    authorize(role, action)?;
    role.ok_or(CoreError::NotFound)
}
