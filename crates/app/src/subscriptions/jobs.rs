//! The hourly re-verification of expiring Google Play rows.

use chrono::{DateTime, Duration, Utc};
use pursue_ports::purchases::PurchaseError;
use pursue_ports::subscription_store::{NewPurchase, StoreOutcome};

use super::{SubscriptionError, SubscriptionService};

/// Rows re-verified per run.
const BATCH: i64 = 500;

/// What one re-verification run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReverifyReport {
    /// Rows Google answered for (updated, possibly extended).
    pub refreshed: usize,
    /// Rows past expiry that did not verify, now `expired`.
    pub expired: usize,
    /// Rows left as they were (Google unavailable, not yet expired).
    pub skipped: usize,
}

impl SubscriptionService {
    /// Re-verifies rows `active|cancelled|grace_period` expiring within 24 h of `now`: a
    /// later expiry extends them; rows past expiry that do not verify become `expired`.
    /// Memberships are never touched.
    pub async fn reverify_expiring(
        &self,
        now: DateTime<Utc>,
    ) -> Result<ReverifyReport, SubscriptionError> {
        let mut report = ReverifyReport::default();
        let due = self
            .store
            .expiring(now + Duration::hours(24), BATCH)
            .await?;
        for row in due {
            let verified = match self.play.subscription(&row.purchase_token).await {
                Ok(p) => p.to_row(now).map(|r| (p, r)),
                Err(PurchaseError::UnknownToken) => None,
                Err(PurchaseError::Unavailable(e)) => {
                    tracing::warn!(error = %e, "Google Play unavailable; re-verification deferred");
                    report.skipped += 1;
                    continue;
                }
            };
            match verified {
                Some((purchase, fresh)) => {
                    let outcome = self
                        .store
                        .store_purchase(
                            row.user,
                            NewPurchase {
                                purchase_token: row.purchase_token.clone(),
                                row: fresh,
                                linked_purchase_token: None,
                                raw: purchase.raw,
                            },
                        )
                        .await?;
                    if matches!(outcome, StoreOutcome::Stored(_)) {
                        report.refreshed += 1;
                    }
                }
                None if row.expires_at <= now => {
                    self.store.expire(row.subscription_id).await?;
                    report.expired += 1;
                }
                None => report.skipped += 1,
            }
        }
        Ok(report)
    }
}
