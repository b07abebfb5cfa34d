//! `GET /api/groups/:group_id`.

use actix_web::{HttpResponse, web};

use crate::dto::group_fields::GroupExtras;
use crate::dto::groups::GroupBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The group with the caller's role, membership state (active members and pending
/// requests) and `is_read_only` (docs/API.md, Subscriptions).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::groups::GroupBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let (group, membership) = state.groups.get_group(&user.0, id).await?;
    let sub = state.subscriptions.state(user.0.id).await?;
    let extras = GroupExtras::new()
        .read_only(sub.is_read_only(id.as_uuid()))
        .membership_status(membership.status.as_str())
        .heat(true)
        .challenge()
        .visibility()
        .listing();
    Ok(HttpResponse::Ok().json(GroupBody::with(group, Some(membership.role), extras)))
}
