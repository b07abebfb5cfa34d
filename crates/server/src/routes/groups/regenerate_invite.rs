//! `POST /api/groups/:group_id/invite/regenerate` (body ignored).

use actix_web::{HttpResponse, web};

use crate::dto::groups::InviteBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Revokes the invite code and issues a new one (admins).
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/invite/regenerate",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{invite_code, share_url, created_at, previous_code_revoked}", body = crate::dto::groups::InviteBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an admin", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn regenerate(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let done = state.groups.regenerate_invite(&user.0, id).await?;
    let mut body = InviteBody::new(done.invite, &state.share_base_url);
    body.previous_code_revoked = Some(done.previous_code);
    Ok(HttpResponse::Ok().json(body))
}
