//! Roles in a group and the single authorization table (contract §4.1).

mod rules;

pub use rules::{
    LeaveError, LeaveOutcome, RemovalError, RoleChangeError, check_leave, check_removal,
    check_role_change,
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
    ];

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
            | GroupAction::Leave => Role::Member,
            GroupAction::EditGroup
            | GroupAction::ManageIcon
            | GroupAction::CreateInvite
            | GroupAction::ManageGoals
            | GroupAction::ChangeRoles
            | GroupAction::RemoveMembers => Role::Admin,
            GroupAction::DeleteGroup => Role::Creator,
        }
    }
}

/// Why an action in a group was refused (both answer `403 FORBIDDEN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The caller does not belong to the group.
    #[error("not a member of this group")]
    NotMember,
    /// The caller's role is below the action's requirement.
    #[error("insufficient role for this action")]
    RoleTooLow,
}

/// Decides whether a caller with `role` (`None` = not a member) may perform `action`.
pub fn authorize(role: Option<Role>, action: GroupAction) -> Result<(), Denied> {
    match role {
        None => Err(Denied::NotMember),
        Some(role) if role.at_least(action.required_role()) => Ok(()),
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
    ];
    const ADMIN_ACTIONS: &[GroupAction] = &[
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
    fn table_is_complete() {
        assert_eq!(
            GroupAction::ALL.len(),
            MEMBER_ACTIONS.len() + ADMIN_ACTIONS.len() + 1
        );
    }
}
