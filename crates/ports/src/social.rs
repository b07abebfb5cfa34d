//! Reactions, nudges and the notification inbox (see docs/API.md, Reactions, Nudges and
//! Notifications).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::notification::NotificationType;
use serde_json::Value;
use uuid::Uuid;

use crate::activity::NewActivity;
use crate::error::RepoError;
use crate::groups::WriteGuard;

/// An activity as the reaction routes need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRef {
    /// Row id.
    pub id: Uuid,
    /// Its group.
    pub group: GroupId,
    /// Stored type name.
    pub activity_type: String,
    /// Its user while that user is not deleted.
    pub owner: Option<UserId>,
    /// Metadata (`{}` when none).
    pub metadata: Value,
}

/// A stored reaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionRecord {
    /// The activity.
    pub activity_id: Uuid,
    /// The reactor.
    pub user: UserId,
    /// The emoji.
    pub emoji: String,
    /// When it was set.
    pub created_at: DateTime<Utc>,
}

/// A reaction with its reactor, for the reaction list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactorRecord {
    /// The emoji.
    pub emoji: String,
    /// The reactor.
    pub user: UserId,
    /// Display name.
    pub display_name: pursue_domain::user::DisplayName,
    /// Whether the reactor has an avatar.
    pub has_avatar: bool,
    /// When it was set.
    pub created_at: DateTime<Utc>,
}

/// A personal push sent with an inbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePush {
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Data keys besides `type`, `notification_id` and `group_id`.
    pub extras: BTreeMap<String, String>,
}

/// An inbox row to store with the event that causes it, and its push.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The recipient.
    pub user: UserId,
    /// Row `type` (its push's `data.type` follows from it).
    pub kind: NotificationType,
    /// Who caused it.
    pub actor: Option<UserId>,
    /// The group.
    pub group: Option<GroupId>,
    /// The goal.
    pub goal: Option<GoalId>,
    /// The progress entry.
    pub progress_entry: Option<Uuid>,
    /// Metadata object.
    pub metadata: Value,
    /// Card data of milestones.
    pub shareable_card_data: Option<Value>,
    /// The push, when one is sent.
    pub push: Option<NoticePush>,
}

/// A nudge to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNudge {
    /// Sender.
    pub sender: UserId,
    /// Recipient.
    pub recipient: UserId,
    /// Group.
    pub group: GroupId,
    /// Goal.
    pub goal: Option<GoalId>,
    /// The sender's local date.
    pub sender_local_date: NaiveDate,
}

/// A stored nudge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NudgeRecord {
    /// Row id.
    pub id: Uuid,
    /// Recipient.
    pub recipient: UserId,
    /// Group.
    pub group: GroupId,
    /// Goal.
    pub goal: Option<GoalId>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

/// Why a nudge was not stored.
#[derive(Debug, thiserror::Error)]
pub enum NudgeError {
    /// The pair already has a nudge for that date.
    #[error("already nudged today")]
    AlreadyNudged,
    /// The sender has sent the daily maximum for that date.
    #[error("daily send limit")]
    DailyLimit,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// An inbox row as read.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationRecord {
    /// Row id.
    pub id: Uuid,
    /// Row type.
    pub kind: String,
    /// Read flag.
    pub is_read: bool,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// `(id, display_name, has_avatar)` of a non-deleted actor.
    pub actor: Option<(UserId, String, bool)>,
    /// `(id, name)` of the group.
    pub group: Option<(GroupId, String)>,
    /// `(id, title)` of the goal.
    pub goal: Option<(GoalId, String)>,
    /// The entry.
    pub progress_entry_id: Option<Uuid>,
    /// Metadata (`{}` when none).
    pub metadata: Value,
    /// Card data.
    pub shareable_card_data: Option<Value>,
}

/// One inbox page.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationPage {
    /// Rows, newest first.
    pub items: Vec<NotificationRecord>,
    /// All unread rows of the user.
    pub unread_count: i64,
    /// Whether older rows exist.
    pub has_more: bool,
}

