//! `PATCH /api/goals/:goal_id`.

use actix_web::{HttpResponse, web};
use pursue_ports::goals::GoalPatch;
use serde_json::json;

use crate::dto::goals::{UpdateGoalRequest, merge, schedule};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Edits title, description and active days (admin or creator).
#[utoipa::path(
    patch,
    path = "/api/goals/{goal_id}",
    tag = "goals",
    params(("goal_id" = uuid::Uuid, Path)),
    request_body = UpdateGoalRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::UpdatedGoalBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<UpdateGoalRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    let patch = GoalPatch::try_from(body.0)?;
    let goal = state.goals.update_goal(&user.0, id, patch).await?;
    let mut body = json!({
        "id": goal.id.to_string(),
        "title": goal.title.as_str(),
        "description": goal.description.as_deref(),
    });
    merge(&mut body, schedule(goal.active_days));
    Ok(HttpResponse::Ok().json(body))
}
