//! `DELETE /api/devices/:device_id` → 204; missing or someone else's → 404
//! `DEVICE_NOT_FOUND`.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Deletes one of the caller's devices.
#[utoipa::path(
    delete,
    path = "/api/devices/{device_id}",
    tag = "devices",
    params(("device_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::device(&path)?;
    state.devices.delete(user.0.id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
