//! Push notifications, one device per message.
//!
//! The outbox worker hands each device's notification to a [`PushSender`] and acts on the
//! outcome: a [`PushReceipt`] marks the row delivered, [`PushError::InvalidToken`] deletes
//! the device, [`PushError::Retryable`] re-schedules the row (see [`crate::backoff`]),
//! [`PushError::Rejected`] records the reason and drops the message.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

/// One notification for one device.
#[derive(Clone, PartialEq, Eq)]
pub struct PushMessage {
    /// The device's FCM registration token.
    pub token: String,
    /// Notification title (the group's name; docs/PUSH.md).
    pub title: String,
    /// Notification body.
    pub body: String,
    /// Data payload; FCM accepts string values only.
    pub data: BTreeMap<String, String>,
    /// Stable identifier of this delivery (e.g. outbox row and device) for logs.
    ///
    /// FCM does not deduplicate, so a send retried after a timeout may arrive twice.
    pub idempotency_key: Option<String>,
}

impl fmt::Debug for PushMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushMessage")
            .field("token", &redact_token(&self.token))
            .field("title", &self.title)
            .field("body", &self.body)
            .field("data", &self.data)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// What happened to a message that was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushReceipt {
    /// FCM accepted the message; `message_id` is FCM's name for it.
    Sent {
        /// FCM's message name, `projects/{id}/messages/{n}`.
        message_id: String,
    },
    /// Push is not configured: the message was written to the log instead.
    Logged,
}

/// Why a message was not delivered, classified by what the caller should do next.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The token is not (or no longer) a valid registration: delete the device.
    #[error("the device token is invalid or unregistered: {0}")]
    InvalidToken(String),
    /// A transient failure (rate limit, server error, timeout, network, circuit open):
    /// try again later, not before `retry_after` when it is given.
    #[error("push failed temporarily: {reason}")]
    Retryable {
        /// The earliest sensible time to retry, when the service said so.
        retry_after: Option<Duration>,
        /// What went wrong, for the log.
        reason: String,
    },
    /// The service refused this message for good (bad payload, permissions, sender
    /// mismatch): record the reason and drop the message; keep the device.
    #[error("push rejected: {0}")]
    Rejected(String),
    /// A failure that is not the message's fault (misconfiguration, a bug).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl PushError {
    /// Whether the caller should try the same message again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, PushError::Retryable { .. })
    }
}

/// Sends push notifications to devices.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PushSender: Send + Sync {
    /// Whether messages really leave the server; `false` when they only go to the log
    /// (no credentials configured), so `/health` can report push as disabled.
    fn is_enabled(&self) -> bool;

    /// Sends one message to the one device named by `message.token`.
    ///
    /// Errors: [`PushError::InvalidToken`] when the token is unregistered or malformed
    /// (delete the device), [`PushError::Retryable`] on rate limits, server errors,
    /// timeouts, network failures or while the adapter's circuit breaker is open,
    /// [`PushError::Rejected`] for other refusals of this message,
    /// [`PushError::Unexpected`] for misconfiguration (e.g. credentials refused).
    async fn send(&self, message: &PushMessage) -> Result<PushReceipt, PushError>;
}

/// A registration token shortened for logs: its first 8 characters and an ellipsis.
pub fn redact_token(token: &str) -> String {
    let prefix: String = token.chars().take(8).collect();
    if prefix.len() < token.len() {
        format!("{prefix}…")
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_tokens_keep_only_a_prefix() {
        assert_eq!(redact_token("abcdefghijklmnop"), "abcdefgh…");
        assert_eq!(redact_token("short"), "short");
        assert_eq!(redact_token(""), "");
    }

    #[test]
    fn debug_output_never_shows_the_whole_token() {
        let message = PushMessage {
            token: "0123456789-secret-token".into(),
            title: "Runners".into(),
            body: "Ann joined the group".into(),
            data: BTreeMap::new(),
            idempotency_key: None,
        };
        let shown = format!("{message:?}");
        assert!(shown.contains("01234567…"));
        assert!(!shown.contains("secret-token"));
    }

    #[test]
    fn only_retryable_errors_are_retryable() {
        let retry = PushError::Retryable {
            retry_after: None,
            reason: "503".into(),
        };
        assert!(retry.is_retryable());
        assert!(!PushError::InvalidToken("UNREGISTERED".into()).is_retryable());
        assert!(!PushError::Rejected("INVALID_ARGUMENT".into()).is_retryable());
    }
}
