//! `POST /api/groups/:group_id/invite/regenerate` (body ignored).

use actix_web::{HttpResponse, web};

use crate::dto::groups::InviteBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Revokes the invite code and issues a new one (admins).
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
