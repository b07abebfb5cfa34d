//! Goals of a group and the reads behind progress views.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{
    ActiveDays, Cadence, GoalDescription, GoalTitle, LogTitlePrompt, MetricType, NewGoalSpec, Unit,
};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::progress::{LogTitle, Note};

use crate::activity::NewActivity;
use crate::error::RepoError;
use crate::groups::{CapError, WriteGuard};
use crate::outbox::PushEvent;

/// A goal as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalRecord {
    /// Id.
    pub id: GoalId,
    /// Group.
    pub group_id: GroupId,
    /// Title.
    pub title: GoalTitle,
    /// Description.
    pub description: Option<GoalDescription>,
    /// Cadence.
    pub cadence: Cadence,
    /// Metric.
    pub metric: MetricType,
    /// Target.
    pub target_value: Option<Decimal2>,
    /// Unit.
    pub unit: Option<Unit>,
    /// Creator.
    pub created_by_user_id: Option<UserId>,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Archive instant (`deleted_at`).
    pub archived_at: Option<DateTime<Utc>>,
    /// Active days of a daily goal (`None` = every day).
    pub active_days: Option<ActiveDays>,
    /// Journal prompt.
    pub log_title_prompt: Option<LogTitlePrompt>,
}

/// Filters of the goal list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GoalFilter {
    /// Only this cadence.
    pub cadence: Option<Cadence>,
    /// Include archived goals.
    pub include_archived: bool,
}

/// A stored progress entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    /// Id.
    pub id: EntryId,
    /// Goal.
    pub goal_id: GoalId,
    /// Author.
    pub user_id: UserId,
    /// Value.
    pub value: Decimal2,
    /// Note.
    pub note: Option<Note>,
    /// The local date of the log (D2).
    pub period_start: NaiveDate,
    /// When it was logged.
    pub logged_at: DateTime<Utc>,
    /// Headline of the log (journal goals).
    pub log_title: Option<LogTitle>,
}

/// A change to a goal; `description: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct GoalPatch {
    /// New title.
    pub title: Option<GoalTitle>,
    /// New description.
    pub description: Option<Option<GoalDescription>>,
    /// New active days; `Some(None)` resets to every day.
    pub active_days: Option<Option<ActiveDays>>,
}

/// Storage of goals.
///
/// Methods taking a [`PushEvent`] store it in the outbox in the same transaction, with
/// `recipients` set by the adapter to the group's members except `actor`.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait GoalRepository: Send + Sync {
    /// Atomically locks the group row, checks the active-goals cap, inserts the goal in
    /// the guard's group, created by the guard's user, and stores the `goal_added`
    /// activity and push.
    ///
    /// Errors: [`CapError::Cap`] (also from the trigger under a race),
    /// [`CapError::GroupGone`] (the group was deleted meanwhile), [`CapError::Repo`].
    async fn create_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        spec: NewGoalSpec,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<GoalRecord, CapError>;

    /// The goal `id`, archived or not.
    ///
    /// Errors: [`RepoError`].
    async fn find_goal(&self, id: GoalId) -> Result<Option<GoalRecord>, RepoError>;

    /// Goals of `group` under `filter`: active first, then `created_at` descending.
    ///
    /// Errors: [`RepoError`].
    async fn list_goals(
        &self,
        group: GroupId,
        filter: GoalFilter,
    ) -> Result<Vec<GoalRecord>, RepoError>;

    /// Atomically applies `patch` to the active goal `id` and stores `activity` when
    /// given (a changed field); `None` when it is missing or archived.
    ///
    /// Errors: [`RepoError`].
    async fn update_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        patch: GoalPatch,
        activity: Option<NewActivity>,
    ) -> Result<Option<GoalRecord>, RepoError>;

    /// Atomically archives the active goal `id` (by `actor`) and stores the
    /// `goal_archived` activity and push; `false` when it is missing or already archived.
    ///
    /// Errors: [`RepoError`].
    async fn archive_goal(
        &self,
        guard: WriteGuard,
        id: GoalId,
        actor: UserId,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<bool, RepoError>;

    /// Entries of the goals `goals` with `from ≤ period_start ≤ to`, in one query,
    /// ordered by `period_start`, then `logged_at`.
    ///
    /// Errors: [`RepoError`].
    async fn entries_between(
        &self,
        goals: Vec<GoalId>,
        user: Option<UserId>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<EntryRecord>, RepoError>;
}
