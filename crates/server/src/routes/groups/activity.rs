//! `GET /api/groups/:group_id/activity`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::ActivityBody;
use crate::dto::query::PageQuery;
use crate::dto::responses::ActivityListBody;
use crate::dto::social::FeedItemBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// One page of the feed, newest first (members only), with each item's reactions (read
/// with the page; see docs/API.md, Reactions).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/activity",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("limit" = Option<i64>, Query, description = "1 or more, default 50; above 100 counts as 100", minimum = 1), ("offset" = Option<i64>, Query, description = "default 0", minimum = 0)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::ActivityListBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
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
    let activities: Vec<FeedItemBody> = page
        .items
        .into_iter()
        .map(|item| FeedItemBody::new(ActivityBody::from(item.activity), &item.reactions))
        .collect();
    Ok(HttpResponse::Ok().json(ActivityListBody {
        activities,
        total: page.total,
    }))
}
