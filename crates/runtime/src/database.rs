//! Chooses the database: `DATABASE_URL`, or the private local cluster (decision D9).

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use pursue_postgres::migrations::{MigrationAction, migrate};
use pursue_postgres::{
    ClusterOptions, LocalCluster, PgPool, PoolSettings, build_pool, ensure_database,
};

use crate::config::{Config, Secret};

/// Name of the application database inside the private cluster.
pub const LOCAL_DATABASE: &str = "pursue";

/// The database the server talks to, plus the private cluster when it runs one.
pub struct Database {
    /// Connection URL (contains credentials).
    pub url: Secret,
    /// The private cluster, stopped when the last reference is dropped.
    pub cluster: Option<Arc<Mutex<LocalCluster>>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("embedded", &self.cluster.is_some())
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Uses `DATABASE_URL`, or starts (creating on first run) the private cluster under
    /// `PURSUE_DATA_DIR/postgres` and its `pursue` database.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        if let Some(url) = &config.database_url {
            return Ok(Self {
                url: url.clone(),
                cluster: None,
            });
        }
        Self::start_local(&config.data_dir).await
    }

    /// Starts the private cluster under `data_dir`.
    pub async fn start_local(data_dir: &Path) -> anyhow::Result<Self> {
        let options = ClusterOptions::new(data_dir);
        let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(options))
            .await
            .context("starting the private PostgreSQL cluster")??;
        tracing::info!(
            folder = %cluster.root().display(),
            port = cluster.port(),
            "private PostgreSQL cluster running"
        );
        ensure_database(&cluster.url("postgres"), LOCAL_DATABASE).await?;
        let url = Secret::new(cluster.url(LOCAL_DATABASE));
        Ok(Self {
            url,
            cluster: Some(Arc::new(Mutex::new(cluster))),
        })
    }

    /// Applies `action` to the schema and returns the versions touched.
    pub async fn migrate(&self, action: MigrationAction) -> anyhow::Result<Vec<String>> {
        migrate(self.url.expose(), action).await
    }

    /// The server's pool: `DB_POOL_SIZE` connections with `DB_STATEMENT_TIMEOUT_MS`.
    pub fn pool_for(&self, config: &Config) -> anyhow::Result<PgPool> {
        build_pool(
            self.url.expose(),
            &PoolSettings {
                max_size: config.db_pool_size,
                statement_timeout: Some(std::time::Duration::from_millis(
                    config.statement_timeout_ms,
                )),
                ..PoolSettings::default()
            },
        )
    }

    /// A connection pool of `size` connections.
    pub fn pool(&self, size: usize) -> anyhow::Result<PgPool> {
        build_pool(
            self.url.expose(),
            &PoolSettings {
                max_size: size,
                ..PoolSettings::default()
            },
        )
    }
}
