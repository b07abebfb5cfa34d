//! `PUT /api/activities/:id/reactions` → 200 `{reaction, replaced}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::path_uuid;
use crate::dto::social::ReactionRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Adds or replaces the caller's reaction.
pub async fn put_reaction(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<ReactionRequest>,
) -> Result<HttpResponse, ApiError> {
    let emoji = body.0.emoji()?;
    let id = path_uuid(&path)?;
    let (r, replaced) = state.social.put_reaction(&user.0, id, emoji).await?;
    Ok(HttpResponse::Ok().json(json!({
        "reaction": {
            "activity_id": r.activity_id.to_string(),
            "user_id": r.user.to_string(),
            "emoji": r.emoji,
            "created_at": r.created_at,
        },
        "replaced": replaced,
    })))
}
