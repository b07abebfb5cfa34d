//! `DELETE /api/groups/:group_id/members/me` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Leaves the group.
pub async fn leave(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    state.groups.leave(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
