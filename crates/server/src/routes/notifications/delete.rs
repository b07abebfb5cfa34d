//! `DELETE /api/notifications/:id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::activities::path_uuid;
use crate::state::AppState;

/// Deletes one of the caller's rows (404 when not theirs).
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    state.social.delete_notification(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
