//! `POST /api/users/me/avatar`.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::{AuthUser, read_upload};
use crate::state::AppState;

/// Replaces the caller's avatar with the processed upload (multipart part `avatar`).
#[utoipa::path(
    post,
    path = "/api/users/me/avatar",
    tag = "users",
    request_body(content = crate::dto::users::AvatarForm, content_type = "multipart/form-data", description = "The picture as a form part"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::AvatarStateBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn upload_avatar(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(body, "avatar").await?;
    state
        .images
        .upload_avatar(&user.0, upload.bytes, upload.declared_mime)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true, "has_avatar": true })))
}
