//! `GET /api/goals/:goal_id/progress`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::query_date;
use crate::dto::goals::{HistoryEntry, merge, schedule};
use crate::dto::query::RangeQuery;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Every member's entries in the date range (members only).
#[utoipa::path(
    get,
    path = "/api/goals/{goal_id}/progress",
    tag = "goals",
    params(("goal_id" = uuid::Uuid, Path), ("start_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD"), ("end_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::GoalProgressBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn progress(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    let from = query_date("start_date", query.start_date.as_deref())?;
    let to = query_date("end_date", query.end_date.as_deref())?;
    let history = state.goals.goal_progress(&user.0, id, from, to).await?;
    let progress: Vec<_> = history
        .users
        .into_iter()
        .map(|u| {
            let entries: Vec<HistoryEntry> =
                u.entries.into_iter().map(HistoryEntry::from).collect();
            json!({
                "user_id": u.user_id.to_string(),
                "display_name": u.display_name.as_str(),
                "entries": entries,
            })
        })
        .collect();
    let mut goal = json!({
        "id": history.goal.id.to_string(),
        "title": history.goal.title.as_str(),
        "cadence": history.goal.cadence.as_str(),
    });
    merge(&mut goal, schedule(history.goal.active_days));
    Ok(HttpResponse::Ok().json(json!({
        "goal": goal,
        "progress": progress,
    })))
}
