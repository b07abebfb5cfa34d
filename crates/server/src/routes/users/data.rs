//! `GET /api/users/me/data`: everything stored about the caller as one JSON document
//! (docs/API.md, Data export). 5 per hour per user (`EXPORT_RATE_LIMIT_EXCEEDED`).

use actix_web::http::header::{CONTENT_DISPOSITION, HeaderValue};
use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's data, as a download named `pursue-data-<YYYY-MM-DD>.json`.
#[utoipa::path(
    get,
    path = "/api/users/me/data",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's data as a JSON attachment", content_type = "application/json", body = Object),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 429, description = "EXPORT_RATE_LIMIT_EXCEEDED: 5 per hour", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn export(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let now = chrono::Utc::now();
    let doc = state.export.export(user.0.id, now).await?;
    let disposition = format!(
        "attachment; filename=\"pursue-data-{}.json\"",
        now.format("%Y-%m-%d")
    );
    let mut response = HttpResponse::Ok().json(doc);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
