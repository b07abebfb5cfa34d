//! The database readiness probe behind `/health`.

use std::time::Duration;

use async_trait::async_trait;
use diesel_async::RunQueryDsl;
use pursue_ports::health::{DatabaseProbe, ProbeError};

use crate::pool::PgPool;

/// Runs the contract's probe query (`SELECT id FROM users LIMIT 1`) through the pool.
#[derive(Clone)]
pub struct PgProbe {
    pool: PgPool,
    timeout: Duration,
}

impl PgProbe {
    /// A probe that gives up after `timeout`.
    pub fn new(pool: PgPool, timeout: Duration) -> Self {
        Self { pool, timeout }
    }
}

#[async_trait]
impl DatabaseProbe for PgProbe {
    async fn ping(&self) -> Result<(), ProbeError> {
        let work = async {
            let mut conn = self
                .pool
                .get()
                .await
                .map_err(|e| ProbeError::Unavailable(e.into()))?;
            diesel::sql_query("SELECT id FROM users LIMIT 1")
                .execute(&mut conn)
                .await
                .map_err(|e| ProbeError::Unavailable(e.into()))?;
            Ok(())
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| ProbeError::Timeout)?
    }
}
