//! `POST /api/groups/join`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::JoinRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Joins the group of an invite code.
#[utoipa::path(
    post,
    path = "/api/groups/join",
    tag = "groups",
    request_body = JoinRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
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
