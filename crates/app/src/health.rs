//! Health of the service's dependencies, for `/health` and `/ready`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pursue_ports::health::{DatabaseProbe, ProbeError};

/// The database's state as seen by one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseStatus {
    /// The probe query answered.
    Healthy {
        /// Round-trip time of the probe.
        latency: Duration,
    },
    /// The probe failed; the reason is for logs, not for clients.
    Unhealthy {
        /// Short description of the failure.
        reason: String,
    },
}

impl DatabaseStatus {
    /// Whether the database answered.
    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Healthy { .. })
    }
}

/// Checks the service's dependencies.
#[derive(Clone)]
pub struct HealthService {
    database: Arc<dyn DatabaseProbe>,
    /// How long a probe's answer may be reused; zero probes every time.
    reuse_for: Duration,
    last: Arc<Mutex<Option<(Instant, DatabaseStatus)>>>,
}

impl HealthService {
    /// A service probing `database` on every call.
    pub fn new(database: Arc<dyn DatabaseProbe>) -> Self {
        Self {
            database,
            reuse_for: Duration::ZERO,
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// Reuses a probe's answer while it is younger than `max_age`, so frequent health
    /// checks cost at most one database round trip per `max_age`.
    pub fn reusing_probes_for(mut self, max_age: Duration) -> Self {
        self.reuse_for = max_age;
        self
    }

    /// The database's state: a recent enough probe's answer, or a new probe.
    pub async fn database(&self) -> DatabaseStatus {
        if !self.reuse_for.is_zero()
            && let Ok(last) = self.last.lock()
            && let Some((at, status)) = last.as_ref()
            && at.elapsed() < self.reuse_for
        {
            return status.clone();
        }
        let status = self.probe().await;
        if !self.reuse_for.is_zero()
            && let Ok(mut last) = self.last.lock()
        {
            *last = Some((Instant::now(), status.clone()));
        }
        status
    }

    /// Probes the database once and measures the round trip.
    #[tracing::instrument(level = "debug", name = "health.database", skip_all)]
    async fn probe(&self) -> DatabaseStatus {
        let started = Instant::now();
        match self.database.ping().await {
            Ok(()) => DatabaseStatus::Healthy {
                latency: started.elapsed(),
            },
            Err(ProbeError::Timeout) => DatabaseStatus::Unhealthy {
                reason: "database probe timed out".into(),
            },
            Err(ProbeError::Unavailable(e)) => DatabaseStatus::Unhealthy {
                reason: format!("database unavailable: {e:#}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pursue_ports::health::MockDatabaseProbe;

    #[tokio::test]
    async fn healthy_when_the_probe_answers() {
        let mut probe = MockDatabaseProbe::new();
        probe.expect_ping().times(1).returning(|| Ok(()));
        let status = HealthService::new(Arc::new(probe)).database().await;
        assert!(status.is_healthy());
    }

    #[tokio::test]
    async fn a_recent_probe_is_reused_and_an_old_one_is_not() {
        let mut probe = MockDatabaseProbe::new();
        probe.expect_ping().times(2).returning(|| Ok(()));
        let health =
            HealthService::new(Arc::new(probe)).reusing_probes_for(Duration::from_millis(100));
        for _ in 0..5 {
            assert!(health.database().await.is_healthy());
        }
        std::thread::sleep(Duration::from_millis(120));
        assert!(health.database().await.is_healthy());
        assert!(health.database().await.is_healthy());
    }

    #[tokio::test]
    async fn without_reuse_every_call_probes() {
        let mut probe = MockDatabaseProbe::new();
        probe.expect_ping().times(3).returning(|| Ok(()));
        let health = HealthService::new(Arc::new(probe));
        for _ in 0..3 {
            assert!(health.database().await.is_healthy());
        }
    }

    #[tokio::test]
    async fn unhealthy_on_timeout_or_error() {
        let mut probe = MockDatabaseProbe::new();
        probe
            .expect_ping()
            .times(1)
            .returning(|| Err(ProbeError::Timeout));
        let status = HealthService::new(Arc::new(probe)).database().await;
        assert_eq!(
            status,
            DatabaseStatus::Unhealthy {
                reason: "database probe timed out".into()
            }
        );

        let mut probe = MockDatabaseProbe::new();
        probe.expect_ping().times(1).returning(|| {
            Err(ProbeError::Unavailable(anyhow::anyhow!(
                "connection refused"
            )))
        });
        let status = HealthService::new(Arc::new(probe)).database().await;
        match status {
            DatabaseStatus::Unhealthy { reason } => assert!(reason.contains("connection refused")),
            other => panic!("unexpected {other:?}"),
        }
    }
}
