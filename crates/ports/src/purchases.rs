//! Google Play purchase verification (docs/API.md, Subscriptions).

use async_trait::async_trait;
use pursue_domain::purchase::PlayPurchase;

/// Why a purchase could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum PurchaseError {
    /// Google does not know the token (400, 404 or 410).
    #[error("unknown purchase token")]
    UnknownToken,
    /// Verification is not possible now: no service account, timeout, 401/403/429/5xx.
    #[error("purchase verification unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
}

/// Asks Google Play about subscription purchases.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PurchaseVerifier: Send + Sync {
    /// `purchases.subscriptionsv2.get` for `purchase_token`.
    ///
    /// Errors: [`PurchaseError::UnknownToken`], [`PurchaseError::Unavailable`].
    async fn subscription(&self, purchase_token: &str) -> Result<PlayPurchase, PurchaseError>;

    /// `purchases.subscriptions.cancel` of `product_id` for `purchase_token`.
    ///
    /// Errors: [`PurchaseError::UnknownToken`], [`PurchaseError::Unavailable`].
    async fn cancel(&self, product_id: &str, purchase_token: &str) -> Result<(), PurchaseError>;
}
