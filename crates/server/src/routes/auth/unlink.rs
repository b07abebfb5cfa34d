//! `DELETE /api/auth/unlink/{provider}` → 200.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use pursue_domain::user::AuthProvider;
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Unlinks `google` or `email` unless it is the caller's last sign-in method.
#[utoipa::path(
    delete,
    path = "/api/auth/unlink/{provider}",
    tag = "auth",
    params(("provider" = String, Path, description = "`google` or `email`", pattern = "^(google|email)$")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::SuccessBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn unlink(
    state: web::Data<AppState>,
    user: AuthUser,
    provider: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let provider = AuthProvider::parse(&provider.into_inner()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_PROVIDER",
            "Provider must be `google` or `email`",
        )
    })?;
    state.accounts.unlink(user.0.id, provider).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
