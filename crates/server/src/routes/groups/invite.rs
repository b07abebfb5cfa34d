//! `GET /api/groups/:group_id/invite`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::InviteBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The group's standing invite code with its share link (active members).
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let invite = state.groups.invite(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(InviteBody::new(invite, &state.share_base_url)))
}
