//! Logging and deleting progress entries, with idempotency (docs/API.md, Retrying
//! progress logs).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::MetricType;
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::Timezone;
use pursue_domain::progress::{LogTitle, Note};
use pursue_domain::role::{Denied, Membership};
use pursue_domain::subscription_state::{SubscriptionFacts, WriteDenied};

use crate::activity::NewActivity;
use crate::error::RepoError;
use crate::goals::EntryRecord;
use crate::outbox::PushEvent;

/// An entry to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// Id chosen by the use case.
    pub id: EntryId,
    /// Goal.
    pub goal_id: GoalId,
    /// Author.
    pub user_id: UserId,
    /// Validated value.
    pub value: Decimal2,
    /// Note.
    pub note: Option<Note>,
    /// The user's local date (stored as `period_start`, docs/API.md, Periods and progress).
    pub user_date: NaiveDate,
    /// The author's zone; also becomes their stored zone.
    pub user_timezone: Timezone,
    /// Binary and journal goals: one entry per local date, enforced by a unique index.
    pub one_per_day: bool,
    /// Headline of the log.
    pub log_title: Option<LogTitle>,
}

/// An `Idempotency-Key` with the fingerprint of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The header value.
    pub key: String,
    /// Canonical text of the request body; the adapter stores its hash.
    pub request: String,
}

/// Which log is asked for, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// The author.
    pub user: UserId,
    /// The goal.
    pub goal_id: GoalId,
    /// The optional key.
    pub key: Option<IdempotencyKey>,
    /// The instant subscription facts are computed at.
    pub now: DateTime<Utc>,
}

/// What the rules need, read inside the logging transaction (the caller's membership
/// row is locked until the transaction ends, so a concurrent removal waits for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogContext {
    /// The goal.
    pub goal_id: GoalId,
    /// Its group.
    pub group_id: GroupId,
    /// The goal's title.
    pub goal_title: pursue_domain::goal::GoalTitle,
    /// The goal's metric.
    pub metric: MetricType,
    /// Whether the goal is archived.
    pub archived: bool,
    /// The group's name.
    pub group_name: pursue_domain::group::GroupName,
    /// The author's membership (active or pending), if any.
    pub membership: Option<Membership>,
    /// The author's subscription facts at [`LogRequest::now`].
    pub subscription: SubscriptionFacts,
    /// Whether the group is a challenge group (never refused by the write check).
    pub is_challenge: bool,
}

/// The rows the rules decided to write.
#[derive(Debug, Clone, PartialEq)]
pub struct LogWrite {
    /// The entry.
    pub entry: NewEntry,
    /// The `progress_logged` feed item.
    pub activity: NewActivity,
    /// The push; the adapter fills in the recipients (the group's other active members).
    pub push: PushEvent,
}

/// Why the rules refused a log (nothing is written, the key is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The goal (or its group) does not exist or is archived.
    NotFound,
    /// Not an active member, or not allowed to log.
    Denied(Denied),
    /// The subscription write check refused.
    WriteDenied(WriteDenied),
    /// A field breaks a rule that needs the goal (value, date, title).
    Invalid {
        /// The request field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// The rules of a log: given what was read, the rows to write or the refusal. Pure; run
/// inside the transaction.
pub type LogRules = Box<dyn Fn(&LogContext) -> Result<LogWrite, Refusal> + Send + Sync>;

/// What logging did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogOutcome {
    /// A new entry was stored.
    Created(EntryRecord),
    /// The key was used before with the same request: the first response's entry.
    Replayed(EntryRecord),
}

/// Why logging failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The rules refused.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// A binary goal already has an entry for that local date.
    #[error("duplicate entry")]
    Duplicate,
    /// The key was used within 24 h with a different request.
    #[error("idempotency key reused")]
    KeyReused,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Storage of progress entries.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ProgressRepository: Send + Sync {
    /// In one transaction: claims the key when given (a concurrent request with the same
    /// key waits, then replays), reads the [`LogContext`] (locking the author's
    /// membership), asks `rules`, then — unless they refused, or the key was used before
    /// (replay, or [`LogError::KeyReused`]) — inserts the entry, sets the author's stored
    /// zone, stores the feed item, the push, the daily pulse, the milestone check and the
    /// key's response.
    ///
    /// Errors: [`LogError::Refused`], [`LogError::Duplicate`] (unique index on binary
    /// logs), [`LogError::KeyReused`], [`LogError::Repo`].
    async fn log_progress(
        &self,
        request: LogRequest,
        rules: LogRules,
    ) -> Result<LogOutcome, LogError>;

    /// The entry `id`.
    ///
    /// Errors: [`RepoError`].
    async fn find_entry(&self, id: EntryId) -> Result<Option<EntryRecord>, RepoError>;

    /// Deletes the entry `id`.
    ///
    /// Errors: [`RepoError`].
    async fn delete_entry(&self, id: EntryId) -> Result<(), RepoError>;
}
