//! `change_role`, `remove_member`, `leave`.

use pursue_domain::activity::ActivityType;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::push::PushKind;
use pursue_domain::role::{
    AssignableRole, GroupAction, LeaveOutcome, check_leave, check_removal, check_role_change,
};
use pursue_ports::users::UserRecord;
use serde_json::json;

use super::{GroupService, access};
use crate::errors::CoreError;
use crate::notify::{activity, push};

impl GroupService {
    /// Changes another member's role (admin or creator; never one's own, never the
    /// creator's) and writes `member_promoted`.
    #[tracing::instrument(level = "debug", name = "groups.change_role", skip_all)]
    pub async fn change_role(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
        role: AssignableRole,
    ) -> Result<(), CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ChangeRoles).await?;
        if caller.id == target {
            check_role_change(caller.id, target, role.role())?;
        }
        let member = self
            .groups
            .find_member(group, target)
            .await?
            .ok_or(CoreError::NotFound)?;
        check_role_change(caller.id, target, member.role)?;
        let act = activity(
            ActivityType::MemberPromoted,
            caller.id,
            json!({ "target_user_id": target.to_string(), "new_role": role.as_str() }),
        );
        if self.groups.change_role(group, target, role, act).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Removes another member (admin or creator; never oneself, never the creator),
    /// with `member_removed` activity and push.
    #[tracing::instrument(level = "debug", name = "groups.remove_member", skip_all)]
    pub async fn remove_member(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
    ) -> Result<(), CoreError> {
        let (record, _) =
            access(&*self.groups, group, caller.id, GroupAction::RemoveMembers).await?;
        let member = self
            .groups
            .find_member(group, target)
            .await?
            .ok_or(CoreError::NotFound)?;
        check_removal(caller.id, target, member.role)?;
        let act = activity(
            ActivityType::MemberRemoved,
            caller.id,
            json!({ "removed_user_id": target.to_string() }),
        );
        let event = push(
            PushKind::MemberRemoved,
            group,
            &record.name,
            &member.display_name,
            "",
            &[("user_id", target.to_string())],
        );
        if self
            .groups
            .remove_member(group, target, caller.id, act, event)
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Leaves the group. The creator may leave only as the sole member, which deletes
    /// the group; otherwise `member_left` activity and push.
    #[tracing::instrument(level = "debug", name = "groups.leave", skip_all)]
    pub async fn leave(&self, caller: &UserRecord, group: GroupId) -> Result<(), CoreError> {
        let (record, role) = access(&*self.groups, group, caller.id, GroupAction::Leave).await?;
        let others = self.groups.count_other_members(group, caller.id).await?;
        match check_leave(role, others)? {
            LeaveOutcome::DeleteGroup => Ok(self.groups.delete_group(group).await?),
            LeaveOutcome::RemoveMembership => {
                let act = activity(ActivityType::MemberLeft, caller.id, json!({}));
                let event = push(
                    PushKind::MemberLeft,
                    group,
                    &record.name,
                    &caller.display_name,
                    "",
                    &[("user_id", caller.id.to_string())],
                );
                if self
                    .groups
                    .leave_group(group, caller.id, act, event)
                    .await?
                {
                    Ok(())
                } else {
                    Err(CoreError::Forbidden(pursue_domain::role::Denied::NotMember))
                }
            }
        }
    }
}
