//! The background worker: delivers the outbox (decision D6), purges deleted accounts
//! (decision D8), re-verifies expiring Google Play purchases and runs the daily
//! downgrade job (each one runner at a time across instances). It runs inside `serve` by
//! default and alone as `pursue-server worker`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use pursue_app::accounts::AccountService;
use pursue_app::outbox::{MailHandler, OutboxProcessor, RetryPolicy};
use pursue_app::push::PushHandler;
use pursue_app::social::{MilestoneHandler, MilestoneLinks};
use pursue_fcm::{FcmConfig, FcmSender, LogPushSender, ServiceAccount};
use pursue_ports::backoff::Backoff;
use pursue_ports::devices::PushLedger;
use pursue_ports::outbox::{Mailer, OutboxTopic};
use pursue_ports::push::PushSender;
use pursue_ports::social::InboxRetention;
use pursue_postgres::{PgDevices, PgOutbox, PgPool, PgSocial};
use pursue_resend::{FileMailer, ResendConfig, ResendMailer};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::config::{Config, Secret};

/// How long push outcomes are kept for de-duplication: far longer than any retry.
const PUSH_LEDGER_RETENTION: chrono::Duration = chrono::Duration::days(3);

/// How long delivered outbox rows are kept (for inspection) before they are deleted.
const OUTBOX_RETENTION: chrono::Duration = chrono::Duration::days(7);

/// Delivered outbox rows deleted per statement, and the time a purge run may spend on
/// them: the run shares the worker's loop with deliveries, so it stops after about a
/// second of deleting (the next run continues) instead of holding pushes back.
const OUTBOX_PRUNE_BATCH: i64 = 10_000;
const OUTBOX_PRUNE_BUDGET: Duration = Duration::from_secs(1);

/// Inbox rows deleted per statement by the daily trim.
const TRIM_BATCH: i64 = 1000;

/// The next 03:30 UTC strictly after `now` (the inbox trim's daily slot).
pub fn next_trim_after(now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    let slot = chrono::NaiveTime::from_hms_opt(3, 30, 0).unwrap_or_default();
    let today = now.date_naive().and_time(slot).and_utc();
    if today > now {
        today
    } else {
        today + chrono::Duration::days(1)
    }
}

/// How often the worker samples the outbox backlog for `/metrics`.
const BACKLOG_SAMPLE_EVERY: Duration = Duration::from_secs(15);

/// The worker loop's parts.
pub struct Worker {
    processor: OutboxProcessor,
    /// Sampled for the backlog metrics.
    outbox: PgOutbox,
    accounts: AccountService,
    ledger: Arc<dyn PushLedger>,
    purge_every: Duration,
    subscriptions: pursue_app::subscriptions::SubscriptionService,
    pool: PgPool,
    reverify_every: Duration,
    /// The downgrade job (docs/API.md, Subscriptions, "Jobs") and its interval.
    downgrades: pursue_app::subscriptions::DowngradeJob,
    downgrade_every: Duration,
    /// The inbox's daily trim (03:30 UTC) and its limits.
    retention: Arc<dyn InboxRetention>,
    retention_days: i64,
    retention_max: i64,
    /// Idle wait between polls (`OUTBOX_POLL_MS`): the fallback when a notification is
    /// missed (the listener reconnecting).
    poll_every: Duration,
    /// The database the outbox lives in: the listener `LISTEN`s on its own connection.
    database_url: Secret,
}

/// A running worker.
#[derive(Debug)]
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Asks the worker to stop and waits up to `budget` for its batch to finish; `false`
    /// when it did not stop in time.
    pub async fn stop(self, budget: Duration) -> bool {
        let _ = self.stop.send(true);
        match tokio::time::timeout(budget, self.task).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the worker task failed");
                true
            }
            Err(_) => {
                tracing::warn!("the worker did not stop in time");
                false
            }
        }
    }
}

/// The push adapter `config` asks for: FCM with a service-account key file, else the log.
pub fn push_sender(config: &Config) -> anyhow::Result<Arc<dyn PushSender>> {
    let Some(path) = &config.google_application_credentials else {
        tracing::warn!("GOOGLE_APPLICATION_CREDENTIALS is not set: pushes are written to the log");
        return Ok(Arc::new(LogPushSender));
    };
    let account = ServiceAccount::from_file(path)
        .with_context(|| format!("GOOGLE_APPLICATION_CREDENTIALS ({})", path.display()))?;
    let mut fcm = FcmConfig::new(account);
    fcm.base_url = config.fcm_base_url.clone();
    fcm.project_id = config.fcm_project_id.clone();
    let sender = FcmSender::new(fcm).context("configuring FCM")?;
    tracing::info!(url = sender.send_url(), "pushes go to FCM");
    Ok(Arc::new(sender))
}

