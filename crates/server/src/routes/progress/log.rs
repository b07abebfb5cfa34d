//! `POST /api/progress` → 201 entry (docs/API.md, Periods and progress; Retrying progress
//! logs).

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_app::progress::LogProgress;

use crate::dto::goals::{EntryBody, LogProgressRequest};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// The optional `Idempotency-Key`: 1–255 visible ASCII characters.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(ApiError::field(
            "Idempotency-Key",
            "must be 1–255 visible ASCII characters",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Logs progress; a replayed key answers with the first response.
#[utoipa::path(
    post,
    path = "/api/progress",
    tag = "progress",
    request_body = LogProgressRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Success", body = crate::dto::goals::EntryBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn log(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ValidJson<LogProgressRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut input = LogProgress::try_from(body.0)?;
    input.idempotency_key = idempotency_key(&req)?;
    let (entry, _) = state.progress.log_progress(&user.0, input).await?;
    Ok(HttpResponse::Created().json(EntryBody::from(entry)))
}
