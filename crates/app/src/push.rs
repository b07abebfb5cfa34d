//! Push fan-out (docs/PUSH.md, decision D6): the outbox handler of topic `push`.
//!
//! One outbox row is one event for a list of recipients. Delivering it sends one message
//! per device of every recipient that has no recorded outcome for the event yet, records
//! each outcome as soon as it is known, and reports the row done only when no device is
//! left waiting. A retried row (after a crash, a restart or a transient FCM failure)
//! therefore resends only what was not delivered: the pair (event, device token) is the
//! message's idempotency key.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use pursue_ports::devices::{PushLedger, PushOutcome, PushTarget};
use pursue_ports::error::RepoError;
use pursue_ports::outbox::{DeliveryError, OutboxMessage, PushEvent};
use pursue_ports::push::{PushError, PushMessage, PushReceipt, PushSender, redact_token};

use crate::outbox::OutboxHandler;

/// Default number of sends of one event in flight at once.
pub const DEFAULT_FAN_OUT: usize = 16;

/// Topic `push`: sends an event to the recipients' devices through a [`PushSender`].
pub struct PushHandler {
    ledger: Arc<dyn PushLedger>,
    sender: Arc<dyn PushSender>,
    fan_out: usize,
}

/// What one device's send asks of the row.
enum Step {
    Settled,
    Wait(Option<Duration>, String),
}

impl PushHandler {
    /// A handler recording outcomes in `ledger` and sending through `sender`.
    pub fn new(ledger: Arc<dyn PushLedger>, sender: Arc<dyn PushSender>) -> Self {
        Self {
            ledger,
            sender,
            fan_out: DEFAULT_FAN_OUT,
        }
    }

    /// Sets how many sends of one event may be in flight at once (at least 1).
    pub fn with_fan_out(mut self, fan_out: usize) -> Self {
        self.fan_out = fan_out.max(1);
        self
    }

    async fn deliver_event(&self, event: &PushEvent) -> Result<(), DeliveryError> {
        let targets = self
            .ledger
            .pending_targets(event.event_id, event.recipients.clone())
            .await
            .map_err(repo)?;
        if targets.is_empty() {
            return Ok(());
        }
        let steps: Vec<Result<Step, RepoError>> = futures_util::stream::iter(targets)
            .map(|target| self.send_one(event, target))
            .buffer_unordered(self.fan_out)
            .collect()
            .await;
        let mut waiting = 0usize;
        let mut retry_after: Option<Duration> = None;
        let mut last_reason = String::new();
        for step in steps {
            match step.map_err(repo)? {
                Step::Settled => {}
                Step::Wait(after, reason) => {
                    waiting += 1;
                    retry_after = retry_after.max(after);
                    last_reason = reason;
                }
            }
        }
        if waiting == 0 {
            Ok(())
        } else {
            Err(DeliveryError::Deferred {
                reason: format!("{waiting} device(s) still waiting: {last_reason}"),
                retry_after,
            })
        }
    }

    async fn send_one(&self, event: &PushEvent, target: PushTarget) -> Result<Step, RepoError> {
        let message = PushMessage {
            token: target.fcm_token.clone(),
            title: event.title.clone(),
            body: event.body.clone(),
            data: event.data.clone(),
            idempotency_key: Some(format!("{}/{}", event.event_id, target.device_id)),
        };
        let outcome = match self.sender.send(&message).await {
            Ok(PushReceipt::Sent { message_id }) => PushOutcome::Sent { message_id },
            Ok(PushReceipt::Logged) => PushOutcome::Logged,
            Err(PushError::InvalidToken(reason)) => {
                tracing::info!(event_id = %event.event_id, device_id = %target.device_id, token = %redact_token(&target.fcm_token), %reason, "device token no longer valid; device deleted");
                self.ledger.forget_token(target.fcm_token.clone()).await?;
                PushOutcome::InvalidToken
            }
            Err(PushError::Rejected(reason)) => {
                tracing::warn!(event_id = %event.event_id, device_id = %target.device_id, %reason, "push rejected; dropped");
                PushOutcome::Rejected { reason }
            }
            Err(PushError::Retryable {
                retry_after,
                reason,
            }) => return Ok(Step::Wait(retry_after, reason)),
            Err(PushError::Unexpected(e)) => {
                tracing::error!(event_id = %event.event_id, error = %format!("{e:#}"), "push failed unexpectedly; will retry");
                return Ok(Step::Wait(None, format!("{e:#}")));
            }
        };
        self.ledger
            .record(event.event_id, target, outcome)
            .await
            .map(|()| Step::Settled)
    }
}