/// Reactions, nudges and the inbox in storage.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait SocialRepository: Send + Sync {
    /// The activity `id` of a non-deleted group.
    ///
    /// Errors: [`RepoError`].
    async fn find_activity(&self, id: Uuid) -> Result<Option<ActivityRef>, RepoError>;

    /// Sets the caller's reaction; `true` when an existing one was replaced. `notice` is
    /// stored only when a new reaction is inserted.
    ///
    /// Errors: [`RepoError`].
    async fn put_reaction(
        &self,
        guard: WriteGuard,
        activity: Uuid,
        user: UserId,
        emoji: String,
        notice: Option<Notice>,
    ) -> Result<(ReactionRecord, bool), RepoError>;

    /// Removes the caller's reaction; `false` when there was none.
    ///
    /// Errors: [`RepoError`].
    async fn delete_reaction(
        &self,
        guard: WriteGuard,
        activity: Uuid,
        user: UserId,
    ) -> Result<bool, RepoError>;

    /// The reactions of non-deleted users on `activity`, newest first.
    ///
    /// Errors: [`RepoError`].
    async fn list_reactions(&self, activity: Uuid) -> Result<Vec<ReactorRecord>, RepoError>;

    /// The active-days mask of a goal (`None` = every day).
    ///
    /// Errors: [`RepoError`].
    async fn goal_active_days(&self, goal: GoalId) -> Result<Option<i32>, RepoError>;

    /// Stores the nudge, its activity and the recipient's inbox row and push in one
    /// transaction, refusing a second nudge of the pair for the date and more than
    /// `daily_limit` nudges of the sender for the date.
    ///
    /// Errors: [`NudgeError`].
    async fn send_nudge(
        &self,
        guard: WriteGuard,
        nudge: NewNudge,
        daily_limit: i64,
        activity: NewActivity,
        notice: Notice,
    ) -> Result<NudgeRecord, NudgeError>;

    /// Distinct users `sender` nudged on `date` in any group who are members of `group`,
    /// by first nudge.
    ///
    /// Errors: [`RepoError`].
    async fn nudged_on(
        &self,
        sender: UserId,
        date: NaiveDate,
        group: GroupId,
    ) -> Result<Vec<UserId>, RepoError>;

    /// One page of `user`'s inbox, newest first, older than `before` when given (an
    /// unknown or foreign `before` gives an empty page).
    ///
    /// Errors: [`RepoError`].
    async fn list_notifications(
        &self,
        user: UserId,
        limit: i64,
        before: Option<Uuid>,
    ) -> Result<NotificationPage, RepoError>;

    /// Number of unread rows of `user`.
    ///
    /// Errors: [`RepoError`].
    async fn unread_count(&self, user: UserId) -> Result<i64, RepoError>;

    /// Marks every row of `user` read; returns how many changed.
    ///
    /// Errors: [`RepoError`].
    async fn mark_all_read(&self, user: UserId) -> Result<i64, RepoError>;

    /// Marks one row of `user` read; `false` when it is not theirs.
    ///
    /// Errors: [`RepoError`].
    async fn mark_read(&self, user: UserId, id: Uuid) -> Result<bool, RepoError>;

    /// Deletes one row of `user`; `false` when it is not theirs.
    ///
    /// Errors: [`RepoError`].
    async fn delete_notification(&self, user: UserId, id: Uuid) -> Result<bool, RepoError>;
}

/// What milestone detection needs to know about a new entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFacts {
    /// The logger.
    pub user: UserId,
    /// The entry's goal.
    pub goal: GoalId,
    /// The goal's group.
    pub group: GroupId,
    /// The goal's title.
    pub goal_title: pursue_domain::goal::GoalTitle,
    /// The entry's local date.
    pub user_date: NaiveDate,
    /// The entry's position among the user's entries with a value (1 = first), by
    /// creation, counted up to [`pursue_domain::milestone::RANK_CEILING`] at most.
    pub rank: i64,
    /// The user's latest local date with a value on the goal.
    pub latest_goal_date: NaiveDate,
    /// The user's distinct local dates with a value on the goal, newest first, at most
    /// [`pursue_domain::milestone::STREAK_CEILING`] of them.
    pub goal_dates: Vec<NaiveDate>,
    /// The goal's active days (`None` = every day).
    pub active_days: Option<i32>,
}

/// Milestone grants, referral tokens and milestone inbox rows.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait MilestoneRepository: Send + Sync {
    /// The facts of entry `entry`, `None` when it is gone.
    ///
    /// Errors: [`RepoError`].
    async fn milestone_facts(&self, entry: Uuid) -> Result<Option<MilestoneFacts>, RepoError>;

    /// The user's referral token, made on first need.
    ///
    /// Errors: [`RepoError`].
    async fn referral_token(&self, user: UserId) -> Result<String, RepoError>;

    /// Grants `key` to `notice.user` (again only when the earlier grant is at least
    /// `regrant_after_days` old) and, when granted, stores `notice`, in one transaction;
    /// `true` when granted now.
    ///
    /// Errors: [`RepoError`].
    async fn grant_milestone(
        &self,
        key: String,
        regrant_after_days: Option<i64>,
        notice: Notice,
    ) -> Result<bool, RepoError>;
}

/// The inbox's daily trim.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait InboxRetention: Send + Sync {
    /// Deletes rows older than `max_age_days`, then all but each user's newest
    /// `keep_per_user` rows, `batch` rows per statement; `None` when another instance is
    /// already running it. Returns the rows deleted.
    ///
    /// Errors: [`RepoError`].
    async fn trim_inbox(
        &self,
        max_age_days: i64,
        keep_per_user: i64,
        batch: i64,
    ) -> Result<Option<u64>, RepoError>;
}
