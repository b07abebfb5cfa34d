//! The caller's subscription tier, read wherever a product limit depends on it.

use async_trait::async_trait;
use pursue_domain::ids::UserId;
use pursue_domain::subscription::Tier;

use crate::error::RepoError;

/// Computes a user's subscription tier from their stored purchases.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TierSource: Send + Sync {
    /// `Premium` when the user holds an entitled premium purchase now (active, cancelled
    /// before its expiry, or in grace), else `Free`.
    ///
    /// Errors: [`RepoError::Unavailable`] when the store cannot be reached,
    /// [`RepoError::Unexpected`] otherwise.
    async fn tier_of(&self, user: UserId) -> Result<Tier, RepoError>;
}
