//! `GET /api/groups/:group_id/nudges/sent-today?sender_local_date=` → 200
//! `{nudged_user_ids}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::social::{SentTodayQuery, local_date};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Members of the group the caller nudged on that date (in any group).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/nudges/sent-today",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("sender_local_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{nudged_user_ids}", body = crate::dto::responses::NudgedTodayBody),
        (status = 400, description = "VALIDATION_ERROR", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not a member", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn sent_today(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<SentTodayQuery>,
) -> Result<HttpResponse, ApiError> {
    let date = match query.sender_local_date.as_deref() {
        Some(d) => local_date("sender_local_date", d)?,
        None => return Err(ApiError::field("sender_local_date", "is required")),
    };
    let id = ids::group(&path)?;
    let users = state.social.nudged_today(&user.0, id, date).await?;
    let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
    Ok(HttpResponse::Ok().json(json!({ "nudged_user_ids": ids })))
}
