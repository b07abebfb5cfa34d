//! `GET /api/activities/:id/reactions` → 200 `{activity_id, reactions, total}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::path_uuid;
use crate::dto::social::reactor_json;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The reactions on an activity, newest first.
#[utoipa::path(
    get,
    path = "/api/activities/{activity_id}/reactions",
    tag = "activities",
    params(("activity_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{activity_id, reactions, total}, newest first", body = crate::dto::responses::ReactionListBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not a member of the group", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown activity", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn list_reactions(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let list = state.social.list_reactions(&user.0, id).await?;
    let reactions: Vec<_> = list.iter().map(reactor_json).collect();
    Ok(HttpResponse::Ok().json(json!({
        "activity_id": id.to_string(),
        "total": reactions.len(),
        "reactions": reactions,
    })))
}
