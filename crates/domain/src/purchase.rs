//! Google Play purchases: which subscription states entitle to premium and how a verified
//! purchase becomes a stored subscription row (docs/API.md, Subscriptions).

use chrono::{DateTime, Utc};

/// The only product that grants premium.
pub const PREMIUM_PRODUCT_ID: &str = "pursue_premium_annual";

string_enum!(
    /// `subscriptionState` of a Play `SubscriptionPurchaseV2`.
    pub enum PlayState {
        /// `SUBSCRIPTION_STATE_ACTIVE`.
        Active => "SUBSCRIPTION_STATE_ACTIVE",
        /// `SUBSCRIPTION_STATE_CANCELED` (access until expiry).
        Canceled => "SUBSCRIPTION_STATE_CANCELED",
        /// `SUBSCRIPTION_STATE_IN_GRACE_PERIOD`.
        InGracePeriod => "SUBSCRIPTION_STATE_IN_GRACE_PERIOD",
        /// `SUBSCRIPTION_STATE_ON_HOLD`.
        OnHold => "SUBSCRIPTION_STATE_ON_HOLD",
        /// `SUBSCRIPTION_STATE_PAUSED`.
        Paused => "SUBSCRIPTION_STATE_PAUSED",
        /// `SUBSCRIPTION_STATE_EXPIRED`.
        Expired => "SUBSCRIPTION_STATE_EXPIRED",
        /// `SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED`.
        PendingPurchaseCanceled => "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED",
        /// `SUBSCRIPTION_STATE_PENDING` (not paid yet).
        Pending => "SUBSCRIPTION_STATE_PENDING",
    }
);

string_enum!(
    /// A stored subscription row's status.
    pub enum RowStatus {
        /// Paid and renewing.
        Active => "active",
        /// Will not renew; premium until expiry.
        Cancelled => "cancelled",
        /// Payment problem; premium for now.
        GracePeriod => "grace_period",
        /// No longer premium.
        Expired => "expired",
    }
);

/// One line item of a verified purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// `productId`.
    pub product_id: String,
    /// `expiryTime`.
    pub expiry_time: Option<DateTime<Utc>>,
    /// `autoRenewingPlan.autoRenewEnabled` (absent → `None`).
    pub auto_renew: Option<bool>,
    /// `latestSuccessfulOrderId`.
    pub latest_successful_order_id: Option<String>,
}

/// What Google Play says about a purchase token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayPurchase {
    /// `subscriptionState`; `None` for a state this server does not know.
    pub state: Option<PlayState>,
    /// `lineItems`.
    pub line_items: Vec<LineItem>,
    /// `startTime`.
    pub start_time: Option<DateTime<Utc>>,
    /// `latestOrderId`.
    pub latest_order_id: Option<String>,
    /// `linkedPurchaseToken` (the token this one replaces).
    pub linked_purchase_token: Option<String>,
    /// The response body, kept as the transaction's receipt.
    pub raw: String,
}

/// A purchase as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRow {
    /// Whether it entitles to premium now.
    pub entitled: bool,
    /// Row status.
    pub status: RowStatus,
    /// `expiryTime` of the premium line item.
    pub expires_at: DateTime<Utc>,
    /// Whether it renews.
    pub auto_renew: bool,
    /// `startTime`, else `now`.
    pub started_at: DateTime<Utc>,
    /// The order id (line item's, else the purchase's).
    pub order_id: Option<String>,
}

impl PlayPurchase {
    /// The premium line item, if any.
    fn premium_item(&self) -> Option<&LineItem> {
        self.line_items
            .iter()
            .find(|i| i.product_id == PREMIUM_PRODUCT_ID)
    }

    /// The row for this purchase as of `now`; `None` when it has no premium line item
    /// with an expiry (nothing to store).
    pub fn to_row(&self, now: DateTime<Utc>) -> Option<VerifiedRow> {
        let item = self.premium_item()?;
        let expires_at = item.expiry_time?;
        let status = match self.state {
            Some(PlayState::Active) => RowStatus::Active,
            Some(PlayState::Canceled) => RowStatus::Cancelled,
            Some(PlayState::InGracePeriod) => RowStatus::GracePeriod,
            _ => RowStatus::Expired,
        };
        Some(VerifiedRow {
            entitled: status != RowStatus::Expired && expires_at > now,
            status,
            expires_at,
            auto_renew: item.auto_renew.unwrap_or(false),
            started_at: self.start_time.unwrap_or(now),
            order_id: item
                .latest_successful_order_id
                .clone()
                .or_else(|| self.latest_order_id.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn purchase(state: PlayState, product: &str, expiry: DateTime<Utc>) -> PlayPurchase {
        PlayPurchase {
            state: Some(state),
            line_items: vec![LineItem {
                product_id: product.into(),
                expiry_time: Some(expiry),
                auto_renew: Some(true),
                latest_successful_order_id: Some("GPA.1".into()),
            }],
            start_time: None,
            latest_order_id: Some("GPA.0".into()),
            linked_purchase_token: None,
            raw: "{}".into(),
        }
    }

    #[test]
    fn entitlement_follows_state_product_and_expiry() {
        let now = Utc::now();
        let later = now + Duration::days(30);
        for (state, want) in [
            (PlayState::Active, Some((true, RowStatus::Active))),
            (PlayState::Canceled, Some((true, RowStatus::Cancelled))),
            (
                PlayState::InGracePeriod,
                Some((true, RowStatus::GracePeriod)),
            ),
            (PlayState::OnHold, Some((false, RowStatus::Expired))),
            (PlayState::Paused, Some((false, RowStatus::Expired))),
            (PlayState::Expired, Some((false, RowStatus::Expired))),
            (
                PlayState::PendingPurchaseCanceled,
                Some((false, RowStatus::Expired)),
            ),
        ] {
            let row = purchase(state, PREMIUM_PRODUCT_ID, later).to_row(now);
            assert_eq!(row.map(|r| (r.entitled, r.status)), want, "{state:?}");
        }
        let past = purchase(
            PlayState::Active,
            PREMIUM_PRODUCT_ID,
            now - Duration::seconds(1),
        );
        assert!(!past.to_row(now).unwrap().entitled);
        assert!(
            purchase(PlayState::Active, "other", later)
                .to_row(now)
                .is_none()
        );
    }

    #[test]
    fn row_fields_come_from_the_premium_line_item() {
        let now = Utc::now();
        let mut p = purchase(
            PlayState::Active,
            PREMIUM_PRODUCT_ID,
            now + Duration::days(1),
        );
        let row = p.to_row(now).unwrap();
        assert_eq!(
            (row.auto_renew, row.order_id.as_deref()),
            (true, Some("GPA.1"))
        );
        assert_eq!(row.started_at, now);
        p.line_items[0].auto_renew = None;
        p.line_items[0].latest_successful_order_id = None;
        let row = p.to_row(now).unwrap();
        assert_eq!(
            (row.auto_renew, row.order_id.as_deref()),
            (false, Some("GPA.0"))
        );
    }
}
