//! `GET /api/groups/:group_id/members/pending`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::PendingBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Pending join requests, oldest first (admins).
pub async fn pending(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let pending: Vec<PendingBody> = state
        .groups
        .pending_members(&user.0, id)
        .await?
        .into_iter()
        .map(PendingBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "pending_members": pending })))
}
