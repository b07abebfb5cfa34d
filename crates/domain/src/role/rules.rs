//! Membership rules used by the use cases: role changes, removals and leaving.

use super::Role;
use crate::ids::UserId;

/// Why a role change was refused (both `400`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RoleChangeError {
    /// The caller targeted themselves (`CANNOT_CHANGE_OWN_ROLE`).
    #[error("you cannot change your own role")]
    CannotChangeOwnRole,
    /// The target is the creator (`CANNOT_DEMOTE_CREATOR`).
    #[error("the group creator's role cannot be changed")]
    CannotDemoteCreator,
}

/// Checks a role change by `actor` on `target`, whose current role is `target_role`.
/// The caller's permission is checked separately with [`super::authorize`].
pub fn check_role_change(
    actor: UserId,
    target: UserId,
    target_role: Role,
) -> Result<(), RoleChangeError> {
    if actor == target {
        return Err(RoleChangeError::CannotChangeOwnRole);
    }
    if target_role == Role::Creator {
        return Err(RoleChangeError::CannotDemoteCreator);
    }
    Ok(())
}

/// Why removing a member was refused (both `400`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RemovalError {
    /// The caller targeted themselves; leaving goes through `/members/me`
    /// (`CANNOT_REMOVE_SELF`).
    #[error("you cannot remove yourself; leave the group instead")]
    CannotRemoveSelf,
    /// The target is the creator (`CANNOT_REMOVE_CREATOR`).
    #[error("the group creator cannot be removed")]
    CannotRemoveCreator,
}

/// Checks the removal of `target` (current role `target_role`) by `actor`.
/// The caller's permission is checked separately with [`super::authorize`].
pub fn check_removal(actor: UserId, target: UserId, target_role: Role) -> Result<(), RemovalError> {
    if actor == target {
        return Err(RemovalError::CannotRemoveSelf);
    }
    if target_role == Role::Creator {
        return Err(RemovalError::CannotRemoveCreator);
    }
    Ok(())
}

/// What leaving a group does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveOutcome {
    /// Delete the membership; activity `member_left` and its push.
    RemoveMembership,
    /// The creator was the only member: hard-delete the group (no activity, no push).
    DeleteGroup,
}

/// Why leaving was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LeaveError {
    /// The creator cannot leave while others remain (`400 CANNOT_LEAVE_AS_CREATOR`).
    #[error("the creator cannot leave while other members remain")]
    CannotLeaveAsCreator,
}

/// Decides what leaving means for a member with `role` when `other_members` other
/// members (the leaver excluded) remain.
pub fn check_leave(role: Role, other_members: i64) -> Result<LeaveOutcome, LeaveError> {
    match role {
        Role::Creator if other_members > 0 => Err(LeaveError::CannotLeaveAsCreator),
        Role::Creator => Ok(LeaveOutcome::DeleteGroup),
        Role::Admin | Role::Member => Ok(LeaveOutcome::RemoveMembership),
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn ids() -> (UserId, UserId) {
        (
            UserId::from_uuid(Uuid::from_u128(1)),
            UserId::from_uuid(Uuid::from_u128(2)),
        )
    }

    #[test]
    fn role_change() {
        let (a, b) = ids();
        assert_eq!(
            check_role_change(a, a, Role::Admin),
            Err(RoleChangeError::CannotChangeOwnRole)
        );
        assert_eq!(
            check_role_change(a, a, Role::Creator),
            Err(RoleChangeError::CannotChangeOwnRole)
        );
        assert_eq!(
            check_role_change(a, b, Role::Creator),
            Err(RoleChangeError::CannotDemoteCreator)
        );
        assert_eq!(check_role_change(a, b, Role::Admin), Ok(()));
        assert_eq!(check_role_change(a, b, Role::Member), Ok(()));
    }

    #[test]
    fn removal() {
        let (a, b) = ids();
        assert_eq!(
            check_removal(a, a, Role::Admin),
            Err(RemovalError::CannotRemoveSelf)
        );
        assert_eq!(
            check_removal(a, b, Role::Creator),
            Err(RemovalError::CannotRemoveCreator)
        );
        assert_eq!(check_removal(a, b, Role::Admin), Ok(()));
        assert_eq!(check_removal(a, b, Role::Member), Ok(()));
    }

    #[test]
    fn leave() {
        assert_eq!(
            check_leave(Role::Creator, 3),
            Err(LeaveError::CannotLeaveAsCreator)
        );
        assert_eq!(
            check_leave(Role::Creator, 1),
            Err(LeaveError::CannotLeaveAsCreator)
        );
        assert_eq!(check_leave(Role::Creator, 0), Ok(LeaveOutcome::DeleteGroup));
        assert_eq!(
            check_leave(Role::Admin, 0),
            Ok(LeaveOutcome::RemoveMembership)
        );
        assert_eq!(
            check_leave(Role::Member, 5),
            Ok(LeaveOutcome::RemoveMembership)
        );
    }
}
