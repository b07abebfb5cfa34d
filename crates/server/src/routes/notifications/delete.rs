//! `DELETE /api/notifications/:id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::activities::path_uuid;
use crate::state::AppState;

/// Deletes one of the caller's rows (404 when not theirs).
#[utoipa::path(
    delete,
    path = "/api/notifications/{id}",
    tag = "notifications",
    params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown or foreign row", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    state.social.delete_notification(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
