//! Health of the service's dependencies, for `/health` and `/ready`.

use std::sync::Arc;
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
}

impl HealthService {
    /// A service probing `database`.
    pub fn new(database: Arc<dyn DatabaseProbe>) -> Self {
        Self { database }
    }

    /// Probes the database once and measures the round trip.
    #[tracing::instrument(level = "debug", name = "health.database", skip_all)]
    pub async fn database(&self) -> DatabaseStatus {
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
