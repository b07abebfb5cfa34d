//! `POST /api/auth/reset-password` → 200 new token pair.

use actix_web::{HttpResponse, web};

use crate::dto::auth::{PasswordReset, ResetPasswordRequest, TokenPairBody};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Sets a new password with a reset token; every other session ends.
#[utoipa::path(
    post,
    path = "/api/auth/reset-password",
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses((status = 200, description = "Success", body = crate::dto::auth::TokenPairBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn reset_password(
    state: web::Data<AppState>,
    body: ValidJson<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let reset = PasswordReset::try_from(body.0)?;
    let pair = state
        .accounts
        .reset_password(&reset.token, reset.new_password)
        .await?;
    Ok(HttpResponse::Ok().json(TokenPairBody::from(pair)))
}
