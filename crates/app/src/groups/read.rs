//! `get_group`, `list_members`, `feed`, `my_groups`.

use pursue_domain::ids::GroupId;
use pursue_domain::role::{GroupAction, Membership};
use pursue_ports::activity::ActivityPage;
use pursue_ports::groups::{GroupRecord, MemberRecord, MyGroupRecord};
use pursue_ports::users::UserRecord;

use super::{GroupService, access, access_membership};
use crate::errors::CoreError;

impl GroupService {
    /// The group and the caller's membership (active members and pending requests).
    #[tracing::instrument(level = "debug", name = "groups.get_group", skip_all)]
    pub async fn get_group(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<(GroupRecord, Membership), CoreError> {
        access_membership(&*self.groups, group, caller.id, GroupAction::ReadGroup).await
    }

    /// The members, creator first (members only).
    #[tracing::instrument(level = "debug", name = "groups.list_members", skip_all)]
    pub async fn list_members(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<Vec<MemberRecord>, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadMembers).await?;
        Ok(self.groups.list_members(group).await?)
    }

    /// One page of the activity feed (members only).
    #[tracing::instrument(level = "debug", name = "groups.feed", skip_all)]
    pub async fn feed(
        &self,
        caller: &UserRecord,
        group: GroupId,
        limit: i64,
        offset: i64,
    ) -> Result<ActivityPage, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadActivity).await?;
        Ok(self.groups.list_activities(group, limit, offset).await?)
    }

    /// One page of the caller's groups (active and pending memberships, `joined_at`
    /// descending) and their total.
    #[tracing::instrument(level = "debug", name = "groups.my_groups", skip_all)]
    pub async fn my_groups(
        &self,
        caller: &UserRecord,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<MyGroupRecord>, i64), CoreError> {
        Ok(self
            .groups
            .list_user_groups(caller.id, limit, offset)
            .await?)
    }
}
