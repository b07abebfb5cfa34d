//! `GET /api/users/me/subscription` and `/eligibility` (docs/API.md, Subscriptions).

use actix_web::{HttpResponse, web};

use crate::dto::subscriptions::{eligibility_body, subscription_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's computed subscription state.
pub async fn get(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let s = state.subscriptions.state(user.0.id).await?;
    Ok(HttpResponse::Ok().json(subscription_body(&s)))
}

/// Whether the caller may create or join a group.
pub async fn eligibility(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let s = state.subscriptions.state(user.0.id).await?;
    Ok(HttpResponse::Ok().json(eligibility_body(&s)))
}
