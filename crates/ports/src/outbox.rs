//! Side effects written in the same transaction as the change that causes them (decision
//! D6) and delivered by the worker after commit.
//!
//! Repository methods that cause a side effect take the message as an argument and store it
//! in the `outbox` table inside their transaction; the worker drains the table.

use std::collections::BTreeMap;

use uuid::Uuid;

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

/// A push notification to the devices of `recipients` (decision D6, contract §4.5).
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

/// One outbox row's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxMessage {
    /// Topic `email`.
    Email(EmailMessage),
    /// Topic `push`.
    Push(PushEvent),
}
