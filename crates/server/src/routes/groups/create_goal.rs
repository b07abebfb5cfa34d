//! `POST /api/groups/:group_id/goals` → 201 goal.

use actix_web::{HttpResponse, web};
use pursue_domain::goal::NewGoalSpec;

use crate::dto::goals::{CreateGoalRequest, GoalBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Creates a goal (admin or creator).
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/goals",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    request_body = CreateGoalRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Success", body = crate::dto::goals::GoalBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn create_goal(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<CreateGoalRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let spec = NewGoalSpec::try_from(body.0)?;
    let goal = state.goals.create_goal(&user.0, id, spec).await?;
    Ok(HttpResponse::Created().json(GoalBody::from(goal)))
}
