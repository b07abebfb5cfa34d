//! `create_group`, `update_group`, `delete_group`.

use pursue_domain::activity::ActivityType;
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::group::{GroupDescription, GroupName, IconColor, IconEmoji};
use pursue_domain::ids::{GoalId, GroupId};
use pursue_domain::role::GroupAction;
use pursue_ports::groups::{GroupPatch, GroupRecord, NewGroup};
use pursue_ports::users::UserRecord;
use serde_json::json;
use uuid::Uuid;

use super::{GroupService, access};
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
    /// Goals to create with the group.
    pub initial_goals: Vec<NewGoalSpec>,
}

impl GroupService {
    /// Creates a group with the caller as creator, its initial goals and the
    /// `group_created` activity; caps are checked atomically by the repository.
    #[tracing::instrument(level = "debug", name = "groups.create_group", skip_all)]
    pub async fn create_group(
        &self,
        caller: &UserRecord,
        input: CreateGroup,
    ) -> Result<GroupRecord, CoreError> {
        let metadata = json!({ "group_name": input.name.as_str() });
        let group = NewGroup {
            id: GroupId::from_uuid(Uuid::new_v4()),
            creator: caller.id,
            name: input.name,
            description: input.description,
            icon_emoji: input.icon_emoji,
            icon_color: input.icon_color,
            initial_goals: input
                .initial_goals
                .into_iter()
                .map(|g| (GoalId::from_uuid(Uuid::new_v4()), g))
                .collect(),
        };
        let act = activity(ActivityType::GroupCreated, caller.id, metadata);
        Ok(self.groups.create_group(group, act).await?)
    }

    /// Edits the group (admin or creator); a name change writes `group_renamed`.
    #[tracing::instrument(level = "debug", name = "groups.update_group", skip_all)]
    pub async fn update_group(
        &self,
        caller: &UserRecord,
        group: GroupId,
        patch: GroupPatch,
    ) -> Result<GroupRecord, CoreError> {
        let (current, _) = access(&*self.groups, group, caller.id, GroupAction::EditGroup).await?;
        let renamed = patch
            .name
            .as_ref()
            .filter(|n| n.as_str() != current.name)
            .map(|n| {
                activity(
                    ActivityType::GroupRenamed,
                    caller.id,
                    json!({ "old_name": current.name, "new_name": n.as_str() }),
                )
            });
        self.groups
            .update_group(group, patch, renamed)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Hard-deletes the group (creator only).
    #[tracing::instrument(level = "debug", name = "groups.delete_group", skip_all)]
    pub async fn delete_group(&self, caller: &UserRecord, group: GroupId) -> Result<(), CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::DeleteGroup).await?;
        Ok(self.groups.delete_group(group).await?)
    }
}
