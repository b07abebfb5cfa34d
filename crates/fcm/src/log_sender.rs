//! [`LogPushSender`]: the [`PushSender`] used when no FCM credentials are configured.

use async_trait::async_trait;
use pursue_ports::push::{PushError, PushMessage, PushReceipt, PushSender, redact_token};

/// Writes each push to the log instead of sending it; reports push as disabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogPushSender;

#[async_trait]
impl PushSender for LogPushSender {
    fn is_enabled(&self) -> bool {
        false
    }

    async fn send(&self, message: &PushMessage) -> Result<PushReceipt, PushError> {
        tracing::info!(
            token = redact_token(&message.token),
            key = message.idempotency_key.as_deref().unwrap_or("-"),
            title = message.title,
            body = message.body,
            data = ?message.data,
            "push delivered to the log (FCM is not configured)"
        );
        Ok(PushReceipt::Logged)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[tokio::test]
    async fn logs_instead_of_sending_and_reports_push_as_disabled() {
        let sender = LogPushSender;
        assert!(!sender.is_enabled());
        let message = PushMessage {
            token: "a-long-device-registration-token".into(),
            title: "Runners".into(),
            body: "Ann joined the group".into(),
            data: BTreeMap::from([("type".to_string(), "member_joined".to_string())]),
            idempotency_key: Some("outbox-1".into()),
        };
        assert_eq!(sender.send(&message).await.unwrap(), PushReceipt::Logged);
    }
}
