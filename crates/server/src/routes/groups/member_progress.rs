//! `GET /api/groups/:group_id/members/:user_id/progress`.

use actix_web::{HttpResponse, web};

use crate::dto::insights::{HistoryParams, history_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// One member's goal summaries and log over a range (active members only).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/members/{user_id}/progress",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path), ("start_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD"), ("end_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD, not before start_date (`400 INVALID_DATE_RANGE`)"), ("limit" = Option<u32>, Query, description = "1-50, default 50", minimum = 1, maximum = 50), ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{member, timeframe, goal_summaries, activity_log, pagination}", body = crate::dto::responses::MemberHistoryBody),
        (status = 400, description = "VALIDATION_ERROR, INVALID_DATE_RANGE, INVALID_CURSOR", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an active member; TARGET_NOT_A_MEMBER; SUBSCRIPTION_REQUIRED: over 30 days on the free tier", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn member_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.resolve()?;
    let (group, target) = path.into_inner();
    let group = ids::group(&group)?;
    let target = ids::user(&target)?;
    let history = state
        .insights
        .member_history(&user.0, group, target, query)
        .await?;
    Ok(HttpResponse::Ok().json(history_body(history, query.range)))
}
