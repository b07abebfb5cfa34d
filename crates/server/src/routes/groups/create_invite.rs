//! `POST /api/groups/:group_id/invites` → 201 invite.

use actix_web::{HttpResponse, web};
use pursue_domain::group::MaxUses;

use crate::dto::groups::{CreateInviteRequest, InviteBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Creates an invite code (admin or creator).
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/invites",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    request_body = CreateInviteRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn create_invite(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let max_uses = body
        .0
        .max_uses
        .map(MaxUses::new)
        .transpose()
        .map_err(|e| ApiError::field("max_uses", e))?;
    let invite = state
        .groups
        .create_invite(&user.0, id, max_uses, body.0.expires_at)
        .await?;
    Ok(HttpResponse::Created().json(InviteBody::from(invite)))
}
