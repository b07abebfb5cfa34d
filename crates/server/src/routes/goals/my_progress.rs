//! `GET /api/goals/:goal_id/progress/me`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::query_date;
use crate::dto::goals::{HistoryEntry, merge, schedule};
use crate::dto::query::RangeQuery;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The caller's entries in the date range (members only).
#[utoipa::path(
    get,
    path = "/api/goals/{goal_id}/progress/me",
    tag = "goals",
    params(("goal_id" = uuid::Uuid, Path), ("start_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD"), ("end_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::MyGoalProgressBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn my_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::goal(&path)?;
    let from = query_date("start_date", query.start_date.as_deref())?;
    let to = query_date("end_date", query.end_date.as_deref())?;
    let (goal, entries) = state.goals.my_progress(&user.0, id, from, to).await?;
    let entries: Vec<HistoryEntry> = entries.into_iter().map(HistoryEntry::from).collect();
    let mut body = json!({ "goal_id": id.to_string(), "entries": entries });
    merge(&mut body, schedule(goal.active_days));
    Ok(HttpResponse::Ok().json(body))
}
