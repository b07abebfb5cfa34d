//! Roles in a group and the single authorization table (docs/API.md, Permissions).

mod rules;

pub use rules::{
    LeaveError, LeaveOutcome, LeavePlan, PROMOTION_TIE_WINDOW_HOURS, PromotionCandidate,
    RemovalError, RoleChangeError, check_leave, check_removal, check_role_change, plan_leave,
};

string_enum!(
    /// A member's role in a group. Exactly one creator per group.
    pub enum Role {
        /// Created the group (or inherited it); cannot be demoted or removed.
        Creator => "creator",
        /// Manages the group, its goals and its members.
        Admin => "admin",
        /// Takes part: reads and logs own progress.
        Member => "member",
    }
);

impl Role {
    /// Rank for comparisons: member < admin < creator.
    const fn rank(self) -> u8 {
        match self {
            Role::Member => 0,
            Role::Admin => 1,
            Role::Creator => 2,
        }
    }

    /// Whether this role is at least `required`.
    pub const fn at_least(self, required: Role) -> bool {
        self.rank() >= required.rank()
    }

    /// Position in member lists: creator, then admins, then members.
    pub const fn list_order(self) -> u8 {
        2 - self.rank()
    }
}

string_enum!(
    /// A role the API may assign (`PATCH …/members/:user_id`); never `creator`.
    pub enum AssignableRole {
        /// Promote to admin.
        Admin => "admin",
        /// Demote to member.
        Member => "member",
    }
);

impl AssignableRole {
    /// The corresponding [`Role`].
    pub const fn role(self) -> Role {
        match self {
            AssignableRole::Admin => Role::Admin,
            AssignableRole::Member => Role::Member,
        }
    }
}

impl From<AssignableRole> for Role {
    fn from(role: AssignableRole) -> Self {
        role.role()
    }
}

string_enum!(
    /// The state of a membership row: a member, or a join request awaiting an admin.
    /// (`declined` rows written by older servers are read as no membership.)
    pub enum MembershipStatus {
        /// A member.
        Active => "active",
        /// A join request awaiting approval.
        Pending => "pending",
    }
);

/// A caller's membership in a group: role and state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// The role (a pending request holds `member`).
    pub role: Role,
    /// Active or pending.
    pub status: MembershipStatus,
}

impl Membership {
    /// An active membership with `role`.
    pub const fn active(role: Role) -> Self {
        Self {
            role,
            status: MembershipStatus::Active,
        }
    }

    /// A pending join request.
    pub const fn pending(role: Role) -> Self {
        Self {
            role,
            status: MembershipStatus::Pending,
        }
    }
}

/// Everything a caller may attempt in a group; one row of the table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupAction {
    /// Read the group itself.
    ReadGroup,
    /// List members.
    ReadMembers,
    /// Read the activity feed.
    ReadActivity,
    /// List or read goals.
    ReadGoals,
    /// Read anyone's progress in the group.
    ReadProgress,
    /// Log one's own progress.
    LogOwnProgress,
    /// Delete one's own progress entry.
    DeleteOwnProgress,
    /// Leave the group (the creator's special case is [`check_leave`]).
    Leave,
    /// Edit name, description, emoji or colour.
    EditGroup,
    /// Upload or delete the group icon.
    ManageIcon,
    /// Create invite codes.
    CreateInvite,
    /// Create, edit or archive goals.
    ManageGoals,
    /// Change other members' roles (see [`check_role_change`]).
    ChangeRoles,
    /// Remove other members (see [`check_removal`]).
    RemoveMembers,
    /// Delete the whole group.
    DeleteGroup,
    /// Read the group's standing invite code.
    ReadInvite,
    /// Revoke the invite code and issue a new one.
    RegenerateInvite,
    /// List, approve and decline join requests.
    ReviewJoinRequests,
}

impl GroupAction {
    /// Every action.
    pub const ALL: &'static [GroupAction] = &[
        GroupAction::ReadGroup,
        GroupAction::ReadMembers,
        GroupAction::ReadActivity,
        GroupAction::ReadGoals,
        GroupAction::ReadProgress,
        GroupAction::LogOwnProgress,
        GroupAction::DeleteOwnProgress,
        GroupAction::Leave,
        GroupAction::EditGroup,
        GroupAction::ManageIcon,
        GroupAction::CreateInvite,
        GroupAction::ManageGoals,
        GroupAction::ChangeRoles,
        GroupAction::RemoveMembers,
        GroupAction::DeleteGroup,
        GroupAction::ReadInvite,
        GroupAction::RegenerateInvite,
        GroupAction::ReviewJoinRequests,
    ];

    /// Whether a caller whose join request is still pending may do this: only read the
    /// group itself and withdraw the request (every other action is refused with
    /// [`Denied::PendingApproval`]).
    pub const fn allowed_while_pending(self) -> bool {
        matches!(self, GroupAction::ReadGroup | GroupAction::Leave)
    }

    /// The lowest role allowed to perform the action (the authorization table).
    pub const fn required_role(self) -> Role {
        match self {
            GroupAction::ReadGroup
            | GroupAction::ReadMembers
            | GroupAction::ReadActivity
            | GroupAction::ReadGoals
            | GroupAction::ReadProgress
            | GroupAction::LogOwnProgress
            | GroupAction::DeleteOwnProgress
            | GroupAction::Leave
            | GroupAction::ReadInvite => Role::Member,
            GroupAction::EditGroup
            | GroupAction::RegenerateInvite
            | GroupAction::ReviewJoinRequests
            | GroupAction::ManageIcon
            | GroupAction::CreateInvite
            | GroupAction::ManageGoals
            | GroupAction::ChangeRoles
            | GroupAction::RemoveMembers => Role::Admin,
            GroupAction::DeleteGroup => Role::Creator,
        }
    }
}

