//! Subscriptions: the computed state, purchases verified with Google Play, cancellation,
//! the downgrade choice and the re-verification job (docs/API.md, Subscriptions).

mod downgrade;
mod gate;
mod jobs;
mod limits;

pub(crate) use gate::SubscriptionGate;
#[cfg(test)]
pub(crate) use gate::fixtures;

pub use downgrade::{DowngradeJob, DowngradeReport};
pub use jobs::ReverifyReport;
pub use limits::{GroupLimitAction, GroupLimitReached};
#[cfg(test)]
mod downgrade_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_clock;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::purchase::{PREMIUM_PRODUCT_ID, RowStatus};
use pursue_domain::subscription_state::{SubscriptionState, WriteDenied};
use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::error::RepoError;
use pursue_ports::purchases::{PurchaseError, PurchaseVerifier};
use pursue_ports::subscription_store::{
    NewPurchase, SelectOutcome, StoreOutcome, StoredPurchase, SubscriptionStore,
};

/// Why a subscription operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    /// Another product than the premium one.
    #[error("invalid product")]
    InvalidProduct,
    /// `app_store` purchases are not verified yet.
    #[error("unsupported platform")]
    UnsupportedPlatform,
    /// The token belongs to another account.
    #[error("purchase token in use")]
    TokenInUse,
    /// Google does not know the token, or it does not entitle to premium.
    #[error("invalid purchase token")]
    InvalidToken,
    /// Google could not be asked (no service account, timeout, 401/403/5xx).
    #[error("verification unavailable: {0}")]
    VerificationUnavailable(#[source] anyhow::Error),
    /// No premium row to cancel.
    #[error("no subscription")]
    NotFound,
    /// Not over the limit: nothing to choose.
    #[error("invalid state")]
    InvalidState,
    /// Not an active member of that group.
    #[error("invalid group")]
    InvalidGroup,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The store platform of a purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Google Play.
    GooglePlay,
    /// Apple App Store (not verified yet).
    AppStore,
}

/// A verified upgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgraded {
    /// The stored row.
    pub purchase: StoredPurchase,
}

/// A cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    /// Premium lasts until then.
    pub access_until: DateTime<Utc>,
}

/// Subscription use cases.
#[derive(Clone)]
pub struct SubscriptionService {
    store: Arc<dyn SubscriptionStore>,
    play: Arc<dyn PurchaseVerifier>,
    clock: Arc<dyn Clock>,
}

fn unavailable(e: PurchaseError) -> SubscriptionError {
    match e {
        PurchaseError::UnknownToken => SubscriptionError::InvalidToken,
        PurchaseError::Unavailable(e) => SubscriptionError::VerificationUnavailable(e),
    }
}

impl SubscriptionService {
    /// Wires the ports.
    pub fn new(store: Arc<dyn SubscriptionStore>, play: Arc<dyn PurchaseVerifier>) -> Self {
        Self {
            store,
            play,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` (subscription expiry) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The computed state of `user` now.
    pub async fn state(&self, user: UserId) -> Result<SubscriptionState, RepoError> {
        let facts = self.store.facts(user, self.clock.now()).await?;
        Ok(SubscriptionState::compute(&facts))
    }

    /// The write check for `group` (a non-challenge group `user` is active in).
    pub async fn write_check(
        &self,
        user: UserId,
        group: GroupId,
    ) -> Result<Result<(), WriteDenied>, RepoError> {
        Ok(self.state(user).await?.write_check(group.as_uuid()))
    }

    /// Verifies `purchase_token` with Google Play and stores what Google confirms; never
    /// grants premium on a token Google does not confirm.
    pub async fn upgrade(
        &self,
        user: UserId,
        platform: Platform,
        purchase_token: &str,
        product_id: &str,
    ) -> Result<Upgraded, SubscriptionError> {
        if product_id != PREMIUM_PRODUCT_ID {
            return Err(SubscriptionError::InvalidProduct);
        }
        if platform == Platform::AppStore {
            return Err(SubscriptionError::UnsupportedPlatform);
        }
        if self.store.token_held_by_other(user, purchase_token).await? {
            return Err(SubscriptionError::TokenInUse);
        }
        let purchase = self
            .play
            .subscription(purchase_token)
            .await
            .map_err(unavailable)?;
        let row = purchase
            .to_row(self.clock.now())
            .filter(|r| r.entitled)
            .ok_or(SubscriptionError::InvalidToken)?;
        let outcome = self
            .store
            .store_purchase(
                user,
                NewPurchase {
                    purchase_token: purchase_token.to_string(),
                    row,
                    linked_purchase_token: purchase.linked_purchase_token.clone(),
                    raw: purchase.raw.clone(),
                },
            )
            .await?;
        match outcome {
            StoreOutcome::Stored(purchase) => Ok(Upgraded { purchase }),
            StoreOutcome::TokenInUse => Err(SubscriptionError::TokenInUse),
        }
    }

    /// Cancels the premium subscription with Google Play; premium lasts until expiry.
    pub async fn cancel(&self, user: UserId) -> Result<Cancelled, SubscriptionError> {
        let row = self
            .store
            .premium_purchase(user, self.clock.now())
            .await?
            .ok_or(SubscriptionError::NotFound)?;
        self.play
            .cancel(PREMIUM_PRODUCT_ID, &row.purchase_token)
            .await
            .map_err(|e| match e {
                PurchaseError::UnknownToken => SubscriptionError::VerificationUnavailable(
                    anyhow::anyhow!("Google Play no longer knows the purchase"),
                ),
                PurchaseError::Unavailable(e) => SubscriptionError::VerificationUnavailable(e),
            })?;
        self.store.mark_cancelled(row.subscription_id).await?;
        Ok(Cancelled {
            access_until: row.expires_at,
        })
    }

    /// Records which group stays writable after a downgrade.
    pub async fn select_group(
        &self,
        user: UserId,
        keep: GroupId,
    ) -> Result<SelectOutcome, SubscriptionError> {
        let state = self.state(user).await?;
        if state.status != pursue_domain::subscription_state::SubscriptionStatus::OverLimit {
            return Err(SubscriptionError::InvalidState);
        }
        match self.store.select_group(user, keep).await? {
            SelectOutcome::InvalidGroup => Err(SubscriptionError::InvalidGroup),
            selected => Ok(selected),
        }
    }
}

/// Whether a row status entitles (for callers that only hold a status).
pub fn entitles(status: RowStatus) -> bool {
    status != RowStatus::Expired
}
