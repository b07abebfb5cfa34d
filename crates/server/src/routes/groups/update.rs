//! `PATCH /api/groups/:group_id`.

use actix_web::{HttpResponse, web};
use pursue_ports::groups::GroupPatch;

use crate::dto::group_fields::GroupExtras;
use crate::dto::groups::{GroupBody, UpdateGroupRequest};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Edits name, description, emoji or colour (admin or creator).
#[utoipa::path(
    patch,
    path = "/api/groups/{group_id}",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    request_body = UpdateGroupRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::groups::GroupBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<UpdateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let patch = GroupPatch::try_from(body.0)?;
    let group = state.groups.update_group(&user.0, id, patch).await?;
    let extras = GroupExtras::new().visibility().listing();
    Ok(HttpResponse::Ok().json(GroupBody::with(group, None, extras)))
}
