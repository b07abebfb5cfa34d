//! `DELETE /api/activities/:id/reactions` → 204.

use actix_web::{HttpResponse, web};

use super::path_uuid;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Removes the caller's reaction (404 when none).
#[utoipa::path(
    delete,
    path = "/api/activities/{activity_id}/reactions",
    tag = "activities",
    params(("activity_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not a member of the group", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown activity or no reaction", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn delete_reaction(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    state.social.remove_reaction(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
