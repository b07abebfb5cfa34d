//! `DELETE /api/goals/:goal_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Archives the goal (admin or creator).
pub async fn archive(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    state.goals.archive_goal(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
