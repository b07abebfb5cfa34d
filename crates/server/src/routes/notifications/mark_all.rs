//! `POST /api/notifications/mark-all-read` → 200 `{marked_read}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Marks every row of the caller read (the body is ignored).
#[utoipa::path(
    post,
    path = "/api/notifications/mark-all-read",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{marked_read}", body = crate::dto::responses::MarkedBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn mark_all(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let n = state.social.mark_all_read(&user.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "marked_read": n })))
}
