//! Groups, memberships, invites and the activity feed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::caps::CapExceeded;
use pursue_domain::goal::NewGoalSpec;
use pursue_domain::group::{
    GroupDescription, GroupName, IconColor, IconEmoji, IconUrl, InviteCode,
};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::role::{AssignableRole, GroupAction, Membership, MembershipStatus, Role};
use pursue_domain::user::DisplayName;

use crate::activity::{ActivityPage, NewActivity};
use crate::error::RepoError;
use crate::outbox::PushEvent;

/// What a write's caller must be allowed to do, checked again by the adapter as the first
/// statement of the write's transaction: the caller's membership row is read `FOR SHARE`
/// and judged by [`pursue_domain::role::authorize_membership`], so a member removed or
/// demoted after the use case's own check cannot still write (the row stays locked until
/// the write commits). A refusal is [`RepoError::Denied`] and nothing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteGuard {
    /// The group.
    pub group: GroupId,
    /// The caller.
    pub user: UserId,
    /// What the write does.
    pub action: GroupAction,
}

impl WriteGuard {
    /// `user` doing `action` in `group`.
    pub fn new(group: GroupId, user: UserId, action: GroupAction) -> Self {
        Self {
            group,
            user,
            action,
        }
    }
}

/// A group as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// Id.
    pub id: GroupId,
    /// Name.
    pub name: GroupName,
    /// Description.
    pub description: Option<GroupDescription>,
    /// Emoji icon.
    pub icon_emoji: Option<IconEmoji>,
    /// `#RRGGBB` icon colour.
    pub icon_color: Option<IconColor>,
    /// Whether an uploaded icon image is stored.
    pub has_icon: bool,
    /// An icon image URL set by the client (`groups.icon_url`).
    pub icon_url: Option<IconUrl>,
    /// The creator.
    pub creator_user_id: UserId,
    /// Number of active members who are not soft-deleted.
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
    /// Whether the caller is a member or still awaits approval.
    pub status: MembershipStatus,
    /// When the caller joined (or asked to).
    pub joined_at: DateTime<Utc>,
}

/// A join request awaiting an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRecord {
    /// The requester.
    pub user_id: UserId,
    /// Display name.
    pub display_name: DisplayName,
    /// Whether the requester has an avatar.
    pub has_avatar: bool,
    /// When they asked.
    pub requested_at: DateTime<Utc>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// The user.
    pub user_id: UserId,
    /// Display name.
    pub display_name: DisplayName,
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
    /// Icon image URL.
    pub icon_url: Option<IconUrl>,
    /// The group's first invite code, stored in the same transaction.
    pub invite_code: InviteCode,
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
    /// New icon image URL.
    pub icon_url: Option<Option<IconUrl>>,
}

/// A group's standing invite code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    /// The code.
    pub code: String,
    /// Group it admits to.
    pub group_id: GroupId,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
}

/// What leaving did (docs/API.md, "Leaving").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveResult {
    /// The caller had no membership.
    NotMember,
    /// A pending request was withdrawn.
    WithdrewRequest,
    /// The membership was deleted; `promoted` took over the leaver's role.
    Left {
        /// The member promoted to the leaver's role, if any.
        promoted: Option<(UserId, Role)>,
    },
    /// Nobody active was left: the group was deleted.
    GroupDeleted,
}

/// Texts of the leave that only the caller knows.
#[derive(Debug, Clone)]
pub struct LeaveRequest {
    /// The leaver.
    pub user: UserId,
    /// The leaver's display name (`member_left` push).
    pub display_name: DisplayName,
}

