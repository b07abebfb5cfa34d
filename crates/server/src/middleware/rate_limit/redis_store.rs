//! Limiter state in Redis, so every instance spends from one budget (`REDIS_URL`).
//!
//! Each spend and refund is one Lua script: read the key's arrival time, decide, write —
//! atomic on the Redis server, timed by the Redis server's clock (no instance clock skew).
//! Keys expire when their budget is whole again.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::limiter::{LimitStore, Spend};

/// GCRA spend: `KEYS[1]` arrival time (µs), `ARGV` interval and window (µs).
/// Returns `{1, ahead}` when spent, `{0, wait}` when refused.
const SPEND: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local nxt = tat + interval
local ahead = nxt - now
if ahead > window then return {0, ahead - window} end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.max(1, math.ceil(ahead / 1000)))
return {1, ahead}
";

/// Gives one interval (`ARGV[1]`, µs) back to `KEYS[1]`.
const REFUND: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then return 0 end
local earlier = tat - tonumber(ARGV[1])
if earlier <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.0f', earlier), 'PX', math.max(1, math.ceil((earlier - now) / 1000)))
end
return 1
";

/// The Redis-backed store.
pub struct RedisStore {
    conn: ConnectionManager,
    spend: redis::Script,
    refund: redis::Script,
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl RedisStore {
    /// Connects lazily (the server starts while Redis is down; limits then let requests
    /// through and the failure is logged) and checks the connection once.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)
            .map_err(|e| anyhow::anyhow!("REDIS_URL is not a valid Redis URL: {e}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| anyhow::anyhow!("building the Redis connection: {e}"))?;
        let store = Self {
            conn,
            spend: redis::Script::new(SPEND),
            refund: redis::Script::new(REFUND),
        };
        let mut conn = store.conn.clone();
        match redis::cmd("PING").query_async::<String>(&mut conn).await {
            Ok(_) => tracing::info!("rate limits kept in Redis"),
            Err(e) => {
                tracing::error!(error = %e, "Redis unreachable at start-up; limits let requests through until it answers")
            }
        }
        Ok(store)
    }
}

#[async_trait]
impl LimitStore for RedisStore {
    async fn spend(
        &self,
        key: &str,
        interval: Duration,
        window: Duration,
    ) -> anyhow::Result<Spend> {
        let mut conn = self.conn.clone();
        let (spent, amount): (i64, i64) = self
            .spend
            .key(key)
            .arg(micros(interval))
            .arg(micros(window))
            .invoke_async(&mut conn)
            .await?;
        let amount = Duration::from_micros(u64::try_from(amount).unwrap_or(0));
        Ok(if spent == 1 {
            Spend::Spent { ahead: amount }
        } else {
            Spend::Refused { wait: amount }
        })
    }

    async fn refund(&self, key: &str, interval: Duration) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .refund
            .key(key)
            .arg(micros(interval))
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }
}
