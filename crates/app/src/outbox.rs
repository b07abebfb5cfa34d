//! Delivery of outbox rows (decision D6): claim due rows of the topics that have a
//! handler, deliver, and complete, reschedule with exponential backoff and jitter, or give
//! up after a bounded number of attempts.
//!
//! A topic is handled by registering an [`OutboxHandler`] for it
//! ([`OutboxProcessor::with_handler`]); rows of topics without a handler are never
//! claimed, so another instance (or a later handler, e.g. `push`) picks them up.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use pursue_ports::backoff::Backoff;
use pursue_ports::error::RepoError;
use pursue_ports::outbox::{
    ClaimedMessage, DeliveryError, Mailer, OutboxMessage, OutboxStore, OutboxTopic,
};
use uuid::Uuid;

/// Delivers the messages of one topic.
#[async_trait]
pub trait OutboxHandler: Send + Sync {
    /// Delivers `message`.
    ///
    /// Errors: [`DeliveryError::Transient`] (retried) or [`DeliveryError::Permanent`].
    async fn deliver(&self, message: &OutboxMessage) -> Result<(), DeliveryError>;
}

/// Topic `email`, delivered by a [`Mailer`].
pub struct MailHandler(pub Arc<dyn Mailer>);

#[async_trait]
impl OutboxHandler for MailHandler {
    async fn deliver(&self, message: &OutboxMessage) -> Result<(), DeliveryError> {
        match message {
            OutboxMessage::Email(email) => self.0.send(email).await,
            other => Err(DeliveryError::Permanent(format!(
                "the mail handler cannot deliver topic {}",
                other.topic().as_str()
            ))),
        }
    }
}

/// Retry policy of the processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before a row is marked failed.
    pub max_attempts: i32,
    /// Delay between attempts: doubling with jitter, never before a `Retry-After`.
    pub backoff: Backoff,
    /// How long a claimed row stays hidden from other workers.
    pub lease: Duration,
    /// Rows claimed per batch.
    pub batch: i64,
}

impl Default for RetryPolicy {
    /// 12 attempts spaced 2 s, 4 s, … up to 10 min apart (about 50 min in all), a
    /// 2-minute lease, 20 rows per batch.
    fn default() -> Self {
        Self {
            max_attempts: 12,
            backoff: Backoff::default(),
            lease: Duration::from_secs(120),
            batch: 20,
        }
    }
}

impl RetryPolicy {
    /// Delay before the next attempt after `attempts` failed ones, not shorter than
    /// `retry_after`.
    pub fn delay(&self, attempts: i32, retry_after: Option<Duration>) -> Duration {
        let attempt = u32::try_from(attempts.max(1)).unwrap_or(1);
        self.backoff.delay(attempt, retry_after)
    }
}

/// Drains the outbox through the registered handlers.
#[derive(Clone)]
pub struct OutboxProcessor {
    store: Arc<dyn OutboxStore>,
    handlers: HashMap<OutboxTopic, Arc<dyn OutboxHandler>>,
    policy: RetryPolicy,
}

impl OutboxProcessor {
    /// A processor without handlers (claims nothing until one is registered).
    pub fn new(store: Arc<dyn OutboxStore>, policy: RetryPolicy) -> Self {
        Self {
            store,
            handlers: HashMap::new(),
            policy,
        }
    }

    /// Registers the handler of `topic`.
    pub fn with_handler(mut self, topic: OutboxTopic, handler: Arc<dyn OutboxHandler>) -> Self {
        self.handlers.insert(topic, handler);
        self
    }

    /// Rows per batch.
    pub fn batch_size(&self) -> i64 {
        self.policy.batch
    }

