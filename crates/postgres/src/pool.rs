//! The deadpool connection pool over diesel-async.

use std::time::Duration;

use anyhow::Context;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::connect::ConnectGate;

/// The pool type every repository shares.
pub type PgPool = Pool<AsyncPgConnection>;

/// Pool sizing and timeouts.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Maximum open connections per server instance.
    pub max_size: usize,
    /// How long a request waits for a free connection before failing (→ 503).
    pub wait_timeout: Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: Duration,
    /// `statement_timeout` of every connection (`None`: the server's default).
    pub statement_timeout: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            wait_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            statement_timeout: None,
        }
    }
}

/// Builds the pool. No connection is opened until first use, so the server starts even
/// while the database is briefly unavailable. A connection is dropped instead of reused
/// when its socket has closed or a transaction on it broke, so the pool heals after a
/// database restart. While the database is unreachable, new connection attempts back off
/// (see [`ConnectGate`]).
pub fn build_pool(url: &str, settings: &PoolSettings) -> anyhow::Result<PgPool> {
    let mut config = ManagerConfig::default();
    let gate = ConnectGate::new();
    let statement_timeout = settings.statement_timeout;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_string();
        let gate = gate.clone();
        Box::pin(async move {
            let mut conn = gate.establish(&url, statement_timeout).await?;
            conn.set_instrumentation(crate::query_spans::QuerySpans::default());
            Ok(conn)
        })
    });
    build_with(url, settings, config)
}

/// The pool over `url` with `settings`, each new connection set up by `config`.
pub(crate) fn build_with(
    url: &str,
    settings: &PoolSettings,
    mut config: ManagerConfig<AsyncPgConnection>,
) -> anyhow::Result<PgPool> {
    // No `SELECT 1` on every checkout: the closed-socket and broken-transaction checks
    // catch a dead connection without a round trip, and a request that still meets one
    // answers 503 (docs/OPERATIONS.md, Database outages; docs/BENCHMARKS.md).
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(settings.max_size)
        .wait_timeout(Some(settings.wait_timeout))
        .create_timeout(Some(settings.connect_timeout))
        .recycle_timeout(Some(settings.connect_timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("building the PostgreSQL connection pool")
}

/// Creates `database` on the server behind `admin_url` when it does not exist yet.
pub async fn ensure_database(admin_url: &str, database: &str) -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[allow(dead_code)]
        one: i32,
    }
    anyhow::ensure!(
        !database.is_empty()
            && database
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "invalid database name {database:?}"
    );
    let mut conn = AsyncPgConnection::establish(admin_url)
        .await
        .context("connecting to the PostgreSQL server")?;
    let found: Vec<Found> =
        diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(database)
            .load(&mut conn)
            .await
            .context("looking up the database")?;
    if found.is_empty() {
        diesel::sql_query(format!("CREATE DATABASE \"{database}\""))
            .execute(&mut conn)
            .await
            .with_context(|| format!("creating database {database}"))?;
    }
    Ok(())
}
