//! Subscription bodies (docs/API.md, Subscriptions).

use chrono::SecondsFormat;
use pursue_app::subscriptions::Platform;
use pursue_domain::ids::GroupId;
use pursue_domain::subscription_state::SubscriptionState;
use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::Fields;
use crate::error::ApiError;

/// `GET /api/users/me/subscription`.
pub fn subscription_body(s: &SubscriptionState) -> Value {
    json!({
        "tier": s.tier(),
        "status": s.status.as_str(),
        "group_limit": s.group_limit,
        "current_group_count": s.group_count,
        "groups_remaining": s.groups_remaining(),
        "is_over_limit": s.status == pursue_domain::subscription_state::SubscriptionStatus::OverLimit,
        "subscription_expires_at": s.expires_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        "auto_renew": s.auto_renew,
        "can_create_group": s.can_add_group(),
        "can_join_group": s.can_add_group(),
    })
}

/// `GET /api/users/me/subscription/eligibility`.
pub fn eligibility_body(s: &SubscriptionState) -> Value {
    json!({
        "can_create_group": s.can_add_group(),
        "can_join_group": s.can_add_group(),
        "reason": s.eligibility_reason(),
        "current_count": s.group_count,
        "limit": s.group_limit,
        "upgrade_required": s.upgrade_required(),
    })
}

/// Longest store purchase token, in characters.
pub const PURCHASE_TOKEN_MAX_CHARS: usize = 4096;
/// Longest store product id, in characters.
pub const PRODUCT_ID_MAX_CHARS: usize = 255;

/// `POST /api/subscriptions/upgrade` and `/verify`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct UpgradeRequest {
    /// `google_play` or `app_store`.
    #[garde(pattern("^(google_play|app_store)$"))]
    #[schema(schema_with = super::schema::store)]
    pub platform: String,
    /// The store's purchase token.
    #[garde(
        length(chars, min = 1, max = PURCHASE_TOKEN_MAX_CHARS),
        custom(|v: &String, c: &()| super::rules::one_line(v, c))
    )]
    #[schema(schema_with = super::schema::purchase_token)]
    pub purchase_token: String,
    /// The product bought.
    #[garde(length(chars, min = 1, max = PRODUCT_ID_MAX_CHARS))]
    #[schema(schema_with = super::schema::product_id)]
    pub product_id: String,
}

/// A store purchase to verify, as `/upgrade` and `/verify` receive it.
#[derive(Debug)]
pub struct StorePurchase {
    /// The store.
    pub platform: Platform,
    /// The store's purchase token.
    pub purchase_token: String,
    /// The product bought.
    pub product_id: String,
}

impl TryFrom<UpgradeRequest> for StorePurchase {
    type Error = ApiError;

    /// The purchase (garde has checked the fields' shapes, so only the store is left to
    /// name; every bad field is one detail all the same).
    fn try_from(r: UpgradeRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let platform = f.check(
            "platform",
            match r.platform.as_str() {
                "google_play" => Ok(Platform::GooglePlay),
                "app_store" => Ok(Platform::AppStore),
                _ => Err("must be google_play or app_store"),
            },
        );
        f.finish(platform.map(|platform| StorePurchase {
            platform,
            purchase_token: r.purchase_token,
            product_id: r.product_id,
        }))
    }
}

/// `POST /api/subscriptions/downgrade/select-group`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct SelectGroupRequest {
    /// The group to keep writable.
    #[garde(skip)]
    #[schema(schema_with = super::schema::uuid)]
    pub keep_group_id: String,
}

impl TryFrom<SelectGroupRequest> for GroupId {
    type Error = ApiError;

    fn try_from(r: SelectGroupRequest) -> Result<Self, ApiError> {
        super::fields::single(
            "keep_group_id",
            GroupId::parse(&r.keep_group_id).ok_or("must be a UUID"),
        )
    }
}