/// Why an action in a group was refused (all answer `403`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The caller does not belong to the group (`FORBIDDEN`).
    #[error("not a member of this group")]
    NotMember,
    /// The caller's role is below the action's requirement (`FORBIDDEN`).
    #[error("insufficient role for this action")]
    RoleTooLow,
    /// The caller's join request awaits an admin (`PENDING_APPROVAL`).
    #[error("your request to join this group is awaiting approval")]
    PendingApproval,
}

/// Decides whether a caller with the active `role` (`None` = not an active member) may
/// perform `action`.
pub fn authorize(role: Option<Role>, action: GroupAction) -> Result<(), Denied> {
    authorize_membership(role.map(Membership::active), action)
}

/// The one membership rule of every group-scoped action: no membership → `NotMember`;
/// a pending request → `PendingApproval` unless the action is
/// [`GroupAction::allowed_while_pending`]; then the role table.
pub fn authorize_membership(
    membership: Option<Membership>,
    action: GroupAction,
) -> Result<(), Denied> {
    match membership {
        None => Err(Denied::NotMember),
        Some(m) if m.status == MembershipStatus::Pending => {
            if action.allowed_while_pending() {
                Ok(())
            } else {
                Err(Denied::PendingApproval)
            }
        }
        Some(m) if m.role.at_least(action.required_role()) => Ok(()),
        Some(_) => Err(Denied::RoleTooLow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER_ACTIONS: &[GroupAction] = &[
        GroupAction::ReadGroup,
        GroupAction::ReadMembers,
        GroupAction::ReadActivity,
        GroupAction::ReadGoals,
        GroupAction::ReadProgress,
        GroupAction::LogOwnProgress,
        GroupAction::DeleteOwnProgress,
        GroupAction::Leave,
        GroupAction::ReadInvite,
    ];
    const ADMIN_ACTIONS: &[GroupAction] = &[
        GroupAction::RegenerateInvite,
        GroupAction::ReviewJoinRequests,
        GroupAction::EditGroup,
        GroupAction::ManageIcon,
        GroupAction::CreateInvite,
        GroupAction::ManageGoals,
        GroupAction::ChangeRoles,
        GroupAction::RemoveMembers,
    ];

    #[test]
    fn role_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(*r));
        }
        assert_eq!(Role::Creator.as_str(), "creator");
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn assignable_role_never_creator() {
        assert_eq!(AssignableRole::parse("admin"), Ok(AssignableRole::Admin));
        assert_eq!(AssignableRole::parse("member"), Ok(AssignableRole::Member));
        assert!(AssignableRole::parse("creator").is_err());
        assert!(AssignableRole::parse("Admin").is_err());
        assert_eq!(Role::from(AssignableRole::Admin), Role::Admin);
        assert_eq!(AssignableRole::Member.role(), Role::Member);
    }

    #[test]
    fn role_order() {
        assert!(Role::Creator.at_least(Role::Admin));
        assert!(Role::Admin.at_least(Role::Admin));
        assert!(!Role::Member.at_least(Role::Admin));
        let mut roles = vec![Role::Member, Role::Creator, Role::Admin];
        roles.sort_by_key(|r| r.list_order());
        assert_eq!(roles, vec![Role::Creator, Role::Admin, Role::Member]);
    }

    #[test]
    fn non_members_are_denied_everything() {
        for action in GroupAction::ALL {
            assert_eq!(
                authorize(None, *action),
                Err(Denied::NotMember),
                "{action:?}"
            );
        }
    }

    #[test]
    fn every_role_may_do_member_actions() {
        for action in MEMBER_ACTIONS {
            for role in Role::ALL {
                assert_eq!(
                    authorize(Some(*role), *action),
                    Ok(()),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn admin_actions() {
        for action in ADMIN_ACTIONS {
            assert_eq!(authorize(Some(Role::Creator), *action), Ok(()));
            assert_eq!(authorize(Some(Role::Admin), *action), Ok(()));
            assert_eq!(
                authorize(Some(Role::Member), *action),
                Err(Denied::RoleTooLow)
            );
        }
    }

    #[test]
    fn only_the_creator_deletes_the_group() {
        assert_eq!(
            authorize(Some(Role::Creator), GroupAction::DeleteGroup),
            Ok(())
        );
        assert_eq!(
            authorize(Some(Role::Admin), GroupAction::DeleteGroup),
            Err(Denied::RoleTooLow)
        );
        assert_eq!(
            authorize(Some(Role::Member), GroupAction::DeleteGroup),
            Err(Denied::RoleTooLow)
        );
    }

    #[test]
    fn pending_requests_may_only_read_the_group_and_withdraw() {
        for action in GroupAction::ALL {
            let got = authorize_membership(Some(Membership::pending(Role::Member)), *action);
            if matches!(action, GroupAction::ReadGroup | GroupAction::Leave) {
                assert_eq!(got, Ok(()), "{action:?}");
            } else {
                assert_eq!(got, Err(Denied::PendingApproval), "{action:?}");
            }
        }
        assert_eq!(
            authorize_membership(None, GroupAction::ReadGroup),
            Err(Denied::NotMember)
        );
        assert_eq!(
            authorize_membership(
                Some(Membership::active(Role::Member)),
                GroupAction::ReviewJoinRequests
            ),
            Err(Denied::RoleTooLow)
        );
        assert_eq!(
            MembershipStatus::parse("pending"),
            Ok(MembershipStatus::Pending)
        );
        assert!(MembershipStatus::parse("declined").is_err());
    }

    #[test]
    fn table_is_complete() {
        assert_eq!(
            GroupAction::ALL.len(),
            MEMBER_ACTIONS.len() + ADMIN_ACTIONS.len() + 1
        );
    }
}
