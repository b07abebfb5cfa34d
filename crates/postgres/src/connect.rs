//! Opening connections: each new connection gets the `statement_timeout` (and the same
//! `idle_in_transaction_session_timeout`), and while the
//! database is unreachable, attempts back off (250 ms doubling to 5 s) instead of one per
//! request; the outage is logged once per 10 s, and its end once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::ConnectionError;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
const LOG_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct GateState {
    /// When the current outage began (`None`: the last attempt worked).
    down_since: Option<Instant>,
    /// No new attempt before this instant.
    next_attempt: Option<Instant>,
    backoff: Duration,
    last_log: Option<Instant>,
    refused: u64,
}

/// Shared by every connection attempt of one pool.
#[derive(Debug, Clone, Default)]
pub struct ConnectGate(Arc<Mutex<GateState>>);

impl ConnectGate {
    /// A gate with no outage recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the last connection attempt failed (the database is considered down).
    pub fn is_down(&self) -> bool {
        self.lock().down_since.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Err` while backing off: the attempt is refused without touching the network.
    fn admit(&self) -> Result<(), ConnectionError> {
        let mut state = self.lock();
        match state.next_attempt {
            Some(at) if Instant::now() < at => {
                state.refused += 1;
                Err(ConnectionError::BadConnection(
                    "database unavailable (backing off before the next connection attempt)".into(),
                ))
            }
            _ => Ok(()),
        }
    }

    fn failed(&self, error: &ConnectionError) {
        let now = Instant::now();
        let mut state = self.lock();
        state.backoff = if state.down_since.is_none() {
            FIRST_BACKOFF
        } else {
            (state.backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF)
        };
        let since = *state.down_since.get_or_insert(now);
        state.next_attempt = Some(now + state.backoff);
        if state
            .last_log
            .is_none_or(|at| now.duration_since(at) >= LOG_EVERY)
        {
            tracing::error!(
                error = %error,
                down_for_s = now.duration_since(since).as_secs(),
                retry_in_ms = state.backoff.as_millis() as u64,
                refused_meanwhile = state.refused,
                "database unreachable; connection attempts back off"
            );
            state.last_log = Some(now);
            state.refused = 0;
        }
    }

    fn succeeded(&self) {
        let mut state = self.lock();
        if let Some(since) = state.down_since.take() {
            tracing::info!(
                down_for_s = since.elapsed().as_secs(),
                "database reachable again"
            );
        }
        *state = GateState::default();
    }

    /// Opens a connection through the gate and sets its `statement_timeout`.
    pub async fn establish(
        &self,
        url: &str,
        statement_timeout: Option<Duration>,
    ) -> Result<AsyncPgConnection, ConnectionError> {
        self.admit()?;
        let result = async {
            let mut conn = AsyncPgConnection::establish(url).await?;
            if let Some(timeout) = statement_timeout {
                // A transaction abandoned by its request (see docs/SECURITY.md, "Faults")
                // is ended by the server after the same time, releasing its locks.
                let ms = timeout.as_millis();
                diesel::sql_query(format!(
                    "SELECT set_config('statement_timeout', '{ms}', false), \
                     set_config('idle_in_transaction_session_timeout', '{ms}', false)"
                ))
                .execute(&mut conn)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            }
            Ok(conn)
        }
        .await;
        match &result {
            Ok(_) => self.succeeded(),
            Err(e) => self.failed(e),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn attempts_back_off_while_the_database_is_down() {
        let gate = ConnectGate::new();
        // Nothing listens on port 1.
        let url = "postgres://nobody:x@127.0.0.1:1/none";
        assert!(gate.establish(url, None).await.is_err());
        assert!(gate.is_down());
        let started = Instant::now();
        let Err(refused) = gate.establish(url, None).await else {
            panic!("connected")
        };
        assert!(refused.to_string().contains("backing off"), "{refused}");
        assert!(started.elapsed() < Duration::from_millis(50));
        tokio::time::sleep(FIRST_BACKOFF).await;
        let Err(again) = gate.establish(url, None).await else {
            panic!("connected")
        };
        assert!(!again.to_string().contains("backing off"), "{again}");
        assert_eq!(gate.lock().backoff, FIRST_BACKOFF * 2);
    }
}
