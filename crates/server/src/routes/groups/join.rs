//! `POST /api/groups/join`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::JoinRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Asks to join the group of an invite code; the request awaits an admin.
#[utoipa::path(
    post,
    path = "/api/groups/join",
    tag = "groups",
    request_body = JoinRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::JoinBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn join(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<JoinRequest>,
) -> Result<HttpResponse, ApiError> {
    let joined = state.groups.join(&user.0, &body.0.invite_code).await?;
    let group = joined.group;
    Ok(HttpResponse::Ok().json(json!({
        "status": "pending",
        "message": "Join request sent to group admins for approval",
        "group": {
            "id": group.id.to_string(),
            "name": group.name.as_str(),
            "member_count": group.member_count,
            "is_challenge": false,
            "challenge_start_date": null,
            "challenge_end_date": null,
            "challenge_status": null,
            "template_id": null,
        }
    })))
}
