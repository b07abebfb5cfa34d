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
pub async fn change_role(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: ValidJson<ChangeRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    let role = AssignableRole::parse(&body.0.role).map_err(|e| ApiError::field("role", e))?;
    state
        .groups
        .change_role(&user.0, group, target, role)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
