//! `POST /api/subscriptions/upgrade` (and `/verify`): a Google Play purchase, verified.

use actix_web::{HttpResponse, web};
use chrono::SecondsFormat;
use serde_json::json;

use crate::dto::subscriptions::{StorePurchase, UpgradeRequest};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Verifies the purchase with Google Play and stores what Google confirms.
#[utoipa::path(
    post,
    path = "/api/subscriptions/upgrade",
    tag = "subscriptions",
    request_body = UpgradeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{subscription_id, tier, status, expires_at, group_limit}", body = crate::dto::responses::UpgradedBody),
        (status = 400, description = "VALIDATION_ERROR, INVALID_PRODUCT, UNSUPPORTED_PLATFORM, INVALID_PURCHASE_TOKEN", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 409, description = "PURCHASE_TOKEN_IN_USE", body = crate::openapi::ErrorBody),
        (status = 503, description = "PURCHASE_VERIFICATION_FAILED: Google Play unavailable", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn upgrade(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<UpgradeRequest>,
) -> Result<HttpResponse, ApiError> {
    let purchase = StorePurchase::try_from(body.0)?;
    let up = state
        .subscriptions
        .upgrade(
            user.0.id,
            purchase.platform,
            &purchase.purchase_token,
            &purchase.product_id,
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "subscription_id": up.purchase.subscription_id,
        "tier": "premium",
        "status": up.purchase.status.as_str(),
        "expires_at": up.purchase.expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "group_limit": pursue_domain::subscription_state::PREMIUM_GROUP_LIMIT,
    })))
}

/// `/verify`: the same as `/upgrade` (the app calls either).
#[utoipa::path(
    post,
    path = "/api/subscriptions/verify",
    tag = "subscriptions",
    request_body = UpgradeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{subscription_id, tier, status, expires_at, group_limit}", body = crate::dto::responses::UpgradedBody),
        (status = 400, description = "VALIDATION_ERROR, INVALID_PRODUCT, UNSUPPORTED_PLATFORM, INVALID_PURCHASE_TOKEN", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 409, description = "PURCHASE_TOKEN_IN_USE", body = crate::openapi::ErrorBody),
        (status = 503, description = "PURCHASE_VERIFICATION_FAILED: Google Play unavailable", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn verify(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<UpgradeRequest>,
) -> Result<HttpResponse, ApiError> {
    upgrade(state, user, body).await
}
