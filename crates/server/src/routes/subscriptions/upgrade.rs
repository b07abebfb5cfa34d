//! `POST /api/subscriptions/upgrade` (and `/verify`): a Google Play purchase, verified.

use actix_web::{HttpResponse, web};
use chrono::SecondsFormat;
use pursue_app::subscriptions::Platform;
use serde_json::json;

use crate::dto::subscriptions::UpgradeRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Verifies the purchase with Google Play and stores what Google confirms.
pub async fn upgrade(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<UpgradeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let platform = if body.platform == "app_store" {
        Platform::AppStore
    } else {
        Platform::GooglePlay
    };
    let up = state
        .subscriptions
        .upgrade(user.0.id, platform, &body.purchase_token, &body.product_id)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "subscription_id": up.purchase.subscription_id,
        "tier": "premium",
        "status": up.purchase.status.as_str(),
        "expires_at": up.purchase.expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "group_limit": pursue_domain::subscription_state::PREMIUM_GROUP_LIMIT,
    })))
}
