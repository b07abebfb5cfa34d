//! `LISTEN` for new outbox rows: the `trg_notify_outbox` trigger sends
//! `NOTIFY pursue_outbox, '<topic>'` for every row inserted, so the worker can deliver at
//! once instead of waiting for its next poll (see docs/PUSH.md, The delivery worker).

use std::future::poll_fn;
use std::pin::pin;

use anyhow::Context;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::Stream;

/// The channel the outbox trigger notifies.
pub const OUTBOX_CHANNEL: &str = "pursue_outbox";

/// A dedicated connection listening on [`OUTBOX_CHANNEL`].
pub struct OutboxListener {
    conn: AsyncPgConnection,
}

impl std::fmt::Debug for OutboxListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxListener").finish_non_exhaustive()
    }
}

impl OutboxListener {
    /// Opens a connection to `url` (outside any pool) and subscribes to the channel.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let mut conn = AsyncPgConnection::establish(url)
            .await
            .context("connecting the outbox listener")?;
        diesel::sql_query(format!("LISTEN {OUTBOX_CHANNEL}"))
            .execute(&mut conn)
            .await
            .context("LISTEN on the outbox channel")?;
        Ok(Self { conn })
    }

    /// Waits for the next notification and returns its payload (the row's topic); `Err`
    /// once the connection is lost, after which the listener must be reopened.
    pub async fn next(&mut self) -> anyhow::Result<String> {
        let mut stream = pin!(self.conn.notifications_stream());
        match poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            Some(Ok(notification)) => Ok(notification.payload),
            Some(Err(e)) => Err(anyhow::Error::new(e).context("outbox listener")),
            None => anyhow::bail!("the outbox listener's connection closed"),
        }
    }
}
