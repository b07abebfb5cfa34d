//! [`GroupRepository`] over PostgreSQL: groups, memberships, invites and the feed.

mod feed;
mod invites;
mod members;
mod notices;
mod reads;
mod write;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::group::InviteCode;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::role::{AssignableRole, Membership, Role};
use pursue_ports::activity::{ActivityPage, NewActivity};
use pursue_ports::error::RepoError;
use pursue_ports::groups::{
    CapError, GroupPatch, GroupRecord, GroupRepository, InviteRecord, JoinError, LeaveRequest,
    LeaveResult, MemberRecord, MyGroupRecord, NewGroup, PendingRecord, WriteGuard,
};
use pursue_ports::outbox::PushEvent;

use crate::db::Db;
use crate::pool::PgPool;

/// Groups in the `groups`, `group_memberships`, `invite_codes` and `group_activities`
/// tables.
#[derive(Clone)]
pub struct PgGroups {
    db: Db,
}

impl PgGroups {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

#[async_trait]
impl GroupRepository for PgGroups {
    async fn create_group(
        &self,
        group: NewGroup,
        activity: NewActivity,
    ) -> Result<GroupRecord, CapError> {
        write::create_group(&self.db, group, activity).await
    }

    async fn find_group(&self, id: GroupId) -> Result<Option<GroupRecord>, RepoError> {
        reads::find_group(&self.db, id).await
    }

    async fn role_of(&self, group: GroupId, user: UserId) -> Result<Option<Role>, RepoError> {
        reads::role_of(&self.db, group, user).await
    }

    async fn membership_of(
        &self,
        group: GroupId,
        user: UserId,
    ) -> Result<Option<Membership>, RepoError> {
        reads::membership_of(&self.db, group, user).await
    }

    async fn update_group(
        &self,
        guard: WriteGuard,
        id: GroupId,
        patch: GroupPatch,
        activity: Option<NewActivity>,
    ) -> Result<Option<GroupRecord>, RepoError> {
        write::update_group(&self.db, guard, id, patch, activity).await
    }

    async fn delete_group(&self, guard: WriteGuard, id: GroupId) -> Result<(), RepoError> {
        write::delete_group(&self.db, guard, id).await
    }

    async fn list_members(&self, group: GroupId) -> Result<Vec<MemberRecord>, RepoError> {
        reads::list_members(&self.db, group, None).await
    }

    async fn find_member(
        &self,
        group: GroupId,
        user: UserId,
    ) -> Result<Option<MemberRecord>, RepoError> {
        Ok(reads::list_members(&self.db, group, Some(user))
            .await?
            .into_iter()
            .next())
    }

    async fn change_role(
        &self,
        guard: WriteGuard,
        group: GroupId,
        user: UserId,
        role: AssignableRole,
        activity: NewActivity,
    ) -> Result<bool, RepoError> {
        members::change_role(&self.db, guard, group, user, role, activity).await
    }

    async fn remove_member(
        &self,
        guard: WriteGuard,
        group: GroupId,
        user: UserId,
        actor: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError> {
        members::remove(&self.db, guard, group, user, actor, activity, push).await
    }

    async fn count_other_members(&self, group: GroupId, user: UserId) -> Result<i64, RepoError> {
        reads::count_other_members(&self.db, group, user).await
    }

    async fn active_invite(&self, group: GroupId) -> Result<Option<InviteRecord>, RepoError> {
        invites::active(&self.db, group).await
    }

    async fn ensure_invite(
        &self,
        group: GroupId,
        code: &InviteCode,
        by: UserId,
    ) -> Result<Option<InviteRecord>, RepoError> {
        invites::ensure(&self.db, group, code, by).await
    }

    async fn regenerate_invite(
        &self,
        guard: WriteGuard,
        group: GroupId,
        code: &InviteCode,
        by: UserId,
    ) -> Result<Option<(InviteRecord, Option<String>)>, RepoError> {
        invites::regenerate(&self.db, guard, group, code, by).await
    }

    async fn request_join(
        &self,
        code: &str,
        user: UserId,
        now: DateTime<Utc>,
        at_group_limit: bool,
    ) -> Result<GroupRecord, JoinError> {
        invites::request_join(&self.db, code, user, now, at_group_limit).await
    }

    async fn list_pending(&self, group: GroupId) -> Result<Vec<PendingRecord>, RepoError> {
        reads::list_pending(&self.db, group).await
    }

    async fn approve(
        &self,
        guard: WriteGuard,
        user: UserId,
        now: DateTime<Utc>,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError> {
        members::approve(&self.db, guard, user, now, activity, push).await
    }

    async fn decline(
        &self,
        guard: WriteGuard,
        group: GroupId,
        user: UserId,
        activity: NewActivity,
    ) -> Result<bool, RepoError> {
        members::decline(&self.db, guard, group, user, activity).await
    }

    async fn leave_group(
        &self,
        group: GroupId,
        leave: LeaveRequest,
    ) -> Result<LeaveResult, RepoError> {
        members::leave(&self.db, group, leave).await
    }

    async fn list_activities(
        &self,
        group: GroupId,
        limit: i64,
        offset: i64,
    ) -> Result<ActivityPage, RepoError> {
        reads::list_activities(&self.db, group, limit, offset).await
    }

    async fn list_user_groups(
        &self,
        user: UserId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<MyGroupRecord>, i64), RepoError> {
        reads::list_user_groups(&self.db, user, limit, offset).await
    }
}
