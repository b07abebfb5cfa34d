//! The background worker: delivers the outbox (decision D6) and purges deleted accounts
//! (decision D8). It runs inside `serve` by default and alone as `pursue-server worker`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pursue_app::accounts::AccountService;
use pursue_app::outbox::{MailHandler, OutboxProcessor, RetryPolicy};
use pursue_ports::outbox::{Mailer, OutboxTopic};
use pursue_postgres::{PgOutbox, PgPool};
use pursue_resend::{FileMailer, ResendConfig, ResendMailer};
use tokio::sync::watch;

use crate::config::Config;

/// How often the outbox is polled when idle (the `pursue_outbox` trigger's NOTIFY is not
/// listened to; a short poll keeps e-mails within a second of their commit).
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The worker loop's parts.
pub struct Worker {
    processor: OutboxProcessor,
    accounts: AccountService,
    purge_every: Duration,
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
    /// Wires the e-mail handler (another topic, e.g. `push`, is one more
    /// `with_handler`) and the purge job.
    pub fn build(config: &Config, pool: PgPool, accounts: AccountService) -> anyhow::Result<Self> {
        let processor = OutboxProcessor::new(Arc::new(PgOutbox::new(pool)), RetryPolicy::default())
            .with_handler(OutboxTopic::Email, Arc::new(MailHandler(mailer(config)?)));
        Ok(Self {
            processor,
            accounts,
            purge_every: Duration::from_secs(config.account_purge_interval_secs),
        })
    }

    /// Runs until `stop` turns `true`; the batch in progress finishes first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("worker started");
        let mut next_purge = Instant::now();
        while !*stop.borrow() {
            loop {
                match self.processor.process_batch(Utc::now()).await {
                    Ok(n) if (n as i64) >= self.processor.batch_size() && !*stop.borrow() => {}
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox batch failed");
                        break;
                    }
                }
            }
            if Instant::now() >= next_purge {
                match self.accounts.purge_due(Utc::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(purged = n, "deleted accounts purged"),
                    Err(e) => tracing::warn!(error = %e, "account purge failed"),
                }
                next_purge = Instant::now() + self.purge_every;
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
        tracing::info!("worker stopped");
    }
}
