//! `DELETE /api/activities/:id/reactions` → 204.

use actix_web::{HttpResponse, web};

use super::path_uuid;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Removes the caller's reaction (404 when none).
pub async fn delete_reaction(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    state.social.remove_reaction(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
