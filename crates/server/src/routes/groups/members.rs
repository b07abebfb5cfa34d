//! `GET /api/groups/:group_id/members`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::MemberBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The members, creator first (members only).
pub async fn members(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let members: Vec<MemberBody> = state
        .groups
        .list_members(&user.0, id)
        .await?
        .into_iter()
        .map(MemberBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "members": members })))
}
