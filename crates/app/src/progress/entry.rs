//! `get_entry`, `delete_entry`.

use pursue_domain::ids::EntryId;
use pursue_domain::role::GroupAction;
use pursue_ports::goals::EntryRecord;
use pursue_ports::users::UserRecord;

use super::ProgressService;
use crate::errors::CoreError;
use crate::groups::authorize_in;

impl ProgressService {
    /// The entry and its goal's group, 404 when missing or the goal is archived.
    async fn live_entry(
        &self,
        id: EntryId,
    ) -> Result<(EntryRecord, pursue_domain::ids::GroupId), CoreError> {
        let entry = self
            .progress
            .find_entry(id)
            .await?
            .ok_or(CoreError::NotFound)?;
        match self.goals.find_goal(entry.goal_id).await? {
            Some(g) if g.archived_at.is_none() => Ok((entry, g.group_id)),
            _ => Err(CoreError::NotFound),
        }
    }

    /// An entry, for its owner or any member of its group.
    #[tracing::instrument(level = "debug", name = "progress.get_entry", skip_all)]
    pub async fn get_entry(
        &self,
        caller: &UserRecord,
        id: EntryId,
    ) -> Result<EntryRecord, CoreError> {
        let (entry, group) = self.live_entry(id).await?;
        if entry.user_id != caller.id {
            authorize_in(&*self.groups, group, caller.id, GroupAction::ReadProgress).await?;
        }
        Ok(entry)
    }

    /// Deletes an entry (owner only).
    #[tracing::instrument(level = "debug", name = "progress.delete_entry", skip_all)]
    pub async fn delete_entry(&self, caller: &UserRecord, id: EntryId) -> Result<(), CoreError> {
        let (entry, group) = self.live_entry(id).await?;
        if entry.user_id != caller.id {
            return Err(CoreError::NotOwner);
        }
        self.subscriptions.check_write(caller.id, group).await?;
        Ok(self.progress.delete_entry(id).await?)
    }
}
