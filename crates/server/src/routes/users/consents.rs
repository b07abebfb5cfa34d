//! `GET`/`POST /api/users/me/consents` and `GET /api/users/me/consents/status` (docs/API.md,
//! Age and consents).

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_ports::users::NewConsents;
use serde_json::{Map, json};

use crate::dto::users::RecordConsentsRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// The caller's consent rows, newest first.
#[utoipa::path(
    get,
    path = "/api/users/me/consents",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{consents}, newest first", body = crate::dto::responses::ConsentListBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn list(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let rows = state.accounts.consents(user.0.id).await?;
    let consents: Vec<_> = rows
        .into_iter()
        .map(|r| {
            json!({
                "consent_type": r.consent_type,
                "action": r.action,
                "agreed_at": r.agreed_at,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "consents": consents })))
}

/// Appends one row per type (same instant, no deduplication) → 201 `{success: true}`.
#[utoipa::path(
    post,
    path = "/api/users/me/consents",
    tag = "users",
    request_body = RecordConsentsRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "{success: true}", body = crate::dto::responses::SuccessBody),
        (status = 400, description = "VALIDATION_ERROR", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn record(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: ValidJson<RecordConsentsRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut consents = NewConsents::try_from(body.0)?;
    consents.ip_address = crate::extract::client_ip(&req, &state);
    state.accounts.record_consents(user.0.id, consents).await?;
    Ok(HttpResponse::Created().json(json!({ "success": true })))
}

/// The newest action per consent type: `{status: {<type>: {action, updated_at}}}`.
#[utoipa::path(
    get,
    path = "/api/users/me/consents/status",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{status: {<type>: {action, updated_at}}}", body = crate::dto::responses::ConsentStatusBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn status(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let rows = state.accounts.consent_status(user.0.id).await?;
    let mut status = Map::new();
    for r in rows {
        status.insert(
            r.consent_type,
            json!({ "action": r.action, "updated_at": r.updated_at }),
        );
    }
    Ok(HttpResponse::Ok().json(json!({ "status": status })))
}
