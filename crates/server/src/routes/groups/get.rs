//! `GET /api/groups/:group_id`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::GroupBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The group with the caller's role (members only).
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let (group, role) = state.groups.get_group(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(GroupBody::new(group, Some(role))))
}
