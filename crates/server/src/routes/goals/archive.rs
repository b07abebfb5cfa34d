//! `DELETE /api/goals/:goal_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Archives the goal (admin or creator).
#[utoipa::path(
    delete,
    path = "/api/goals/{goal_id}",
    tag = "goals",
    params(("goal_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn archive(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    state.goals.archive_goal(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
