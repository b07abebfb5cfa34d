//! `GET /api/users/:user_id/avatar` (token optional).

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_domain::ids::UserId;
use pursue_ports::images::ImageKey;

use crate::error::ApiError;
use crate::routes::picture;
use crate::state::AppState;

/// `404 NO_AVATAR`: no avatar, no such (or a soft-deleted) user, or a malformed id.
fn no_avatar() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        "NO_AVATAR",
        "User has no avatar",
    )
}

/// The user's avatar with its ETag; `304` when the client's copy is current.
#[utoipa::path(
    get,
    path = "/api/users/{user_id}/avatar",
    tag = "users",
    params(("user_id" = uuid::Uuid, Path)),
    responses((status = 200, description = "Success", content_type = "image/webp", body = crate::dto::responses::Binary), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 304, description = "Not modified (If-None-Match)"), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get_avatar(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = UserId::parse(&path).map(|id| ImageKey::Avatar(id.as_uuid()));
    picture::serve(&state.images, &req, key, no_avatar).await
}
