//! `POST /api/auth/refresh` → 200 new token pair (rotation, decision D5).

use actix_web::{HttpResponse, web};

use crate::dto::auth::{RefreshRequest, TokenPairBody};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Exchanges a refresh token for a new pair.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "Success", body = crate::dto::auth::TokenPairBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.accounts.refresh(&body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenPairBody::from(pair)))
}
