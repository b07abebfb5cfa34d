//! `get_group`, `list_members`, `feed`, `my_groups`.

use pursue_domain::ids::GroupId;
use pursue_domain::role::{GroupAction, Membership};
use pursue_domain::social::{ReactionSummary, summarize};
use pursue_ports::activity::ActivityRecord;
use pursue_ports::groups::{GroupRecord, MemberRecord, MyGroupRecord};
use pursue_ports::users::UserRecord;

use super::{GroupService, access, access_membership, authorize_in};
use crate::errors::CoreError;

/// A feed item and its reactions.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The item (its `reactions` already summarised into the field beside it).
    pub activity: ActivityRecord,
    /// The reactions as the caller sees them.
    pub reactions: ReactionSummary,
}

/// One page of a group's feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPage {
    /// Items, newest first.
    pub items: Vec<FeedItem>,
    /// Number of items in the whole feed.
    pub total: i64,
}

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

    /// One page of the activity feed (members only), each item with its reactions as
    /// the caller sees them.
    #[tracing::instrument(level = "debug", name = "groups.feed", skip_all)]
    pub async fn feed(
        &self,
        caller: &UserRecord,
        group: GroupId,
        limit: i64,
        offset: i64,
    ) -> Result<FeedPage, CoreError> {
        authorize_in(&*self.groups, group, caller.id, GroupAction::ReadActivity).await?;
        let page = self.groups.list_activities(group, limit, offset).await?;
        let items = page
            .items
            .into_iter()
            .map(|mut activity| {
                let reactions = summarize(std::mem::take(&mut activity.reactions), caller.id);
                FeedItem {
                    activity,
                    reactions,
                }
            })
            .collect();
        Ok(FeedPage {
            items,
            total: page.total,
        })
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
