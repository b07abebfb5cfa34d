//! `POST /api/auth/link/google` → 200.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::auth::GoogleRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Links a Google account to the caller.
pub async fn link_google(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<GoogleRequest>,
) -> Result<HttpResponse, ApiError> {
    let linked = state
        .accounts
        .link_google(user.0.id, &body.0.id_token)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "success": true,
        "provider": "google",
        "provider_email": linked.provider_email,
    })))
}
