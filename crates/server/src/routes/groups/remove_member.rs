//! `DELETE /api/groups/:group_id/members/:user_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Removes another member (admin or creator).
#[utoipa::path(
    delete,
    path = "/api/groups/{group_id}/members/{user_id}",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("user_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn remove_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    state.groups.remove_member(&user.0, group, target).await?;
    Ok(HttpResponse::NoContent().finish())
}
