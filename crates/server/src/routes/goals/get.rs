//! `GET /api/goals/:goal_id`.

use actix_web::{HttpResponse, web};

use crate::dto::goals::GoalBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The active goal (members only).
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    let goal = state.goals.get_goal(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(GoalBody::from(goal)))
}
