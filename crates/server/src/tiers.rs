//! The tier every caller has until subscriptions are stored: free.

use async_trait::async_trait;
use pursue_domain::ids::UserId;
use pursue_domain::subscription::Tier;
use pursue_ports::error::RepoError;
use pursue_ports::subscriptions::TierSource;

/// Answers [`Tier::Free`] for everyone.
pub struct FreeTier;

#[async_trait]
impl TierSource for FreeTier {
    async fn tier_of(&self, _user: UserId) -> Result<Tier, RepoError> {
        Ok(Tier::Free)
    }
}
