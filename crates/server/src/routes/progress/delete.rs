//! `DELETE /api/progress/:entry_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Deletes an entry (owner only).
#[utoipa::path(
    delete,
    path = "/api/progress/{entry_id}",
    tag = "progress",
    params(("entry_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::entry(&path)?;
    state.progress.delete_entry(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
