//! `PATCH /api/notifications/:id/read` → 200 `{id, is_read: true}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::activities::path_uuid;
use crate::state::AppState;

/// Marks one of the caller's rows read (idempotent; 404 when not theirs).
#[utoipa::path(
    patch,
    path = "/api/notifications/{id}/read",
    tag = "notifications",
    params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{id, is_read: true}", body = crate::dto::responses::ReadBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown or foreign row", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    state.social.mark_read(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id.to_string(), "is_read": true })))
}