/// The e-mail adapter `config` asks for: Resend with an API key, else files under
/// `PURSUE_DATA_DIR/emails`.
pub fn mailer(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.resend_api_key {
        Some(key) => Arc::new(ResendMailer::new(ResendConfig {
            base_url: config.resend_base_url.clone(),
            api_key: key.expose().to_string(),
            from: config.from_email.clone(),
            timeout: Duration::from_secs(10),
        })?),
        None => {
            let dir = config.data_dir.join("emails");
            tracing::warn!(dir = %dir.display(), "RESEND_API_KEY is not set: e-mails are written to files");
            Arc::new(FileMailer::new(dir))
        }
    })
}

impl Worker {
    /// Wires the e-mail and push handlers and the purge job; `database_url` is the
    /// database the pool connects to.
    pub fn build(
        config: &Config,
        database_url: Secret,
        pool: PgPool,
        accounts: AccountService,
        push: Arc<dyn PushSender>,
    ) -> anyhow::Result<Self> {
        let ledger = Arc::new(PgDevices::new(pool.clone()));
        let policy = RetryPolicy {
            backoff: Backoff {
                base: Duration::from_millis(config.outbox_retry_base_ms),
                ..Backoff::default()
            },
            ..RetryPolicy::default()
        };
        let subscriptions = crate::services::subscription_service(config, pool.clone())?;
        let referral = crate::secrets::referral_secret(config)?;
        let milestones = MilestoneHandler::new(
            Arc::new(pursue_postgres::PgMilestones::new(
                pool.clone(),
                referral.expose().as_bytes(),
            )),
            MilestoneLinks {
                share_base_url: config.share_base_url.clone(),
                asset_base_url: config.milestone_asset_base_url.clone(),
            },
        );
        let retention: Arc<dyn InboxRetention> = Arc::new(PgSocial::new(pool.clone()));
        let outbox = PgOutbox::new(pool.clone());
        let metered = crate::metrics::MeteredOutbox::new(Arc::new(outbox.clone()));
        let processor = OutboxProcessor::new(Arc::new(metered), policy)
            .with_handler(OutboxTopic::Email, Arc::new(MailHandler(mailer(config)?)))
            .with_handler(
                OutboxTopic::Push,
                Arc::new(PushHandler::new(ledger.clone(), push)),
            )
            .with_handler(OutboxTopic::Milestone, Arc::new(milestones));
        let downgrades = pursue_app::subscriptions::DowngradeJob::new(
            Arc::new(pursue_postgres::PgSubscriptions::new(pool.clone())),
            Arc::new(pursue_postgres::PgGroups::new(pool.clone())),
        );
        Ok(Self {
            processor,
            outbox,
            accounts,
            ledger,
            purge_every: Duration::from_secs(config.account_purge_interval_secs),
            subscriptions,
            pool,
            reverify_every: Duration::from_secs(config.accounts.reverify_interval_secs),
            downgrades,
            downgrade_every: Duration::from_secs(config.accounts.downgrade_interval_secs),
            retention,
            retention_days: i64::from(config.notification_retention_days),
            retention_max: i64::from(config.notification_retention_max),
            poll_every: Duration::from_millis(config.outbox_poll_ms),
            database_url,
        })
    }

