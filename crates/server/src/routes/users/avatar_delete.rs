//! `DELETE /api/users/me/avatar`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Removes the caller's avatar (idempotent).
#[utoipa::path(
    delete,
    path = "/api/users/me/avatar",
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::AvatarStateBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn delete_avatar(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    state.images.delete_avatar(&user.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true, "has_avatar": false })))
}
