//! `PATCH /api/groups/:group_id/members/:user_id`.

use actix_web::{HttpResponse, web};
use pursue_domain::role::AssignableRole;
use serde_json::json;

use crate::dto::groups::ChangeRoleRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Sets another member's role (admin or creator).
#[utoipa::path(
    patch,
    path = "/api/groups/{group_id}/members/{user_id}",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path)),
    request_body = ChangeRoleRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::SuccessBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn change_role(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: ValidJson<ChangeRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let role = AssignableRole::try_from(body.0)?;
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    state
        .groups
        .change_role(&user.0, group, target, role)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
