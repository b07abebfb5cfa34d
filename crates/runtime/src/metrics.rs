//! Metrics recorded by the runtime's adapters and worker: the outbox backlog and deliveries,
//! and the image pipeline's timings (see docs/OPERATIONS.md, Metrics). They go through the
//! `metrics` facade; the server installs the Prometheus recorder that exposes them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use pursue_ports::error::RepoError;
use pursue_ports::images::{ImageError, ImageProcessor, ProcessedImage};
use pursue_ports::outbox::{ClaimedMessage, OutboxStore};
use uuid::Uuid;

/// Pending outbox rows (sampled by the worker).
pub const OUTBOX_BACKLOG: &str = "outbox_backlog";
/// Age in seconds of the oldest pending outbox row, 0 when none (sampled by the worker).
pub const OUTBOX_OLDEST_AGE: &str = "outbox_oldest_pending_age_seconds";
/// Delivery attempts, by `topic` and `outcome` (`delivered`, `retried`, `failed`).
pub const OUTBOX_DELIVERIES: &str = "outbox_deliveries_total";
/// Time to validate, decode, resize and encode one upload, by `outcome`.
pub const IMAGE_PIPELINE: &str = "image_pipeline_duration_seconds";

/// Records the outbox backlog the worker sampled.
pub fn record_outbox_backlog(pending: i64, oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) {
    metrics::gauge!(OUTBOX_BACKLOG).set(pending as f64);
    let age = oldest
        .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    metrics::gauge!(OUTBOX_OLDEST_AGE).set(age);
}

/// An [`ImageProcessor`] that times every upload.
pub struct MeteredProcessor<P>(pub P);

#[async_trait]
impl<P: ImageProcessor> ImageProcessor for MeteredProcessor<P> {
    async fn process(
        &self,
        input: Bytes,
        declared_mime: Option<String>,
    ) -> Result<ProcessedImage, ImageError> {
        let started = Instant::now();
        let result = self.0.process(input, declared_mime).await;
        let outcome = if result.is_ok() { "ok" } else { "rejected" };
        metrics::histogram!(IMAGE_PIPELINE, "outcome" => outcome)
            .record(started.elapsed().as_secs_f64());
        result
    }
}

/// An [`OutboxStore`] that counts deliveries by topic and outcome.
pub struct MeteredOutbox {
    inner: Arc<dyn OutboxStore>,
    topics: Mutex<HashMap<Uuid, &'static str>>,
}

impl MeteredOutbox {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn OutboxStore>) -> Self {
        Self {
            inner,
            topics: Mutex::new(HashMap::new()),
        }
    }

    fn count(&self, id: Uuid, outcome: &'static str) {
        let topic = self
            .topics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
            .unwrap_or("unknown");
        metrics::counter!(OUTBOX_DELIVERIES, "topic" => topic, "outcome" => outcome).increment(1);
    }
}

#[async_trait]
impl OutboxStore for MeteredOutbox {
    async fn claim(
        &self,
        topics: Vec<pursue_ports::outbox::OutboxTopic>,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<ClaimedMessage>, RepoError> {
        let rows = self.inner.claim(topics, limit, lease).await?;
        let mut seen = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        // Rows whose outcome never came back (a crash mid-batch) must not pile up.
        if seen.len() > 10_000 {
            seen.clear();
        }
        for row in &rows {
            seen.insert(row.id, row.topic.as_str());
        }
        Ok(rows)
    }

    async fn complete(&self, ids: Vec<Uuid>) -> Result<(), RepoError> {
        for id in &ids {
            self.count(*id, "delivered");
        }
        self.inner.complete(ids).await
    }

    async fn retry_at(&self, id: Uuid, at: DateTime<Utc>, error: String) -> Result<(), RepoError> {
        self.count(id, "retried");
        self.inner.retry_at(id, at, error).await
    }

    async fn fail(&self, id: Uuid, error: String) -> Result<(), RepoError> {
        self.count(id, "failed");
        self.inner.fail(id, error).await
    }
}
