//! `GET /api/users/me/subscription` and `/eligibility` (docs/API.md, Subscriptions).

use actix_web::{HttpResponse, web};

use crate::dto::subscriptions::{eligibility_body, subscription_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's computed subscription state.
#[utoipa::path(
    get,
    path = "/api/users/me/subscription",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The computed subscription state", body = crate::dto::responses::SubscriptionBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn get(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let s = state.subscriptions.state(user.0.id).await?;
    Ok(HttpResponse::Ok().json(subscription_body(&s)))
}

/// Whether the caller may create or join a group.
#[utoipa::path(
    get,
    path = "/api/users/me/subscription/eligibility",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{can_create_group, can_join_group, reason, current_count, limit, upgrade_required}", body = crate::dto::responses::EligibilityBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn eligibility(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let s = state.subscriptions.state(user.0.id).await?;
    Ok(HttpResponse::Ok().json(eligibility_body(&s)))
}
