//! `POST /api/users/me/password` → 200 `{success: true}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::users::{ChangePasswordRequest, PasswordChange};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Changes the caller's password, or sets a first one.
#[utoipa::path(
    post,
    path = "/api/users/me/password",
    tag = "users",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::SuccessBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = PasswordChange::try_from(body.0)?;
    state
        .accounts
        .change_password(user.0.id, change.current, change.new)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
