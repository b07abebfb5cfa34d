//! `POST /api/auth/forgot-password` → always the same 200.

use actix_web::{HttpResponse, web};
use pursue_domain::user::Email;
use serde_json::json;

use crate::dto::auth::ForgotPasswordRequest;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// The one answer, whether or not the account exists.
pub const MESSAGE: &str =
    "If an account exists with this email, a password reset link has been sent.";

/// Queues a reset e-mail for an active account.
#[utoipa::path(
    post,
    path = "/api/auth/forgot-password",
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses((status = 200, description = "Success", body = crate::dto::responses::MessageBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn forgot_password(
    state: web::Data<AppState>,
    body: ValidJson<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = Email::try_from(body.0)?;
    state.accounts.forgot_password(email).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": MESSAGE })))
}
