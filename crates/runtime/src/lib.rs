//! `pursue-runtime`: the composition root of Pursue, without any web framework.
//!
//! It reads the configuration ([`config`]), selects the database (the `DATABASE_URL`
//! server or the embedded private cluster, [`database`]), migrates it, builds every adapter
//! and wires it into the use cases ([`services`]), and runs the background worker (outbox
//! delivery, purge, re-verification, downgrade and retention jobs, [`worker`]). The HTTP
//! server (`pursue-server`) and any other binary start the domain the same way:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = pursue_runtime::Config::load()?;
//! let mut runtime = pursue_runtime::Runtime::start(config).await?;
//! let worker = runtime.spawn_worker();
//! let services = runtime.services().clone();
//! // … call `services.accounts`, `services.groups`, `services.progress`, …
//! runtime.shutdown(worker).await;
//! # Ok(())
//! # }
//! ```

pub mod commands;
pub mod config;
pub mod config_accounts;
pub mod config_env;
mod config_hashing;
mod config_http;
mod config_secrets;
mod config_storage;
pub mod database;
pub mod images;
mod listener;
pub mod metrics;
pub mod secrets;
pub mod services;
pub mod signals;
pub mod worker;

use std::time::Duration;

use pursue_postgres::PgPool;
use pursue_postgres::migrations::MigrationAction;

pub use config::Config;
pub use database::Database;
pub use services::{DeliveryModes, Services};
pub use worker::{Worker, WorkerHandle};

/// A started runtime: the migrated database, its pool, every use case, and the worker
/// (not yet running) when `PURSUE_WORKER` is on.
pub struct Runtime {
    config: Config,
    pool: PgPool,
    services: Services,
    worker: Option<Worker>,
    /// Keeps the private cluster, if any, running until the runtime is dropped.
    database: Database,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("database", &self.database)
            .field("worker", &self.worker.is_some())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Opens the database `config` names (the private cluster without `DATABASE_URL`),
    /// then does everything [`Runtime::start_on`] does.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let database = Database::open(&config).await?;
        Self::start_on(config, database).await
    }

    /// Migrates `database`, builds its pool and every adapter and use case, and prepares
    /// the worker when `config.run_worker` is set. Nothing runs in the background yet.
    pub async fn start_on(config: Config, database: Database) -> anyhow::Result<Self> {
        let applied = database.migrate(MigrationAction::Run).await?;
        if !applied.is_empty() {
            tracing::info!(?applied, "database migrated");
        }
        let pool = database.pool_for(&config)?;
        let push = worker::push_sender(&config)?;
        let services = Services::build(&config, &pool, push.as_ref())?;
        let worker = if config.run_worker {
            Some(Worker::build(
                &config,
                database.url.clone(),
                pool.clone(),
                services.accounts.clone(),
                push,
            )?)
        } else {
            None
        };
        Ok(Self {
            config,
            pool,
            services,
            worker,
            database,
        })
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every use case.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// The connection pool (for metrics sampling).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Starts the worker on the current tokio runtime; `None` when `PURSUE_WORKER=off` or
    /// when it was started already.
    pub fn spawn_worker(&mut self) -> Option<WorkerHandle> {
        self.worker.take().map(Worker::spawn)
    }

    /// Stops `worker` (letting its batch finish, for at most 30 s) and then the private
    /// cluster, if any.
    pub async fn shutdown(self, worker: Option<WorkerHandle>) {
        if let Some(worker) = worker {
            worker.stop(Duration::from_secs(30)).await;
        }
        drop(self);
    }
}
