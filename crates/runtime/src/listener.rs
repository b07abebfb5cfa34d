//! Wakes the worker as soon as a new outbox row commits: a task holding a dedicated
//! PostgreSQL connection that `LISTEN`s on the outbox channel, reconnecting with back-off
//! when the connection is lost. The worker's poll (`OUTBOX_POLL_MS`) stays as the fallback
//! for notifications missed while reconnecting.

use std::sync::Arc;
use std::time::Duration;

use pursue_postgres::OutboxListener;
use tokio::sync::{Notify, watch};

use crate::config::Secret;

/// First wait before reconnecting a lost listener.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Longest wait between two reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The wait after `previous`: doubled, at most [`MAX_BACKOFF`].
fn next_backoff(previous: Duration) -> Duration {
    (previous * 2).min(MAX_BACKOFF)
}

/// Listens until `stop` turns `true`, calling `wake.notify_one()` for every notification
/// (and once after each reconnection, for rows committed while it was away).
pub async fn listen(url: Secret, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let mut backoff = FIRST_BACKOFF;
    let mut lost_before = false;
    while !*stop.borrow() {
        let result: anyhow::Result<()> = tokio::select! {
            _ = stop.changed() => return,
            result = session(&url, &wake, lost_before, &mut backoff) => result,
        };
        if let Err(e) = result {
            tracing::warn!(
                error = format!("{e:#}"),
                retry_in_ms = backoff.as_millis() as u64,
                "outbox listener lost; the worker polls meanwhile"
            );
        }
        lost_before = true;
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = next_backoff(backoff);
    }
}

/// One connection's life: connects, subscribes, wakes the worker on every notification;
/// returns only when the connection fails.
async fn session(
    url: &Secret,
    wake: &Notify,
    reconnecting: bool,
    backoff: &mut Duration,
) -> anyhow::Result<()> {
    let mut listener = OutboxListener::connect(url.expose()).await?;
    if reconnecting {
        tracing::info!("outbox listener reconnected");
        wake.notify_one();
    } else {
        tracing::debug!("outbox listener connected");
    }
    *backoff = FIRST_BACKOFF;
    loop {
        let topic = listener.next().await?;
        tracing::trace!(topic, "outbox row committed");
        wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(next_backoff(FIRST_BACKOFF), Duration::from_millis(500));
        assert_eq!(next_backoff(Duration::from_secs(20)), MAX_BACKOFF);
        assert_eq!(next_backoff(MAX_BACKOFF), MAX_BACKOFF);
    }
}
