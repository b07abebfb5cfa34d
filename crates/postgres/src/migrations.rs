//! Embedded diesel migrations (the `migrations/` folder at the workspace root).

use anyhow::Context;
use diesel::Connection;
use diesel::migration::MigrationVersion;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

type SyncConnection = AsyncConnectionWrapper<AsyncPgConnection>;

/// What to do with the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationAction {
    /// Apply every pending migration.
    Run,
    /// Revert every applied migration, newest first.
    RevertAll,
    /// Revert every applied migration, then apply them all again.
    Redo,
}

/// Applies `action` to the database at `url` and returns the versions touched, in order.
/// Runs on the blocking pool, so it works from any tokio runtime flavour.
pub async fn migrate(url: &str, action: MigrationAction) -> anyhow::Result<Vec<String>> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || migrate_blocking(&url, action))
        .await
        .context("the migration task panicked")?
}

fn migrate_blocking(url: &str, action: MigrationAction) -> anyhow::Result<Vec<String>> {
    let mut conn = <SyncConnection as Connection>::establish(url)
        .context("connecting to PostgreSQL to migrate")?;
    let mut touched = Vec::new();
    let mut record = |versions: Vec<MigrationVersion<'_>>| {
        touched.extend(versions.into_iter().map(|v| v.to_string()));
    };
    if matches!(action, MigrationAction::RevertAll | MigrationAction::Redo) {
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("reverting migrations: {e}"))?;
        record(reverted);
    }
    if matches!(action, MigrationAction::Run | MigrationAction::Redo) {
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        record(applied);
    }
    Ok(touched)
}
