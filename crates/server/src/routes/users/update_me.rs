//! `PATCH /api/users/me`.

use actix_web::{HttpResponse, web};
use pursue_domain::user::{AdultBirthDate, DisplayName};

use crate::dto::users::{UpdateMeRequest, UserBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Changes the caller's display name and verifies the age from a birth date (an empty
/// body changes nothing; under 18 changes nothing and answers `UNDER_AGE`).
#[utoipa::path(
    patch,
    path = "/api/users/me",
    tag = "users",
    request_body = UpdateMeRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::users::UserBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = body
        .0
        .display_name
        .clone()
        .map(|n| DisplayName::parse(&n).map_err(|e| ApiError::field("display_name", e)))
        .transpose()?;
    let birth = body
        .0
        .date_of_birth
        .map(|d| {
            AdultBirthDate::parse(&d, chrono::Utc::now().date_naive())
                .map_err(|e| crate::error_map::birth_date_error(e, "date_of_birth", true))
        })
        .transpose()?;
    let updated = state
        .accounts
        .update_profile(user.0.id, name, birth)
        .await?;
    Ok(HttpResponse::Ok().json(UserBody::from(updated)))
}
