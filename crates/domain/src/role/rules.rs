//! Membership rules used by the use cases: role changes, removals and leaving.

use chrono::{DateTime, Duration, Utc};

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

/// A remaining active member considered when the last admin (or the creator) leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromotionCandidate {
    /// The member.
    pub user: UserId,
    /// Current role.
    pub role: Role,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Latest of their activities and logs in the group and their devices' last use.
    pub last_active: Option<DateTime<Utc>>,
}

/// What an active member's leave does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeavePlan {
    /// Nobody active remains: delete the group.
    DeleteGroup,
    /// Delete the membership, first giving `promote` the leaver's role when set.
    Leave {
        /// The member who takes over the leaver's role (`admin` or `creator`).
        promote: Option<(UserId, Role)>,
    },
}

/// How close to the most recently active candidate another one must be to tie.
pub const PROMOTION_TIE_WINDOW_HOURS: i64 = 48;

/// Decides what leaving means (docs/API.md, "Leaving"): with nobody else active the
/// group goes; the creator, or an admin leaving no other admin behind, hands the role to
/// one member: the remaining admins when the creator leaves and admins remain, else
/// every remaining member; among them the most recently active (ties within 48 hours),
/// then the earliest `joined_at`, then the lowest id.
pub fn plan_leave(leaver: Role, others: &[PromotionCandidate]) -> LeavePlan {
    if others.is_empty() {
        return LeavePlan::DeleteGroup;
    }
    let admins: Vec<&PromotionCandidate> = others
        .iter()
        .filter(|c| c.role.at_least(Role::Admin))
        .collect();
    let needs_promotion = match leaver {
        Role::Creator => true,
        Role::Admin => admins.is_empty(),
        Role::Member => false,
    };
    if !needs_promotion {
        return LeavePlan::Leave { promote: None };
    }
    let pool: Vec<&PromotionCandidate> = if leaver == Role::Creator && !admins.is_empty() {
        admins
    } else {
        others.iter().collect()
    };
    let last = |c: &PromotionCandidate| c.last_active.unwrap_or(c.joined_at).max(c.joined_at);
    let Some(newest) = pool.iter().map(|c| last(c)).max() else {
        return LeavePlan::Leave { promote: None };
    };
    let window = Duration::hours(PROMOTION_TIE_WINDOW_HOURS);
    let chosen = pool
        .into_iter()
        .filter(|c| newest - last(c) <= window)
        .min_by_key(|c| (c.joined_at, c.user.as_uuid()));
    LeavePlan::Leave {
        promote: chosen.map(|c| (c.user, leaver)),
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

    fn cand(
        n: u128,
        role: Role,
        joined_days_ago: i64,
        active_hours_ago: Option<i64>,
    ) -> PromotionCandidate {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        PromotionCandidate {
            user: UserId::from_uuid(Uuid::from_u128(n)),
            role,
            joined_at: now - Duration::days(joined_days_ago),
            last_active: active_hours_ago.map(|h| now - Duration::hours(h)),
        }
    }

    fn promoted(plan: LeavePlan) -> Option<(u128, Role)> {
        match plan {
            LeavePlan::Leave { promote } => promote.map(|(u, r)| (u.as_uuid().as_u128(), r)),
            LeavePlan::DeleteGroup => None,
        }
    }

    #[test]
    fn leave_plans() {
        assert_eq!(plan_leave(Role::Creator, &[]), LeavePlan::DeleteGroup);
        assert_eq!(plan_leave(Role::Member, &[]), LeavePlan::DeleteGroup);
        let members = [
            cand(2, Role::Member, 1, None),
            cand(3, Role::Member, 2, None),
        ];
        assert_eq!(
            plan_leave(Role::Member, &members),
            LeavePlan::Leave { promote: None }
        );
        // Without activity the join instant counts; both within 48 hours: the earliest.
        assert_eq!(
            promoted(plan_leave(Role::Creator, &members)),
            Some((3, Role::Creator))
        );
        assert_eq!(
            promoted(plan_leave(Role::Admin, &members)),
            Some((3, Role::Admin))
        );
        // An admin leaving while another admin (or the creator) stays promotes nobody.
        let with_admin = [
            cand(2, Role::Admin, 1, None),
            cand(3, Role::Member, 20, None),
        ];
        assert_eq!(
            plan_leave(Role::Admin, &with_admin),
            LeavePlan::Leave { promote: None }
        );
        // The creator's role goes to a remaining admin first.
        assert_eq!(
            promoted(plan_leave(Role::Creator, &with_admin)),
            Some((2, Role::Creator))
        );
        // Recent activity beats seniority outside the 48-hour window, not inside it.
        let active = [
            cand(2, Role::Member, 5, Some(1)),
            cand(3, Role::Member, 30, Some(100)),
        ];
        assert_eq!(
            promoted(plan_leave(Role::Creator, &active)),
            Some((2, Role::Creator))
        );
        let tied = [
            cand(2, Role::Member, 5, Some(1)),
            cand(3, Role::Member, 30, Some(40)),
        ];
        assert_eq!(
            promoted(plan_leave(Role::Creator, &tied)),
            Some((3, Role::Creator))
        );
        // Same join instant: the lowest id.
        let same = [
            cand(5, Role::Member, 3, None),
            cand(4, Role::Member, 3, None),
        ];
        assert_eq!(
            promoted(plan_leave(Role::Admin, &same)),
            Some((4, Role::Admin))
        );
        // Without activity, a recent joiner beats one who joined long ago.
        let apart = [
            cand(2, Role::Member, 10, None),
            cand(3, Role::Member, 20, None),
        ];
        assert_eq!(
            promoted(plan_leave(Role::Admin, &apart)),
            Some((2, Role::Admin))
        );
    }
}
