//! `DELETE /api/devices/:device_id` → 204; missing or someone else's → 404
//! `DEVICE_NOT_FOUND`.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Deletes one of the caller's devices.
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::device(&path)?;
    state.devices.delete(user.0.id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
