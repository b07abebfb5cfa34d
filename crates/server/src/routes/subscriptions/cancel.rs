//! `POST /api/subscriptions/cancel`: cancels renewal with Google Play; premium lasts until
//! the paid period ends.

use actix_web::{HttpResponse, web};
use chrono::SecondsFormat;
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Cancels the caller's premium subscription.
#[utoipa::path(
    post,
    path = "/api/subscriptions/cancel",
    tag = "subscriptions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{status, access_until, auto_renew, message}", body = crate::dto::responses::CancelledBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 404, description = "SUBSCRIPTION_NOT_FOUND", body = crate::openapi::ErrorBody),
        (status = 503, description = "PURCHASE_VERIFICATION_FAILED: Google Play unavailable", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn cancel(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let c = state.subscriptions.cancel(user.0.id).await?;
    Ok(HttpResponse::Ok().json(json!({
        "status": "cancelled",
        "access_until": c.access_until.to_rfc3339_opts(SecondsFormat::Millis, true),
        "auto_renew": false,
        "message": format!(
            "Your subscription will remain active until {}",
            c.access_until.format("%b %-d, %Y")
        ),
    })))
}
