//! Subscription bodies (docs/API.md, Subscriptions).

use chrono::SecondsFormat;
use pursue_domain::subscription_state::SubscriptionState;
use serde::Deserialize;
use serde_json::{Value, json};

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

/// `POST /api/subscriptions/downgrade/select-group`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct SelectGroupRequest {
    /// The group to keep writable.
    #[garde(custom(|v: &String, _: &()| uuid::Uuid::parse_str(v).map(drop).map_err(|_| garde::Error::new("must be a UUID"))))]
    #[schema(schema_with = super::schema::uuid)]
    pub keep_group_id: String,
}
