//! `POST /api/auth/link/google` → 200.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::auth::GoogleRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Links a Google account to the caller.
#[utoipa::path(
    post,
    path = "/api/auth/link/google",
    tag = "auth",
    request_body = GoogleRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::LinkedBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn link_google(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<GoogleRequest>,
) -> Result<HttpResponse, ApiError> {
    let linked = state
        .accounts
        .link_google(user.0.id, &body.0.id_token)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "success": true,
        "provider": "google",
        "provider_email": linked.provider_email,
    })))
}
