//! The caller's subscription tier.

use async_trait::async_trait;
use pursue_domain::ids::UserId;
use pursue_domain::subscription::Tier;

use crate::error::RepoError;

/// Where a user's tier comes from.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TierSource: Send + Sync {
    /// The user's computed tier.
    ///
    /// Errors: [`RepoError`].
    async fn tier_of(&self, user: UserId) -> Result<Tier, RepoError>;
}
