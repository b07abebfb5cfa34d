//! `POST /api/auth/register` → 201 session.

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_domain::user::{AdultBirthDate, DisplayName, Email, Password};

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
    let body = body.0;
    let (email, password, name) = (
        Email::parse(&body.email).map_err(|e| ApiError::field("email", e))?,
        Password::parse(&body.password).map_err(|e| ApiError::field("password", e))?,
        DisplayName::parse(&body.display_name).map_err(|e| ApiError::field("display_name", e))?,
    );
    let dob = body.date_of_birth.as_deref().unwrap_or_default();
    let adult = AdultBirthDate::parse(dob, chrono::Utc::now().date_naive())
        .map_err(|e| crate::error_map::birth_date_error(e, "date_of_birth", false))?;
    let ip = crate::extract::client_ip(&req, &state);
    let session = state
        .accounts
        .register(email, password, name, adult, ip)
        .await?;
    Ok(HttpResponse::Created().json(SessionBody::from(session)))
}
