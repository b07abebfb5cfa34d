//! Groups, memberships, invites and the activity feed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::caps::CapExceeded;
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::group::{
    GroupDescription, GroupName, IconColor, IconEmoji, InviteCode, MaxUses,
};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::role::{AssignableRole, Role};

use crate::activity::{ActivityPage, NewActivity};
use crate::error::RepoError;
use crate::outbox::PushEvent;

/// A group as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// Id.
    pub id: GroupId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Emoji icon.
    pub icon_emoji: Option<String>,
    /// `#RRGGBB` icon colour.
    pub icon_color: Option<String>,
    /// Whether an uploaded icon image is stored.
    pub has_icon: bool,
    /// The creator.
    pub creator_user_id: UserId,
    /// Number of members.
    pub member_count: i64,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A group the caller belongs to, for `GET /users/me/groups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyGroupRecord {
    /// The group.
    pub group: GroupRecord,
    /// The caller's role.
    pub role: Role,
    /// When the caller joined.
    pub joined_at: DateTime<Utc>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// The user.
    pub user_id: UserId,
    /// Display name.
    pub display_name: String,
    /// Whether the user has an avatar.
    pub has_avatar: bool,
    /// Role in the group.
    pub role: Role,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// A group to create with its creator's membership and initial goals.
#[derive(Debug, Clone)]
pub struct NewGroup {
    /// Id chosen by the use case.
    pub id: GroupId,
    /// The creator.
    pub creator: UserId,
    /// Name.
    pub name: GroupName,
    /// Description.
    pub description: Option<GroupDescription>,
    /// Emoji.
    pub icon_emoji: Option<IconEmoji>,
    /// Colour.
    pub icon_color: Option<IconColor>,
    /// Goals created with the group (no goal activity, no push), with their ids.
    pub initial_goals: Vec<(GoalId, NewGoalSpec)>,
}

/// A change to a group's editable fields; `None` leaves a field unchanged, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    /// New name.
    pub name: Option<GroupName>,
    /// New description.
    pub description: Option<Option<GroupDescription>>,
    /// New emoji.
    pub icon_emoji: Option<Option<IconEmoji>>,
    /// New colour.
    pub icon_color: Option<Option<IconColor>>,
}

/// A stored invite code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    /// The code.
    pub code: String,
    /// Group it admits to.
    pub group_id: GroupId,
    /// Use limit, `None` = unlimited.
    pub max_uses: Option<i32>,
    /// Uses so far.
    pub current_uses: i32,
    /// Expiry, `None` = never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
}

/// An invite to create.
#[derive(Debug, Clone)]
pub struct NewInvite {
    /// The group.
    pub group_id: GroupId,
    /// The admin creating it.
    pub created_by: UserId,
    /// Use limit.
    pub max_uses: Option<MaxUses>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Why a write that adds a capped resource failed.
#[derive(Debug, thiserror::Error)]
pub enum CapError {
    /// A cap of contract §2.13 would be passed.
    #[error(transparent)]
    Cap(#[from] CapExceeded),
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Why joining with an invite failed.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// No invite has this code.
    #[error("invalid invite code")]
    InvalidCode,
    /// The invite expired.
    #[error("invite expired")]
    Expired,
    /// The invite reached its use limit.
    #[error("invite exhausted")]
    Exhausted,
    /// The user already belongs to the group.
    #[error("already a member")]
    AlreadyMember,
    /// A cap would be passed.
    #[error(transparent)]
    Cap(#[from] CapExceeded),
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Storage of groups, memberships, invites and activities.
///
/// Methods taking a [`PushEvent`] store it in the outbox in the same transaction, with
/// `recipients` set by the adapter to the group's members after the change, the actor
/// excluded (no row when nobody is left to notify).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait GroupRepository: Send + Sync {
    /// Atomically creates the group, the creator's membership, the initial goals and the
    /// `group_created` activity, after locking the creator's row and checking the
    /// created-groups and joined-groups caps.
    ///
    /// Errors: [`CapError::Cap`] when a cap would be passed (also when a trigger fires
    /// under a race), [`CapError::Repo`].
    async fn create_group(
        &self,
        group: NewGroup,
        activity: NewActivity,
    ) -> Result<GroupRecord, CapError>;

    /// The non-deleted group `id` with its member count.
    ///
    /// Errors: [`RepoError`].
    async fn find_group(&self, id: GroupId) -> Result<Option<GroupRecord>, RepoError>;

    /// The role of `user` in `group`, `None` when not a member.
    ///
    /// Errors: [`RepoError`].
    async fn role_of(&self, group: GroupId, user: UserId) -> Result<Option<Role>, RepoError>;

    /// Atomically applies `patch` and stores `activity` when given (a rename); returns
    /// the updated group, `None` when it no longer exists.
    ///
    /// Errors: [`RepoError`].
    async fn update_group(
        &self,
        id: GroupId,
        patch: GroupPatch,
        activity: Option<NewActivity>,
    ) -> Result<Option<GroupRecord>, RepoError>;

    /// Hard-deletes the group (memberships, invites, goals, progress and activities
    /// cascade).
    ///
    /// Errors: [`RepoError`].
    async fn delete_group(&self, id: GroupId) -> Result<(), RepoError>;

    /// Members who are not soft-deleted: creator, admins, members, then `joined_at`.
    ///
    /// Errors: [`RepoError`].
    async fn list_members(&self, group: GroupId) -> Result<Vec<MemberRecord>, RepoError>;

    /// One member (soft-deleted users excluded), `None` when not a member.
    ///
    /// Errors: [`RepoError`].
    async fn find_member(
        &self,
        group: GroupId,
        user: UserId,
    ) -> Result<Option<MemberRecord>, RepoError>;

    /// Atomically sets the role of `user` and stores the `member_promoted` activity;
    /// `false` when `user` is no longer a non-creator member.
    ///
    /// Errors: [`RepoError`].
    async fn change_role(
        &self,
        group: GroupId,
        user: UserId,
        role: AssignableRole,
        activity: NewActivity,
    ) -> Result<bool, RepoError>;

    /// Atomically deletes the (non-creator) membership of `user`, stores the activity and
    /// the push (`actor` excluded from recipients); `false` when there was no such
    /// membership.
    ///
    /// Errors: [`RepoError`].
    async fn remove_member(
        &self,
        group: GroupId,
        user: UserId,
        actor: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError>;

    /// Number of members of `group` other than `user`.
    ///
    /// Errors: [`RepoError`].
    async fn count_other_members(&self, group: GroupId, user: UserId) -> Result<i64, RepoError>;

    /// Stores a new invite; `None` when `code` collides with an existing one.
    ///
    /// Errors: [`RepoError`].
    async fn create_invite(
        &self,
        code: &InviteCode,
        invite: NewInvite,
    ) -> Result<Option<InviteRecord>, RepoError>;

    /// The invite with `code` (exact match on the normalised code).
    ///
    /// Errors: [`RepoError`].
    async fn find_invite(&self, code: &str) -> Result<Option<InviteRecord>, RepoError>;

    /// Atomically joins `user` to the invite's group: locks the invite row, checks
    /// expiry (against `now`), use limit, existing membership and the member and
    /// joined-groups caps, inserts the `member` row, counts the use, stores the
    /// `member_joined` activity and the push. Returns the group with the new count.
    ///
    /// Errors: [`JoinError::InvalidCode`], [`JoinError::Expired`],
    /// [`JoinError::Exhausted`], [`JoinError::AlreadyMember`], [`JoinError::Cap`],
    /// [`JoinError::Repo`].
    async fn join_with_invite(
        &self,
        code: &str,
        user: UserId,
        now: DateTime<Utc>,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<GroupRecord, JoinError>;

    /// Atomically deletes the membership of `user` and stores the `member_left` activity
    /// and the push; `false` when `user` was not a member.
    ///
    /// Errors: [`RepoError`].
    async fn leave_group(
        &self,
        group: GroupId,
        user: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError>;

    /// One page of the feed, newest first (`created_at`, then `id`, descending).
    ///
    /// Errors: [`RepoError`].
    async fn list_activities(
        &self,
        group: GroupId,
        limit: i64,
        offset: i64,
    ) -> Result<ActivityPage, RepoError>;

    /// One page of the groups `user` belongs to (non-deleted groups, `joined_at`
    /// descending) with member counts, and the total, in a constant number of queries.
    ///
    /// Errors: [`RepoError`].
    async fn list_user_groups(
        &self,
        user: UserId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<MyGroupRecord>, i64), RepoError>;
}
