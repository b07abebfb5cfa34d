//! `DELETE /api/groups/:group_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Hard-deletes the group (creator only).
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    state.groups.delete_group(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
