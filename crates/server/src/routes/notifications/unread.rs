//! `GET /api/notifications/unread-count` → 200 `{unread_count}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's unread count.
#[utoipa::path(
    get,
    path = "/api/notifications/unread-count",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{unread_count}", body = crate::dto::responses::UnreadBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn unread(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let n = state.social.unread_count(&user.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "unread_count": n })))
}
