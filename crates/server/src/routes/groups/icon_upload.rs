//! `PATCH /api/groups/:group_id/icon`.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};

use crate::dto::groups::IconBody;
use crate::error::ApiError;
use crate::extract::{AuthUser, read_upload};
use crate::routes::ids;
use crate::state::AppState;

/// Replaces the group's icon with the processed upload (multipart part `icon`) and clears
/// its emoji and colour (admin or creator).
#[utoipa::path(
    patch,
    path = "/api/groups/{group_id}/icon",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    request_body(content = crate::dto::groups::IconForm, content_type = "multipart/form-data", description = "The picture as a form part"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::groups::IconBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn upload_icon(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(body, "icon").await?;
    let id = ids::group(&path)?;
    let icon = state
        .images
        .upload_icon(&user.0, id, upload.bytes, upload.declared_mime)
        .await?;
    Ok(HttpResponse::Ok().json(IconBody::from(icon)))
}
