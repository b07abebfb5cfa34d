//! `GET /api/devices` → 200 `{devices: [...]}`, most recently active first.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::devices::DeviceBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's devices.
#[utoipa::path(
    get,
    path = "/api/devices",
    tag = "devices",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::DeviceListBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn list(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let devices: Vec<DeviceBody> = state
        .devices
        .list(user.0.id)
        .await?
        .into_iter()
        .map(DeviceBody::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "devices": devices })))
}
