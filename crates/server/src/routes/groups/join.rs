//! `POST /api/groups/join`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::JoinRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Joins the group of an invite code.
pub async fn join(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<JoinRequest>,
) -> Result<HttpResponse, ApiError> {
    let group = state.groups.join(&user.0, &body.0.invite_code).await?;
    Ok(HttpResponse::Ok().json(json!({
        "group": {
            "id": group.id.to_string(),
            "name": group.name,
            "member_count": group.member_count,
        }
    })))
}
