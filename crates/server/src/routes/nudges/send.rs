//! `POST /api/nudges` → 201 `{nudge}`.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use pursue_app::social::SendNudge;
use serde_json::json;

use crate::dto::social::NudgeRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Nudges a member of a shared group.
#[utoipa::path(
    post,
    path = "/api/nudges",
    tag = "nudges",
    request_body = NudgeRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "{nudge}", body = crate::dto::responses::NudgeSentBody),
        (status = 400, description = "VALIDATION_ERROR, CANNOT_NUDGE_SELF, GOAL_OFF_DAY", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN, PENDING_APPROVAL, RECIPIENT_NOT_IN_GROUP", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = 409, description = "ALREADY_NUDGED_TODAY", body = crate::openapi::ErrorBody),
        (status = 429, description = "DAILY_SEND_LIMIT: 20 per day", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn send(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NudgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = SendNudge::try_from(body.0)?;
    let n = state.social.send_nudge(&user.0, input, Utc::now()).await?;
    Ok(HttpResponse::Created().json(json!({
        "nudge": {
            "id": n.id.to_string(),
            "recipient_user_id": n.recipient.to_string(),
            "group_id": n.group.to_string(),
            "goal_id": n.goal.map(|g| g.to_string()),
            "sent_at": n.sent_at,
        }
    })))
}
