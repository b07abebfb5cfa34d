//! `POST /api/groups/:group_id/invites` → 201 invite.

use actix_web::{HttpResponse, web};
use pursue_domain::group::MaxUses;

use crate::dto::groups::{CreateInviteRequest, InviteBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::routes::ids;
use crate::state::AppState;

/// Creates an invite code (admin or creator).
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
