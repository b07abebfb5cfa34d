//! `POST /api/auth/register` → 201 session.

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_app::accounts::Registration;

use crate::dto::auth::{RegisterRequest, SessionBody};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Creates an e-mail/password account of an adult, records the policy consents and signs
/// it in.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses((status = 201, description = "Success", body = crate::dto::auth::SessionBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let registration = Registration::try_from(body.0)?;
    let ip = crate::extract::client_ip(&req, &state);
    let session = state.accounts.register(registration, ip).await?;
    Ok(HttpResponse::Created().json(SessionBody::from(session)))
}
