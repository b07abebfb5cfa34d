//! `create_group`, `update_group`, `delete_group`.

use pursue_domain::activity::ActivityType;
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::group::{GroupDescription, GroupName, IconColor, IconEmoji, IconUrl};
use pursue_domain::ids::{GoalId, GroupId};
use pursue_domain::role::GroupAction;
use pursue_ports::groups::{CapError, GroupPatch, GroupRecord, NewGroup};
use pursue_ports::users::UserRecord;
use serde_json::json;
use uuid::Uuid;

use super::invites::{CODE_ATTEMPTS, new_code, no_free_code};
use super::{GroupService, access_write};
use crate::errors::CoreError;
use crate::notify::activity;

/// A validated `POST /api/groups` request.
#[derive(Debug, Clone)]
pub struct CreateGroup {
    /// Name.
    pub name: GroupName,
    /// Description.
    pub description: Option<GroupDescription>,
    /// Emoji.
    pub icon_emoji: Option<IconEmoji>,
    /// Colour.
    pub icon_color: Option<IconColor>,
    /// Icon image URL.
    pub icon_url: Option<IconUrl>,
    /// Goals to create with the group.
    pub initial_goals: Vec<NewGoalSpec>,
}

impl GroupService {
    /// Creates a group with the caller as creator, its initial goals, its first invite
    /// code and the `group_created {group_name, invite_code}` activity; caps are checked
    /// atomically by the repository. Returns the group and its code.
    #[tracing::instrument(level = "debug", name = "groups.create_group", skip_all)]
    pub async fn create_group(
        &self,
        caller: &UserRecord,
        input: CreateGroup,
    ) -> Result<(GroupRecord, String), CoreError> {
        // The creator's subscription group limit is checked here (GROUP_LIMIT_REACHED).
        let id = GroupId::from_uuid(Uuid::new_v4());
        let initial_goals: Vec<_> = input
            .initial_goals
            .into_iter()
            .map(|g| (GoalId::from_uuid(Uuid::new_v4()), g))
            .collect();
        for _ in 0..CODE_ATTEMPTS {
            let code = new_code();
            let metadata = json!({
                "group_name": input.name.as_str(),
                "invite_code": code.as_str(),
            });
            let group = NewGroup {
                id,
                creator: caller.id,
                name: input.name.clone(),
                description: input.description.clone(),
                icon_emoji: input.icon_emoji.clone(),
                icon_color: input.icon_color.clone(),
                icon_url: input.icon_url.clone(),
                invite_code: code.clone(),
                initial_goals: initial_goals.clone(),
            };
            let act = activity(ActivityType::GroupCreated, caller.id, metadata);
            match self.groups.create_group(group, act).await {
                Ok(record) => {
                    self.subscriptions.refresh_cache(&[caller.id]).await;
                    return Ok((record, code.into_inner()));
                }
                Err(CapError::CodeTaken) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(no_free_code())
    }

    /// Edits the group (admin or creator); a name change writes `group_renamed`.
    #[tracing::instrument(level = "debug", name = "groups.update_group", skip_all)]
    pub async fn update_group(
        &self,
        caller: &UserRecord,
        group: GroupId,
        patch: GroupPatch,
    ) -> Result<GroupRecord, CoreError> {
        let (current, guard) =
            access_write(&*self.groups, group, caller.id, GroupAction::EditGroup).await?;
        let renamed = patch
            .name
            .as_ref()
            .filter(|n| **n != current.name)
            .map(|n| {
                activity(
                    ActivityType::GroupRenamed,
                    caller.id,
                    json!({ "old_name": current.name.as_str(), "new_name": n.as_str() }),
                )
            });
        self.groups
            .update_group(guard, group, patch, renamed)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Hard-deletes the group (creator only).
    #[tracing::instrument(level = "debug", name = "groups.delete_group", skip_all)]
    pub async fn delete_group(&self, caller: &UserRecord, group: GroupId) -> Result<(), CoreError> {
        let (_, guard) =
            access_write(&*self.groups, group, caller.id, GroupAction::DeleteGroup).await?;
        // The members whose cached group count changes (best effort, like the refresh).
        let members: Vec<_> = if self.subscriptions.is_wired() {
            match self.groups.list_members(group).await {
                Ok(members) => members.into_iter().map(|m| m.user_id).collect(),
                Err(e) => {
                    tracing::warn!(error = %e, "listing members for the cache refresh failed");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        self.groups.delete_group(guard, group).await?;
        self.subscriptions.refresh_cache(&members).await;
        Ok(())
    }
}