    /// Claims and processes one batch; returns how many rows were claimed.
    #[tracing::instrument(level = "debug", name = "outbox.process_batch", skip_all)]
    pub async fn process_batch(&self, now: DateTime<Utc>) -> Result<usize, RepoError> {
        if self.handlers.is_empty() {
            return Ok(0);
        }
        let mut topics: Vec<OutboxTopic> = self.handlers.keys().copied().collect();
        topics.sort_by_key(|t| t.as_str());
        let claimed = self
            .store
            .claim(topics, self.policy.batch, self.policy.lease)
            .await?;
        let count = claimed.len();
        // Rows are independent: deliver them concurrently so one slow service (a hanging
        // FCM, say) costs one time-out per batch, well inside the lease, not one per row.
        let settled: Vec<Result<Option<Uuid>, RepoError>> = futures_util::stream::iter(claimed)
            .map(|row| self.settle(row, now))
            .buffer_unordered(count.max(1))
            .collect()
            .await;
        // The delivered rows are marked done in one write; a failure to record a retry or
        // a failure does not keep the others from being recorded.
        let mut delivered = Vec::new();
        let mut first_error = None;
        for outcome in settled {
            match outcome {
                Ok(Some(id)) => delivered.push(id),
                Ok(None) => {}
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        if !delivered.is_empty() {
            self.store.complete(delivered).await?;
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(count),
        }
    }

    /// Delivers one row: `Some(id)` when it was delivered (the caller marks it done with
    /// the rest of the batch), `None` when it was rescheduled or failed (recorded here).
    async fn settle(
        &self,
        row: ClaimedMessage,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>, RepoError> {
        let outcome = match (&row.message, self.handlers.get(&row.topic)) {
            (Err(e), _) => Err(DeliveryError::Permanent(format!(
                "undecodable payload: {e}"
            ))),
            (Ok(_), None) => Err(DeliveryError::Permanent("no handler for topic".into())),
            (Ok(message), Some(handler)) => handler.deliver(message).await,
        };
        match outcome {
            Ok(()) => Ok(Some(row.id)),
            Err(DeliveryError::Permanent(e)) => {
                tracing::warn!(outbox_id = %row.id, topic = row.topic.as_str(), error = %e, "delivery failed permanently");
                self.store.fail(row.id, e).await.map(|()| None)
            }
            Err(DeliveryError::Transient(e) | DeliveryError::Deferred { reason: e, .. })
                if row.attempts >= self.policy.max_attempts =>
            {
                tracing::warn!(outbox_id = %row.id, topic = row.topic.as_str(), attempts = row.attempts, error = %e, "delivery given up");
                self.store.fail(row.id, e).await.map(|()| None)
            }
            Err(DeliveryError::Transient(e)) => {
                self.reschedule(&row, now, e, None).await.map(|()| None)
            }
            Err(DeliveryError::Deferred {
                reason,
                retry_after,
            }) => self
                .reschedule(&row, now, reason, retry_after)
                .await
                .map(|()| None),
        }
    }

    async fn reschedule(
        &self,
        row: &ClaimedMessage,
        now: DateTime<Utc>,
        error: String,
        retry_after: Option<Duration>,
    ) -> Result<(), RepoError> {
        let delay = self.policy.delay(row.attempts, retry_after);
        let at = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
        tracing::info!(outbox_id = %row.id, topic = row.topic.as_str(), attempts = row.attempts, retry_in_ms = delay.as_millis() as u64, error = %error, "delivery will be retried");
        self.store.retry_at(row.id, at, error).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mockall::predicate::eq;
    use pursue_ports::outbox::{ClaimedMessage, EmailMessage, MockMailer, MockOutboxStore};
    use uuid::Uuid;

    fn mail() -> OutboxMessage {
        mail_to("a@b.co")
    }

    fn mail_to(to: &str) -> OutboxMessage {
        OutboxMessage::Email(EmailMessage {
            to: to.into(),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
        })
    }

    fn row(id: Uuid, attempts: i32, message: Result<OutboxMessage, String>) -> ClaimedMessage {
        ClaimedMessage {
            id,
            topic: OutboxTopic::Email,
            attempts,
            message,
        }
    }

    fn processor(store: MockOutboxStore, mailer: MockMailer) -> OutboxProcessor {
        OutboxProcessor::new(Arc::new(store), RetryPolicy::default())
            .with_handler(OutboxTopic::Email, Arc::new(MailHandler(Arc::new(mailer))))
    }

    #[test]
    fn the_policy_delegates_to_the_shared_backoff() {
        let p = RetryPolicy::default();
        let d = p.delay(3, None);
        assert!(
            d >= Duration::from_secs(4) && d <= Duration::from_secs(8),
            "{d:?}"
        );
        assert!(p.delay(0, None) <= Duration::from_secs(2));
        assert!(p.delay(2, Some(Duration::from_secs(90))) >= Duration::from_secs(90));
        assert!(p.delay(i32::MAX, None) <= Duration::from_secs(600));
    }

    #[tokio::test]
    async fn deferred_rows_wait_for_retry_after() {
        let id = Uuid::new_v4();
        let now = Utc::now();
        let mut store = MockOutboxStore::new();
        store
            .expect_claim()
            .returning(move |_, _, _| Ok(vec![row(id, 1, Ok(mail()))]));
        store
            .expect_retry_at()
            .withf(move |i, at, e| {
                *i == id && e == "quota" && *at - now >= chrono::Duration::seconds(60)
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut mailer = MockMailer::new();
        mailer.expect_send().returning(|_| {
            Err(DeliveryError::Deferred {
                reason: "quota".into(),
                retry_after: Some(Duration::from_secs(60)),
            })
        });
        processor(store, mailer).process_batch(now).await.unwrap();
    }

    #[tokio::test]
    async fn only_handled_topics_are_claimed_and_successes_complete() {
        let id = Uuid::new_v4();
        let mut store = MockOutboxStore::new();
        store
            .expect_claim()
            .withf(|topics, _, _| topics == &vec![OutboxTopic::Email])
            .returning(move |_, _, _| Ok(vec![row(id, 1, Ok(mail()))]));
        store
            .expect_complete()
            .with(eq(vec![id]))
            .times(1)
            .returning(|_| Ok(()));
        let mut mailer = MockMailer::new();
        mailer.expect_send().times(1).returning(|_| Ok(()));
        assert_eq!(
            processor(store, mailer)
                .process_batch(Utc::now())
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn transient_failures_are_rescheduled_with_backoff() {
        let id = Uuid::new_v4();
        let now = Utc::now();
        let mut store = MockOutboxStore::new();
        store
            .expect_claim()
            .returning(move |_, _, _| Ok(vec![row(id, 2, Ok(mail()))]));
        store
            .expect_retry_at()
            .withf(move |i, at, e| {
                let d = *at - now;
                *i == id
                    && e == "429"
                    && d >= chrono::Duration::seconds(2)
                    && d <= chrono::Duration::seconds(4)
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut mailer = MockMailer::new();
        mailer
            .expect_send()
            .returning(|_| Err(DeliveryError::Transient("429".into())));
        processor(store, mailer).process_batch(now).await.unwrap();
    }

    #[tokio::test]
    async fn exhausted_retries_permanent_errors_and_bad_payloads_fail() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut store = MockOutboxStore::new();
        store.expect_claim().returning(move |_, _, _| {
            Ok(vec![
                row(
                    a,
                    RetryPolicy::default().max_attempts,
                    Ok(mail_to("a@b.co")),
                ),
                row(b, 1, Ok(mail_to("b@b.co"))),
                row(c, 1, Err("bad json".into())),
            ])
        });
        store
            .expect_fail()
            .with(eq(a), eq("503".to_string()))
            .times(1)
            .returning(|_, _| Ok(()));
        store
            .expect_fail()
            .with(eq(b), eq("422".to_string()))
            .times(1)
            .returning(|_, _| Ok(()));
        store
            .expect_fail()
            .withf(move |i, e| *i == c && e.contains("bad json"))
            .times(1)
            .returning(|_, _| Ok(()));
        let mut mailer = MockMailer::new();
        mailer.expect_send().times(2).returning(|email| {
            if email.to == "a@b.co" {
                Err(DeliveryError::Transient("503".into()))
            } else {
                Err(DeliveryError::Permanent("422".into()))
            }
        });
        assert_eq!(
            processor(store, mailer)
                .process_batch(Utc::now())
                .await
                .unwrap(),
            3
        );
    }

    #[tokio::test]
    async fn without_handlers_nothing_is_claimed() {
        let store = MockOutboxStore::new(); // claim would panic
        let p = OutboxProcessor::new(Arc::new(store), RetryPolicy::default());
        assert_eq!(p.process_batch(Utc::now()).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_mail_handler_refuses_other_topics() {
        let handler = MailHandler(Arc::new(MockMailer::new()));
        let push = OutboxMessage::Push(pursue_ports::outbox::PushEvent {
            event_id: Uuid::new_v4(),
            recipients: vec![],
            title: "t".into(),
            body: "b".into(),
            data: Default::default(),
        });
        assert!(matches!(
            handler.deliver(&push).await,
            Err(DeliveryError::Permanent(_))
        ));
    }
}