fn repo(e: RepoError) -> DeliveryError {
    DeliveryError::Transient(e.to_string())
}

#[async_trait]
impl OutboxHandler for PushHandler {
    async fn deliver(&self, message: &OutboxMessage) -> Result<(), DeliveryError> {
        match message {
            OutboxMessage::Push(event) => self.deliver_event(event).await,
            other => Err(DeliveryError::Permanent(format!(
                "the push handler cannot deliver topic {}",
                other.topic().as_str()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::*;
    use pursue_domain::ids::DeviceId;
    use pursue_ports::devices::MockPushLedger;
    use pursue_ports::outbox::EmailMessage;
    use pursue_ports::push::MockPushSender;
    use uuid::Uuid;

    fn event(recipients: Vec<Uuid>) -> PushEvent {
        PushEvent {
            event_id: Uuid::new_v4(),
            recipients,
            title: "Runners".into(),
            body: "Ann completed 'Run'".into(),
            data: BTreeMap::from([("type".to_string(), "progress_logged".to_string())]),
        }
    }

    fn target(token: &str) -> PushTarget {
        PushTarget {
            device_id: DeviceId::from_uuid(Uuid::new_v4()),
            user_id: Uuid::new_v4(),
            fcm_token: token.into(),
        }
    }

    fn ledger_with(
        targets: Vec<PushTarget>,
        recorded: Arc<Mutex<Vec<(String, PushOutcome)>>>,
    ) -> MockPushLedger {
        let mut ledger = MockPushLedger::new();
        ledger
            .expect_pending_targets()
            .times(1)
            .returning(move |_, _| Ok(targets.clone()));
        ledger.expect_record().returning(move |_, t, o| {
            recorded.lock().unwrap().push((t.fcm_token, o));
            Ok(())
        });
        ledger
    }

    #[tokio::test]
    async fn every_outcome_is_recorded_and_invalid_tokens_are_forgotten() {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let mut ledger = ledger_with(
            vec![
                target("ok"),
                target("gone"),
                target("bad-payload"),
                target("log"),
            ],
            recorded.clone(),
        );
        ledger
            .expect_forget_token()
            .withf(|t| t == "gone")
            .times(1)
            .returning(|_| Ok(()));
        let mut sender = MockPushSender::new();
        sender
            .expect_send()
            .times(4)
            .returning(|m| match m.token.as_str() {
                "ok" => Ok(PushReceipt::Sent {
                    message_id: "projects/p/messages/1".into(),
                }),
                "gone" => Err(PushError::InvalidToken("UNREGISTERED".into())),
                "bad-payload" => Err(PushError::Rejected("INVALID_ARGUMENT".into())),
                _ => Ok(PushReceipt::Logged),
            });
        let handler = PushHandler::new(Arc::new(ledger), Arc::new(sender));
        let ev = event(vec![Uuid::new_v4()]);
        handler.deliver(&OutboxMessage::Push(ev)).await.unwrap();
        let mut got = recorded.lock().unwrap().clone();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            got,
            vec![
                (
                    "bad-payload".to_string(),
                    PushOutcome::Rejected {
                        reason: "INVALID_ARGUMENT".into()
                    }
                ),
                ("gone".to_string(), PushOutcome::InvalidToken),
                ("log".to_string(), PushOutcome::Logged),
                (
                    "ok".to_string(),
                    PushOutcome::Sent {
                        message_id: "projects/p/messages/1".into()
                    }
                ),
            ]
        );
    }

    #[tokio::test]
    async fn transient_failures_defer_the_row_with_the_longest_retry_after() {
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let ledger = ledger_with(
            vec![
                target("ok"),
                target("busy"),
                target("down"),
                target("weird"),
            ],
            recorded.clone(),
        );
        let mut sender = MockPushSender::new();
        sender
            .expect_send()
            .times(4)
            .returning(|m| match m.token.as_str() {
                "ok" => Ok(PushReceipt::Sent {
                    message_id: "m".into(),
                }),
                "busy" => Err(PushError::Retryable {
                    retry_after: Some(Duration::from_secs(30)),
                    reason: "429".into(),
                }),
                "down" => Err(PushError::Retryable {
                    retry_after: Some(Duration::from_secs(5)),
                    reason: "503".into(),
                }),
                _ => Err(PushError::Unexpected(anyhow::anyhow!(
                    "token endpoint refused"
                ))),
            });
        let handler = PushHandler::new(Arc::new(ledger), Arc::new(sender)).with_fan_out(2);
        let err = handler
            .deliver(&OutboxMessage::Push(event(vec![Uuid::new_v4()])))
            .await
            .unwrap_err();
        match err {
            DeliveryError::Deferred {
                reason,
                retry_after,
            } => {
                assert!(reason.starts_with("3 device(s) still waiting"), "{reason}");
                assert_eq!(retry_after, Some(Duration::from_secs(30)));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Only the delivered device is recorded, so a retry resends the other three.
        assert_eq!(recorded.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn messages_carry_the_event_and_a_per_device_key() {
        let t = target("tok");
        let device = t.device_id;
        let ev = event(vec![t.user_id]);
        let expected_key = format!("{}/{}", ev.event_id, device);
        let ledger = ledger_with(vec![t], Arc::new(Mutex::new(Vec::new())));
        let mut sender = MockPushSender::new();
        sender
            .expect_send()
            .withf(move |m| {
                m.token == "tok"
                    && m.title == "Runners"
                    && m.body == "Ann completed 'Run'"
                    && m.data.get("type").map(String::as_str) == Some("progress_logged")
                    && m.idempotency_key.as_deref() == Some(expected_key.as_str())
            })
            .times(1)
            .returning(|_| Ok(PushReceipt::Logged));
        PushHandler::new(Arc::new(ledger), Arc::new(sender))
            .deliver(&OutboxMessage::Push(ev))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn nothing_pending_sends_nothing_and_ledger_failures_are_transient() {
        let mut ledger = MockPushLedger::new();
        ledger
            .expect_pending_targets()
            .times(1)
            .returning(|_, _| Ok(vec![]));
        let sender = MockPushSender::new();
        let handler = PushHandler::new(Arc::new(ledger), Arc::new(sender));
        handler
            .deliver(&OutboxMessage::Push(event(vec![])))
            .await
            .unwrap();

        let mut ledger = MockPushLedger::new();
        ledger
            .expect_pending_targets()
            .times(1)
            .returning(|_, _| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
        let handler = PushHandler::new(Arc::new(ledger), Arc::new(MockPushSender::new()));
        let err = handler
            .deliver(&OutboxMessage::Push(event(vec![Uuid::new_v4()])))
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Transient(_)));
    }

    #[tokio::test]
    async fn other_topics_are_refused() {
        let handler = PushHandler::new(
            Arc::new(MockPushLedger::new()),
            Arc::new(MockPushSender::new()),
        );
        let err = handler
            .deliver(&OutboxMessage::Email(EmailMessage {
                to: "a@b.co".into(),
                subject: "s".into(),
                text: "t".into(),
                html: "h".into(),
            }))
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Permanent(_)));
    }
}
