//! `PATCH /api/users/me`.

use actix_web::{HttpResponse, web};
use pursue_app::accounts::ProfileChange;

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
    let change = ProfileChange::try_from(body.0)?;
    let updated = state.accounts.update_profile(user.0.id, change).await?;
    Ok(HttpResponse::Ok().json(UserBody::from(updated)))
}
