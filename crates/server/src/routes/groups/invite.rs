//! `GET /api/groups/:group_id/invite`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::InviteBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The group's standing invite code with its share link (active members).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/invite",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{invite_code, share_url, created_at}", body = crate::dto::groups::InviteBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an active member", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let invite = state.groups.invite(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(InviteBody::new(invite, &state.share_base_url)))
}
