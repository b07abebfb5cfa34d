//! Stored subscriptions: the facts behind the computed state, verified purchases, the
//! downgrade selection (docs/API.md, Subscriptions).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::purchase::{RowStatus, VerifiedRow};
use pursue_domain::subscription_state::SubscriptionFacts;
use uuid::Uuid;

use crate::error::RepoError;

/// A verified Google Play purchase to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPurchase {
    /// The purchase token.
    pub purchase_token: String,
    /// The row derived from Google's answer.
    pub row: VerifiedRow,
    /// `linkedPurchaseToken`: a row of the same user holding it moves to the new token.
    pub linked_purchase_token: Option<String>,
    /// Google's answer, kept as the transaction receipt.
    pub raw: String,
}

/// A stored purchase row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPurchase {
    /// `user_subscriptions.id`.
    pub subscription_id: Uuid,
    /// Its owner.
    pub user: UserId,
    /// The purchase token.
    pub purchase_token: String,
    /// Row status.
    pub status: RowStatus,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Outcome of storing a purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOutcome {
    /// Stored (inserted or updated).
    Stored(StoredPurchase),
    /// The token belongs to another account.
    TokenInUse,
}

/// A group named in a downgrade answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: pursue_domain::group::GroupName,
}

/// Outcome of choosing the group to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectOutcome {
    /// Stored.
    Selected {
        /// The kept group.
        kept: GroupName,
        /// The user's other active non-challenge groups, `joined_at` ascending.
        removed: Vec<GroupName>,
        /// When the choice was recorded.
        downgrade_date: DateTime<Utc>,
    },
    /// Not an active member of that non-challenge group.
    InvalidGroup,
}

/// A free user whose kept selection may be more than 30 days old while still in more
/// than one active non-challenge group (docs/API.md, Subscriptions, "Jobs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowngradeCandidate {
    /// The user.
    pub user: UserId,
    /// Their display name (the `member_left` push).
    pub display_name: pursue_domain::user::DisplayName,
    /// Their active non-challenge groups, `joined_at` ascending (at most 1000).
    pub groups: Vec<GroupId>,
}

/// Storage of subscriptions.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SubscriptionStore: Send + Sync {
    /// The facts of the computed state of `user` at `now` (one consistent read).
    ///
    /// Errors: [`RepoError`].
    async fn facts(&self, user: UserId, now: DateTime<Utc>)
    -> Result<SubscriptionFacts, RepoError>;

    /// Whether `group` is a challenge group (challenges are outside the group limit and
    /// the write check); `false` on databases without challenges.
    ///
    /// Errors: [`RepoError`].
    async fn is_challenge_group(&self, group: GroupId) -> Result<bool, RepoError>;

    /// Whether another user holds the Google Play `purchase_token`.
    ///
    /// Errors: [`RepoError`].
    async fn token_held_by_other(
        &self,
        user: UserId,
        purchase_token: &str,
    ) -> Result<bool, RepoError>;

    /// Atomically upserts the row of `purchase` for `user` (one row per token; a row of
    /// the user holding the linked token moves to the new one), records a `purchase` /
    /// `renewal` transaction per new order id, and refreshes the users cache.
    ///
    /// Errors: [`RepoError`].
    async fn store_purchase(
        &self,
        user: UserId,
        purchase: NewPurchase,
    ) -> Result<StoreOutcome, RepoError>;

    /// The user's entitled premium row at `now` (newest `started_at`).
    ///
    /// Errors: [`RepoError`].
    async fn premium_purchase(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredPurchase>, RepoError>;

    /// Atomically marks the row cancelled (`cancelled_at` once, `auto_renew = false`),
    /// records a `cancellation` transaction and refreshes the cache.
    ///
    /// Errors: [`RepoError`].
    async fn mark_cancelled(&self, subscription_id: Uuid) -> Result<(), RepoError>;

    /// Atomically records the downgrade choice of `keep` (previous tier `premium` when the
    /// user ever had a premium row) and refreshes the cache.
    ///
    /// Errors: [`RepoError`].
    async fn select_group(&self, user: UserId, keep: GroupId) -> Result<SelectOutcome, RepoError>;

    /// Rows `active|cancelled|grace_period` of Google Play expiring before `before`, at most
    /// `limit`, soonest first.
    ///
    /// Errors: [`RepoError`].
    async fn expiring(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<StoredPurchase>, RepoError>;

    /// Atomically marks the row `expired` (when it did not verify and is past its expiry)
    /// and refreshes the owner's cache.
    ///
    /// Errors: [`RepoError`].
    async fn expire(&self, subscription_id: Uuid) -> Result<(), RepoError>;

    /// Up to `limit` users, by id after `after`, not deleted, without an entitled premium
    /// row at `now`, with a downgrade row holding a kept group made before
    /// `selected_before`, and in more than one active non-challenge group.
    ///
    /// Errors: [`RepoError`].
    async fn downgrade_candidates(
        &self,
        selected_before: DateTime<Utc>,
        now: DateTime<Utc>,
        after: Option<UserId>,
        limit: i64,
    ) -> Result<Vec<DowngradeCandidate>, RepoError>;

    /// Recomputes the users cache columns of `user` (tier, status, group limit and
    /// count), writing only when a value changed.
    ///
    /// Errors: [`RepoError`].
    async fn refresh_cache(&self, user: UserId) -> Result<(), RepoError>;
}
