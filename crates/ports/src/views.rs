//! Reads behind the progress views (members' pulse, member history, My Progress,
//! export) that the goal and group ports do not cover.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};

use crate::activity::NewActivity;
use crate::error::RepoError;
use crate::goals::{EntryRecord, GoalRecord};

/// A position in a member's history: the last entry of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryCursor {
    /// Its `logged_at`.
    pub logged_at: DateTime<Utc>,
    /// Its id.
    pub entry_id: EntryId,
}

/// One emoji's count on an entry's feed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    /// The entry.
    pub entry_id: EntryId,
    /// The emoji.
    pub emoji: String,
    /// How many reacted with it.
    pub count: i64,
}

/// A goal the user tracks, with its group's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedGoal {
    /// The group's name.
    pub group_name: pursue_domain::group::GroupName,
    /// The goal.
    pub goal: GoalRecord,
}

/// Reads of the progress views.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ProgressViews: Send + Sync {
    /// The stored time zone (`users.timezone`) of each of `users` that exists.
    ///
    /// Errors: [`RepoError`].
    async fn timezones(
        &self,
        users: Vec<UserId>,
    ) -> Result<Vec<(UserId, Option<String>)>, RepoError>;

    /// At most `limit` entries of `user` on `goals` with `from ≤ period_start ≤ to`,
    /// `logged_at` then `id` descending, strictly after `after` when given.
    ///
    /// Errors: [`RepoError`].
    async fn entry_page(
        &self,
        goals: Vec<GoalId>,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
        after: Option<EntryCursor>,
        limit: i64,
    ) -> Result<Vec<EntryRecord>, RepoError>;

    /// Reaction counts on the `progress_logged` feed items of `entries` (reactions of
    /// soft-deleted users left out), count descending, then emoji.
    ///
    /// Errors: [`RepoError`].
    async fn entry_reactions(&self, entries: Vec<EntryId>)
    -> Result<Vec<ReactionCount>, RepoError>;

    /// Non-archived goals of the non-deleted groups where `user` is an active member,
    /// by group name, then goal `created_at`.
    ///
    /// Errors: [`RepoError`].
    async fn tracked_goals(&self, user: UserId) -> Result<Vec<TrackedGoal>, RepoError>;

    /// Stores a feed item in `group`.
    ///
    /// Errors: [`RepoError`].
    async fn record_activity(&self, group: GroupId, activity: NewActivity)
    -> Result<(), RepoError>;
}