    /// Runs the loop on the current tokio runtime until [`WorkerHandle::stop`].
    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        WorkerHandle {
            stop,
            task: tokio::spawn(self.run(stopped)),
        }
    }

    /// Runs until `stop` turns `true`; the batch in progress finishes first. A listener
    /// task wakes the loop as soon as a new outbox row commits.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("worker started");
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(crate::listener::listen(
            self.database_url.clone(),
            wake.clone(),
            stop.clone(),
        ));
        let mut next_purge = Instant::now();
        let mut next_reverify = Instant::now();
        let mut next_downgrade = Instant::now();
        let mut next_trim = next_trim_after(Utc::now());
        let mut next_sample = Instant::now();
        while !*stop.borrow() {
            let (mut rows, mut batches) = (0usize, 0usize);
            loop {
                match self.processor.process_batch(Utc::now()).await {
                    Ok(n) => {
                        rows += n;
                        batches += 1;
                        if (n as i64) < self.processor.batch_size() || *stop.borrow() {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox batch failed");
                        break;
                    }
                }
            }
            if batches > 1 {
                // Only a backlog takes more than one batch: make it visible.
                tracing::info!(rows, batches, "outbox backlog worked off");
            }
            if Instant::now() >= next_sample {
                match self.outbox.backlog().await {
                    Ok((pending, oldest)) => {
                        crate::metrics::record_outbox_backlog(pending, oldest, Utc::now())
                    }
                    Err(e) => tracing::warn!(error = %e, "sampling the outbox backlog failed"),
                }
                next_sample = Instant::now() + BACKLOG_SAMPLE_EVERY;
            }
            if Instant::now() >= next_purge {
                match self.accounts.purge_due(Utc::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(purged = n, "deleted accounts purged"),
                    Err(e) => tracing::warn!(error = %e, "account purge failed"),
                }
                if let Err(e) = self.ledger.prune(Utc::now() - PUSH_LEDGER_RETENTION).await {
                    tracing::warn!(error = %e, "pruning the push ledger failed");
                }
                self.prune_delivered().await;
                next_purge = Instant::now() + self.purge_every;
            }
            if Instant::now() >= next_reverify {
                self.reverify_purchases().await;
                next_reverify = Instant::now() + self.reverify_every;
            }
            if Instant::now() >= next_downgrade {
                self.downgrade_overdue().await;
                next_downgrade = Instant::now() + self.downgrade_every;
            }
            if Utc::now() >= next_trim {
                match self
                    .retention
                    .trim_inbox(self.retention_days, self.retention_max, TRIM_BATCH)
                    .await
                {
                    Ok(Some(n)) => tracing::info!(deleted = n, "notification inbox trimmed"),
                    Ok(None) => tracing::debug!("another instance trims the inbox"),
                    Err(e) => tracing::warn!(error = %e, "trimming the inbox failed"),
                }
                next_trim = next_trim_after(Utc::now());
            }
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() {
                        // The handle is gone: nobody can stop this loop any more.
                        break;
                    }
                }
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.poll_every) => {}
            }
        }
        listener.abort();
        tracing::info!("worker stopped");
    }

    /// Deletes delivered outbox rows older than [`OUTBOX_RETENTION`], in bounded batches.
    async fn prune_delivered(&self) {
        let before = Utc::now() - OUTBOX_RETENTION;
        let mut deleted = 0u64;
        let started = Instant::now();
        while started.elapsed() < OUTBOX_PRUNE_BUDGET {
            match self
                .outbox
                .prune_delivered(before, OUTBOX_PRUNE_BATCH)
                .await
            {
                Ok(n) => {
                    deleted += n;
                    if n < OUTBOX_PRUNE_BATCH as u64 {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "pruning delivered outbox rows failed");
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::info!(deleted, "delivered outbox rows pruned");
        }
    }

    /// Re-verifies expiring purchases unless another instance is doing it right now.
    async fn reverify_purchases(&self) {
        let job = self.subscriptions.reverify_expiring(Utc::now());
        match pursue_postgres::jobs::run_exclusive(
            &self.pool,
            pursue_postgres::jobs::REVERIFY_PURCHASES,
            job,
        )
        .await
        {
            Ok(None) => tracing::debug!("purchase re-verification runs elsewhere"),
            Ok(Some(Ok(report))) if report == Default::default() => {}
            Ok(Some(Ok(report))) => tracing::info!(?report, "purchases re-verified"),
            Ok(Some(Err(e))) => tracing::warn!(error = %e, "purchase re-verification failed"),
            Err(e) => tracing::warn!(error = %e, "purchase re-verification lock failed"),
        }
    }

    /// Runs the downgrade job unless another instance is doing it right now.
    async fn downgrade_overdue(&self) {
        let job = self.downgrades.run(Utc::now());
        match pursue_postgres::jobs::run_exclusive(
            &self.pool,
            pursue_postgres::jobs::DOWNGRADE_OVERDUE,
            job,
        )
        .await
        {
            Ok(None) => tracing::debug!("the downgrade job runs elsewhere"),
            Ok(Some(Ok(report))) if report == Default::default() => {}
            Ok(Some(Ok(report))) => tracing::info!(?report, "overdue downgrades applied"),
            Ok(Some(Err(e))) => tracing::warn!(error = %e, "the downgrade job failed"),
            Err(e) => tracing::warn!(error = %e, "the downgrade job's lock failed"),
        }
    }
}
