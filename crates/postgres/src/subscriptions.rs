//! [`TierSource`] over `user_subscriptions`.

use async_trait::async_trait;
use diesel::dsl::{exists, now, select};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_domain::ids::UserId;
use pursue_domain::subscription::Tier;
use pursue_ports::error::RepoError;
use pursue_ports::subscriptions::TierSource;

use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::schema::user_subscriptions;

/// Subscription tiers computed from stored purchases.
#[derive(Clone)]
pub struct PgTiers {
    db: Db,
}

impl PgTiers {
    /// A source over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }
}

/// The tier of `user` now, on `conn` (usable inside a transaction): premium iff a premium
/// row is active, cancelled before its expiry, or in grace, and not expired.
pub async fn tier_of(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<Tier> {
    let premium: bool = select(exists(
        user_subscriptions::table
            .filter(user_subscriptions::user_id.eq(user.as_uuid()))
            .filter(user_subscriptions::tier.eq("premium"))
            .filter(user_subscriptions::status.eq_any(["active", "cancelled", "grace_period"]))
            .filter(user_subscriptions::expires_at.gt(now)),
    ))
    .get_result(conn)
    .await?;
    Ok(if premium { Tier::Premium } else { Tier::Free })
}

#[async_trait]
impl TierSource for PgTiers {
    async fn tier_of(&self, user: UserId) -> Result<Tier, RepoError> {
        self.db
            .read(|conn| Box::pin(async move { tier_of(conn, user).await.map_err(db_error) }))
            .await
    }
}
