//! `POST /api/auth/logout` → 204.

use actix_web::{HttpResponse, web};

use crate::dto::auth::RefreshRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Revokes the caller's session named by the refresh token (204 whatever it names).
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    request_body = RefreshRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn logout(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .accounts
        .logout(user.0.id, &body.0.refresh_token)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
