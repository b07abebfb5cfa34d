//! `GET /api/groups/:group_id`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::GroupBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The group with the caller's role (members only) and `is_read_only` (the caller's
/// subscription write check answers `GROUP_READ_ONLY` for it; docs/API.md, Subscriptions).
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let (group, role) = state.groups.get_group(&user.0, id).await?;
    let sub = state.subscriptions.state(user.0.id).await?;
    let mut body = serde_json::to_value(GroupBody::new(group, Some(role)))
        .map_err(|e| ApiError::internal(&e.into()))?;
    body["is_read_only"] = serde_json::Value::Bool(sub.is_read_only(id.as_uuid()));
    Ok(HttpResponse::Ok().json(body))
}
