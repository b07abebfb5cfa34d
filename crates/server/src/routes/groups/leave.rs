//! `DELETE /api/groups/:group_id/members/me` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Leaves the group.
#[utoipa::path(
    delete,
    path = "/api/groups/{group_id}/members/me",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn leave(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    state.groups.leave(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
