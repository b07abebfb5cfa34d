//! The daily downgrade job (docs/API.md, Subscriptions, "Jobs"): a free user whose kept
//! selection is more than 30 days old leaves every other non-challenge group through the
//! ordinary leave path (promotion, `member_left`, push, deletion of an emptied group).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use pursue_domain::subscription_state::{READ_ONLY_DAYS, SubscriptionState};
use pursue_ports::error::RepoError;
use pursue_ports::groups::{GroupRepository, LeaveRequest, LeaveResult};
use pursue_ports::subscription_store::{DowngradeCandidate, SubscriptionStore};

/// Users looked at per query.
const BATCH: i64 = 200;
/// Queries per run (bounds one run to `BATCH * MAX_BATCHES` users).
const MAX_BATCHES: usize = 50;

/// What one downgrade run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DowngradeReport {
    /// Users who left at least one group.
    pub users: usize,
    /// Groups left.
    pub left: usize,
    /// Users skipped after a storage failure (retried on the next run).
    pub failed: usize,
}

/// The daily downgrade job.
#[derive(Clone)]
pub struct DowngradeJob {
    store: Arc<dyn SubscriptionStore>,
    groups: Arc<dyn GroupRepository>,
}

impl DowngradeJob {
    /// Wires the ports.
    pub fn new(store: Arc<dyn SubscriptionStore>, groups: Arc<dyn GroupRepository>) -> Self {
        Self { store, groups }
    }

    /// One run at `now`, in bounded batches; a failure for one user is logged and the
    /// run goes on. Errors: [`RepoError`] when the candidates cannot be read.
    pub async fn run(&self, now: DateTime<Utc>) -> Result<DowngradeReport, RepoError> {
        let mut report = DowngradeReport::default();
        let mut after = None;
        for _ in 0..MAX_BATCHES {
            let batch = self
                .store
                .downgrade_candidates(now - Duration::days(READ_ONLY_DAYS), now, after, BATCH)
                .await?;
            let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= BATCH;
            for candidate in batch {
                after = Some(candidate.user);
                match self.downgrade(&candidate, now).await {
                    Ok(0) => {}
                    Ok(n) => {
                        report.users += 1;
                        report.left += n;
                    }
                    Err(e) => {
                        tracing::warn!(user = %candidate.user, error = %e, "downgrade failed");
                        report.failed += 1;
                    }
                }
            }
            if !full {
                break;
            }
        }
        Ok(report)
    }

    /// Leaves every group of `c` but the kept one when the computed state calls for it;
    /// answers the number of groups left.
    async fn downgrade(
        &self,
        c: &DowngradeCandidate,
        now: DateTime<Utc>,
    ) -> Result<usize, RepoError> {
        let state = SubscriptionState::compute(&self.store.facts(c.user, now).await?);
        let Some(kept) = state.downgrade_due(now) else {
            return Ok(0);
        };
        let mut left = 0;
        for group in c.groups.iter().filter(|g| g.as_uuid() != kept) {
            let request = LeaveRequest {
                user: c.user,
                display_name: c.display_name.clone(),
            };
            match self.groups.leave_group(*group, request).await? {
                LeaveResult::Left { .. } | LeaveResult::GroupDeleted => left += 1,
                LeaveResult::NotMember | LeaveResult::WithdrewRequest => {}
            }
        }
        self.store.refresh_cache(c.user).await?;
        Ok(left)
    }
}
