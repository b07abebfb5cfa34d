//! `GET /api/notifications/unread-count` → 200 `{unread_count}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's unread count.
pub async fn unread(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let n = state.social.unread_count(&user.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "unread_count": n })))
}
