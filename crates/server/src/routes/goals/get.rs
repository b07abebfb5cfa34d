//! `GET /api/goals/:goal_id`.

use actix_web::{HttpResponse, web};

use crate::dto::goals::GoalBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The active goal (members only).
#[utoipa::path(
    get,
    path = "/api/goals/{goal_id}",
    tag = "goals",
    params(("goal_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::goals::GoalBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    let goal = state.goals.get_goal(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(GoalBody::from(goal)))
}
