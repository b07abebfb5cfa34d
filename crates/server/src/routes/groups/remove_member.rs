//! `DELETE /api/groups/:group_id/members/:user_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Removes another member (admin or creator).
pub async fn remove_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group, target) = path.into_inner();
    let (group, target) = (ids::group(&group)?, ids::user(&target)?);
    state.groups.remove_member(&user.0, group, target).await?;
    Ok(HttpResponse::NoContent().finish())
}
