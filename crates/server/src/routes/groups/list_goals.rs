//! `GET /api/groups/:group_id/goals`.

use actix_web::{HttpResponse, web};
use pursue_domain::goal::Cadence;
use pursue_domain::period::Timezone;
use pursue_ports::goals::GoalFilter;

use crate::dto::goals::GoalBody;
use crate::dto::query::GoalListQuery;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Goals of the group, optionally with current-period progress; invalid query values
/// count as absent.
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/goals",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("cadence" = Option<String>, Query, description = "`daily`, `weekly`, `monthly` or `yearly`; other values are ignored"), ("archived" = Option<String>, Query, description = "`true` adds archived goals"), ("include_progress" = Option<String>, Query, description = "`true` adds `current_period_progress`"), ("user_timezone" = Option<String>, Query, description = "IANA zone defining today (UTC by default)")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::GoalListBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn list_goals(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<GoalListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let filter = GoalFilter {
        cadence: query
            .cadence
            .as_deref()
            .and_then(|c| Cadence::parse(c).ok()),
        include_archived: query.archived.as_deref() == Some("true"),
    };
    let include_progress = query.include_progress.as_deref() == Some("true");
    let zone = query
        .user_timezone
        .as_deref()
        .and_then(|z| Timezone::parse(z).ok())
        .unwrap_or_else(Timezone::utc);
    let goals: Vec<GoalBody> = state
        .goals
        .list_goals(&user.0, id, filter, include_progress, &zone)
        .await?
        .into_iter()
        .map(GoalBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(GoalList {
        total: goals.len(),
        goals,
    }))
}

/// The answer, serialised straight from the typed bodies (no intermediate JSON tree, whose
/// cost grew with the number of goals).
#[derive(serde::Serialize)]
struct GoalList {
    total: usize,
    goals: Vec<GoalBody>,
}
