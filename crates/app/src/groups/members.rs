//! `change_role`, `remove_member`, `leave`.

use pursue_domain::activity::ActivityType;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::push::PushKind;
use pursue_domain::role::{AssignableRole, Denied, GroupAction, check_removal, check_role_change};
use pursue_ports::groups::{LeaveRequest, LeaveResult};
use pursue_ports::users::UserRecord;
use serde_json::json;

use super::{GroupService, access, access_write};
use crate::errors::CoreError;
use crate::notify::{activity, push};

impl GroupService {
    /// Changes another active member's role (admin or creator; never one's own, never
    /// the creator's) and writes `member_promoted`; a member made admin is told.
    #[tracing::instrument(level = "debug", name = "groups.change_role", skip_all)]
    pub async fn change_role(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
        role: AssignableRole,
    ) -> Result<(), CoreError> {
        let (_, guard) =
            access_write(&*self.groups, group, caller.id, GroupAction::ChangeRoles).await?;
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
        if self
            .groups
            .change_role(guard, group, target, role, act)
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Removes another active member (admin or creator; never oneself, never the
    /// creator), with `member_removed` activity and push; the removed user is told.
    #[tracing::instrument(level = "debug", name = "groups.remove_member", skip_all)]
    pub async fn remove_member(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
    ) -> Result<(), CoreError> {
        let (record, guard) =
            access_write(&*self.groups, group, caller.id, GroupAction::RemoveMembers).await?;
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
            .remove_member(guard, group, target, caller.id, act, event)
            .await?
        {
            self.subscriptions.refresh_cache(&[target]).await;
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Leaves the group or withdraws a pending request (docs/API.md, "Leaving"): the
    /// creator, or the last admin, hands the role on; the last active member's leave
    /// deletes the group.
    #[tracing::instrument(level = "debug", name = "groups.leave", skip_all)]
    pub async fn leave(&self, caller: &UserRecord, group: GroupId) -> Result<(), CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::Leave).await?;
        let request = LeaveRequest {
            user: caller.id,
            display_name: caller.display_name.clone(),
        };
        match self.groups.leave_group(group, request).await? {
            LeaveResult::NotMember => Err(CoreError::Forbidden(Denied::NotMember)),
            LeaveResult::WithdrewRequest => Ok(()),
            LeaveResult::Left { .. } | LeaveResult::GroupDeleted => {
                self.subscriptions.refresh_cache(&[caller.id]).await;
                Ok(())
            }
        }
    }
}
