//! Logging and deleting progress entries, with D3 idempotency.

use async_trait::async_trait;
use chrono::NaiveDate;
use pursue_domain::decimal::Decimal2;
use pursue_domain::ids::{EntryId, GoalId, UserId};

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
    pub note: Option<String>,
    /// The user's local date (stored as `period_start`, D2).
    pub user_date: NaiveDate,
    /// IANA zone name.
    pub user_timezone: String,
    /// Binary and journal goals: one entry per local date, enforced by a unique index.
    pub one_per_day: bool,
    /// Headline of the log.
    pub log_title: Option<String>,
}

/// An `Idempotency-Key` with the fingerprint of the request it came with (D3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The header value.
    pub key: String,
    /// Canonical text of the request body; the adapter stores its hash.
    pub request: String,
}

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
    /// Atomically: claims `key` when given (a concurrent request with the same key waits
    /// and then replays), inserts the entry, sets the author's stored time zone to the
    /// entry's when it differs, stores the `progress_logged` activity, the push
    /// (recipients: the goal's group members except the author) and the response for the
    /// key.
    ///
    /// Errors: [`LogError::Duplicate`] (unique index on binary logs),
    /// [`LogError::KeyReused`], [`LogError::Repo`].
    async fn log_progress(
        &self,
        entry: NewEntry,
        key: Option<IdempotencyKey>,
        activity: NewActivity,
        push: PushEvent,
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
