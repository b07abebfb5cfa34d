//! `PUT /api/activities/:id/reactions` → 200 `{reaction, replaced}`.

use actix_web::{HttpResponse, web};
use pursue_domain::social::Emoji;
use serde_json::json;

use super::path_uuid;
use crate::dto::social::ReactionRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Adds or replaces the caller's reaction.
#[utoipa::path(
    put,
    path = "/api/activities/{activity_id}/reactions",
    tag = "activities",
    params(("activity_id" = uuid::Uuid, Path)),
    request_body = ReactionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{reaction, replaced}", body = crate::dto::responses::ReactionSetBody),
        (status = 400, description = "VALIDATION_ERROR: not one of the picker emoji", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not a member of the group", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown activity", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn put_reaction(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: ValidJson<ReactionRequest>,
) -> Result<HttpResponse, ApiError> {
    let emoji = Emoji::try_from(body.0)?;
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
