//! `POST /api/groups/:group_id/members/:user_id/approve` (body ignored) → `{success: true}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Approves a pending join request (admins); 404 when none is pending.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/members/{user_id}/approve",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{success: true}", body = crate::dto::responses::SuccessBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an admin; GROUP_LIMIT_REACHED: the requester is at the group limit", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: no pending request", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    state.groups.approve(&user.0, group, target).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
