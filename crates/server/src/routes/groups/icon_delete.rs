//! `DELETE /api/groups/:group_id/icon`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::IconBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Removes the group's icon image, keeping emoji and colour (admin or creator; idempotent).
#[utoipa::path(
    delete,
    path = "/api/groups/{group_id}/icon",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::groups::IconBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn delete_icon(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let icon = state.images.delete_icon(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(IconBody::from(icon)))
}
