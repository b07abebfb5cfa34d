//! Side effects written in the same transaction as the change that causes them (decision
//! D6) and delivered by the worker after commit.
//!
//! Repository methods that cause a side effect take the message as an argument and store it
//! in the `outbox` table inside their transaction; the worker drains the table.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::error::RepoError;

/// An e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMessage {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// A push notification to the devices of `recipients` (decision D6, docs/PUSH.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushEvent {
    /// Unique id; with a device token it forms the per-message idempotency key.
    pub event_id: Uuid,
    /// Users whose devices receive it (the actor is never among them).
    pub recipients: Vec<Uuid>,
    /// Notification title (the group name).
    pub title: String,
    /// Notification body.
    pub body: String,
    /// String-only data: `type`, `group_id` and the trigger's extra keys.
    pub data: BTreeMap<String, String>,
}

/// A `POST /api/progress` entry to check for milestones (worker side, after commit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneCheck {
    /// The new entry.
    pub entry_id: Uuid,
}

/// One outbox row's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxMessage {
    /// Topic `email`.
    Email(EmailMessage),
    /// Topic `push`.
    Push(PushEvent),
    /// Topic `milestone`.
    Milestone(MilestoneCheck),
}

/// Topic of an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxTopic {
    /// E-mails.
    Email,
    /// Push notifications.
    Push,
    /// Milestone detection after a progress log.
    Milestone,
}

impl OutboxTopic {
    /// The `topic` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxTopic::Email => "email",
            OutboxTopic::Push => "push",
            OutboxTopic::Milestone => "milestone",
        }
    }
}

impl OutboxMessage {
    /// The topic this message is stored under.
    pub fn topic(&self) -> OutboxTopic {
        match self {
            OutboxMessage::Email(_) => OutboxTopic::Email,
            OutboxMessage::Push(_) => OutboxTopic::Push,
            OutboxMessage::Milestone(_) => OutboxTopic::Milestone,
        }
    }
}

/// A row claimed by the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMessage {
    /// Row id.
    pub id: Uuid,
    /// Its topic.
    pub topic: OutboxTopic,
    /// Delivery attempts including this one.
    pub attempts: i32,
    /// The message, or why its payload could not be decoded.
    pub message: Result<OutboxMessage, String>,
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (rate limited, 5xx, timeout, network).
    #[error("transient delivery failure: {0}")]
    Transient(String),
    /// Worth retrying, but not before `retry_after` (the service said so, or part of the
    /// work is already done and the rest waits for a recovering service).
    #[error("delivery deferred: {reason}")]
    Deferred {
        /// What went wrong, for the log.
        reason: String,
        /// The earliest sensible retry.
        retry_after: Option<std::time::Duration>,
    },
    /// Retrying cannot help (rejected request, bad payload).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

/// The outbox as the worker sees it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims up to `limit` due pending rows of `topics` (`FOR UPDATE SKIP LOCKED`, so
    /// instances never share a row), counting the attempt and hiding them for `lease`
    /// (a crashed worker's rows come back after it).
    ///
    /// Errors: [`RepoError`].
    async fn claim(
        &self,
        topics: Vec<OutboxTopic>,
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<ClaimedMessage>, RepoError>;

    /// Marks the rows `ids` delivered, all in one write (a batch's deliveries settle
    /// together).
    ///
    /// Errors: [`RepoError`].
    async fn complete(&self, ids: Vec<Uuid>) -> Result<(), RepoError>;

    /// Makes a row due again at `at`, recording `error`.
    ///
    /// Errors: [`RepoError`].
    async fn retry_at(
        &self,
        id: Uuid,
        at: chrono::DateTime<chrono::Utc>,
        error: String,
    ) -> Result<(), RepoError>;

    /// Gives up on a row (`status = 'failed'`), recording `error`.
    ///
    /// Errors: [`RepoError`].
    async fn fail(&self, id: Uuid, error: String) -> Result<(), RepoError>;
}

/// Sends e-mails.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one e-mail.
    ///
    /// Errors: [`DeliveryError::Transient`] or [`DeliveryError::Permanent`].
    async fn send(&self, email: &EmailMessage) -> Result<(), DeliveryError>;
}