/// Why a write that adds a capped resource failed.
#[derive(Debug, thiserror::Error)]
pub enum CapError {
    /// A cap (docs/API.md, Caps) would be passed.
    #[error(transparent)]
    Cap(#[from] CapExceeded),
    /// The new group's invite code collided with an existing one (retry with another).
    #[error("invite code taken")]
    CodeTaken,
    /// The group was deleted after the caller's access was checked.
    #[error("group gone")]
    GroupGone,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Why joining with an invite failed.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// No live invite has this code, or its group is gone.
    #[error("invalid invite code")]
    InvalidCode,
    /// The user already belongs to the group.
    #[error("already a member")]
    AlreadyMember,
    /// The user already asked to join.
    #[error("join request already pending")]
    AlreadyPending,
    /// The caller said the user is at the subscription's group limit (checked after the
    /// membership and before the caps).
    #[error("group limit reached")]
    GroupLimit,
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

    /// The role of `user` in `group` when an **active** member of a group that is not
    /// deleted, `None` otherwise.
    ///
    /// Errors: [`RepoError`].
    async fn role_of(&self, group: GroupId, user: UserId) -> Result<Option<Role>, RepoError>;

    /// The membership of `user` in `group`, active or pending (`declined` rows written
    /// by older servers are `None`). Asked only when [`Self::role_of`] found no active
    /// membership, to tell a pending request from a stranger.
    ///
    /// Errors: [`RepoError`].
    async fn membership_of(
        &self,
        group: GroupId,
        user: UserId,
    ) -> Result<Option<Membership>, RepoError>;

    /// Atomically applies `patch` and stores `activity` when given (a rename); returns
    /// the updated group, `None` when it no longer exists.
    ///
    /// Errors: [`RepoError`].
    async fn update_group(
        &self,
        guard: WriteGuard,
        id: GroupId,
        patch: GroupPatch,
        activity: Option<NewActivity>,
    ) -> Result<Option<GroupRecord>, RepoError>;

    /// Hard-deletes the group (memberships, invites, goals, progress and activities
    /// cascade).
    ///
    /// Errors: [`RepoError`].
    async fn delete_group(&self, guard: WriteGuard, id: GroupId) -> Result<(), RepoError>;

    /// Active members who are not soft-deleted: creator, admins, members, then
    /// `joined_at`.
    ///
    /// Errors: [`RepoError`].
    async fn list_members(&self, group: GroupId) -> Result<Vec<MemberRecord>, RepoError>;

    /// One active member (soft-deleted users excluded), `None` otherwise.
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
        guard: WriteGuard,
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
        guard: WriteGuard,
        group: GroupId,
        user: UserId,
        actor: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError>;

    /// Number of active members of `group` other than `user`.
    ///
    /// Errors: [`RepoError`].
    async fn count_other_members(&self, group: GroupId, user: UserId) -> Result<i64, RepoError>;

    /// The group's live (unrevoked) invite code.
    ///
    /// Errors: [`RepoError`].
    async fn active_invite(&self, group: GroupId) -> Result<Option<InviteRecord>, RepoError>;

    /// Gives a group without a live code `code` (created by `by`) and returns the live
    /// code (the existing one when another request gave it one first); `None` when `code`
    /// collides with any stored code.
    ///
    /// Errors: [`RepoError`].
    async fn ensure_invite(
        &self,
        group: GroupId,
        code: &InviteCode,
        by: UserId,
    ) -> Result<Option<InviteRecord>, RepoError>;

    /// Atomically revokes the live code of `group`, stores `code` and the
    /// `invite_code_regenerated {old_code, new_code}` activity by `by`; returns the new
    /// code and the revoked one, `None` when `code` collides.
    ///
    /// Errors: [`RepoError`].
    async fn regenerate_invite(
        &self,
        guard: WriteGuard,
        group: GroupId,
        code: &InviteCode,
        by: UserId,
    ) -> Result<Option<(InviteRecord, Option<String>)>, RepoError>;

    /// Atomically asks to join the group of the live invite `code` as `user` (locks the
    /// group; a `declined` row is replaced): checks existing membership, then refuses when
    /// `at_group_limit` (the user's subscription group limit, read by the caller), then
    /// the member and joined-groups caps; inserts the pending `member` row with
    /// `joined_at = now`, stores the `join_request` activity and tells every admin.
    /// Returns the group.
    ///
    /// Errors: [`JoinError::InvalidCode`], [`JoinError::AlreadyMember`],
    /// [`JoinError::AlreadyPending`], [`JoinError::GroupLimit`], [`JoinError::Cap`],
    /// [`JoinError::Repo`].
    async fn request_join(
        &self,
        code: &str,
        user: UserId,
        now: DateTime<Utc>,
        at_group_limit: bool,
    ) -> Result<GroupRecord, JoinError>;

    /// Pending join requests of `group` (soft-deleted users excluded), oldest first.
    ///
    /// Errors: [`RepoError`].
    async fn list_pending(&self, group: GroupId) -> Result<Vec<PendingRecord>, RepoError>;

    /// Atomically makes the pending request of `user` to the guard's group an active
    /// membership (`joined_at = now`), clears the admins' notices of it, stores the
    /// activity, tells the joiner, and stores the push for the group (the joiner and the
    /// approver, the guard's user, excluded); `false` when no request was pending.
    ///
    /// Errors: [`RepoError`].
    async fn approve(
        &self,
        guard: WriteGuard,
        user: UserId,
        now: DateTime<Utc>,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError>;

    /// Atomically deletes the pending request of `user`, clears the admins' notices of
    /// it, stores the activity and tells the requester; `false` when none was pending.
    ///
    /// Errors: [`RepoError`].
    async fn decline(
        &self,
        guard: WriteGuard,
        group: GroupId,
        user: UserId,
        activity: NewActivity,
    ) -> Result<bool, RepoError>;

    /// Leaves `group` in one transaction with the group row locked: a pending request is
    /// withdrawn; an active member leaves as [`pursue_domain::role::plan_leave`] decides
    /// (promotion with its activity, push and notice; the group deleted when nobody
    /// active remains; else `member_left` activity and push).
    ///
    /// Errors: [`RepoError`].
    async fn leave_group(
        &self,
        group: GroupId,
        leave: LeaveRequest,
    ) -> Result<LeaveResult, RepoError>;

    /// One page of the feed, newest first (`created_at`, then `id`, descending), each item
    /// with its reactions, read in one statement (two when the page is empty).
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
