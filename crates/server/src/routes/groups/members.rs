//! `GET /api/groups/:group_id/members`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::MemberBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The members, creator first (members only).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/members",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn members(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let members: Vec<MemberBody> = state
        .groups
        .list_members(&user.0, id)
        .await?
        .into_iter()
        .map(MemberBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "members": members })))
}
