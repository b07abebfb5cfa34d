//! `GET /api/groups/:group_id/activity`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::ActivityBody;
use crate::dto::query::PageQuery;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// One page of the feed, newest first (members only).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/activity",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn activity(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let (limit, offset) = query.resolve()?;
    let page = state.groups.feed(&user.0, id, limit, offset).await?;
    let activities: Vec<ActivityBody> = page.items.into_iter().map(ActivityBody::from).collect();
    Ok(HttpResponse::Ok().json(json!({ "activities": activities, "total": page.total })))
}
