//! `POST /api/groups/:group_id/members/:user_id/approve` (body ignored) → `{success: true}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Approves a pending join request (admins); 404 when none is pending.
pub async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    state.groups.approve(&user.0, group, target).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
