//! `GET /api/groups/:group_id/icon` (token optional).

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_domain::ids::GroupId;
use pursue_ports::images::ImageKey;

use crate::error::ApiError;
use crate::routes::picture;
use crate::state::AppState;

/// `404 NO_ICON`: no icon image, no such group, or a malformed id.
fn no_icon() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        "NO_ICON",
        "Group has no icon image",
    )
}

/// The group's icon with its ETag; `304` when the client's copy is current.
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/icon",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    responses((status = 200, description = "Success", content_type = "image/webp", body = crate::dto::responses::Binary), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 304, description = "Not modified (If-None-Match)"), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get_icon(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = GroupId::parse(&path).map(|id| ImageKey::GroupIcon(id.as_uuid()));
    picture::serve(&state.images, &req, key, no_icon).await
}
