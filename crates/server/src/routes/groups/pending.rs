//! `GET /api/groups/:group_id/members/pending`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::PendingBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Pending join requests, oldest first (admins).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/members/pending",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{pending_members}, oldest first", body = crate::dto::responses::PendingListBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an admin", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn pending(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let pending: Vec<PendingBody> = state
        .groups
        .pending_members(&user.0, id)
        .await?
        .into_iter()
        .map(PendingBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "pending_members": pending })))
}
