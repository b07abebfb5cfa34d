//! `POST /api/nudges` → 201 `{nudge}`.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde_json::json;

use crate::dto::social::NudgeRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Nudges a member of a shared group.
pub async fn send(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NudgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0.parse()?;
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
