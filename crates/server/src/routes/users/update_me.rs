//! `PATCH /api/users/me`.

use actix_web::{HttpResponse, web};
use pursue_domain::user::DisplayName;

use crate::dto::users::{UpdateMeRequest, UserBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Changes the caller's display name (an empty body changes nothing).
#[utoipa::path(
    patch,
    path = "/api/users/me",
    tag = "users",
    request_body = UpdateMeRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = body
        .0
        .display_name
        .map(|n| DisplayName::parse(&n).map_err(|e| ApiError::field("display_name", e)))
        .transpose()?;
    let updated = state.accounts.update_profile(user.0.id, name).await?;
    Ok(HttpResponse::Ok().json(UserBody::from(updated)))
}
