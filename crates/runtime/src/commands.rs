//! The one-shot commands of the `pursue-server` binary, as plain functions: the command
//! line parser calls them with typed arguments; each prints what it did.

use std::time::Duration;

use pursue_app::images::MigrationOptions;
pub use pursue_postgres::migrations::MigrationAction;
use tokio::sync::Notify;

use crate::config::{Config, ImageStoreKind};
use crate::database::Database;
use crate::worker::Worker;

/// `migrate`: applies (or reverts / redoes) the migrations and prints the versions touched.
pub async fn migrate(config: &Config, action: MigrationAction) -> anyhow::Result<()> {
    let database = Database::open(config).await?;
    let touched = database.migrate(action).await?;
    println!(
        "{action:?}: {} migration(s) {}",
        touched.len(),
        touched.join(", ")
    );
    Ok(())
}

/// `consent-hash <email>`: prints the consent e-mail hash of `email`.
pub fn consent_hash(config: &Config, email: &str) -> anyhow::Result<()> {
    let salt = crate::secrets::consent_salt(config)?;
    println!(
        "{}",
        pursue_domain::user::consent_email_hash(email, salt.expose())
    );
    Ok(())
}

/// `worker`: migrates, then runs only the background worker until SIGTERM/SIGINT.
pub async fn run_worker(config: &Config) -> anyhow::Result<()> {
    let database = Database::open(config).await?;
    database.migrate(MigrationAction::Run).await?;
    let pool = database.pool_for(config)?;
    let accounts = crate::services::account_service(config, pool.clone())?;
    let push = crate::worker::push_sender(config)?;
    let worker = Worker::build(config, database.url.clone(), pool, accounts, push)?.spawn();
    crate::signals::wait_for_stop(&Notify::new()).await;
    worker.stop(Duration::from_secs(30)).await;
    Ok(())
}

/// `images migrate --to <target>`: copies every picture into `target` and prints a summary;
/// fails when a picture failed or the source could not be listed to the end.
pub async fn images_migrate(
    config: &Config,
    target: ImageStoreKind,
    options: MigrationOptions,
) -> anyhow::Result<()> {
    let database = Database::open(config).await?;
    database.migrate(MigrationAction::Run).await?;
    let pool = database.pool(config.db_pool_size)?;
    let limited = options.limit.is_some();
    let report = crate::images::migrate(config, pool, target, options).await?;
    println!("{}", crate::images::summary(target, &report));
    if report.failed > 0 {
        anyhow::bail!("{} picture(s) failed; run the command again", report.failed);
    }
    if !report.complete && !limited {
        anyhow::bail!("the source could not be listed to the end; run the command again");
    }
    Ok(())
}

/// `images prune --store <store>`: removes the blobs no row points at and prints a summary.
pub async fn images_prune(
    config: &Config,
    store: ImageStoreKind,
    grace: Duration,
    batch_size: usize,
) -> anyhow::Result<()> {
    let database = Database::open(config).await?;
    database.migrate(MigrationAction::Run).await?;
    let pool = database.pool(config.db_pool_size)?;
    let report = crate::images::prune(config, pool, store, grace, batch_size).await?;
    println!(
        "images prune {}: deleted {}, kept {}, failed {}",
        match store {
            ImageStoreKind::Postgres => "postgres",
            ImageStoreKind::S3 => "s3",
        },
        report.deleted,
        report.kept,
        report.failed
    );
    if report.failed > 0 {
        anyhow::bail!(
            "{} blob(s) could not be removed; run the command again",
            report.failed
        );
    }
    Ok(())
}
