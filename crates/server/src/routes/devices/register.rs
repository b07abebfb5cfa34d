//! `POST /api/devices/register` → 200 `{id, device_name, platform}`.

use actix_web::{HttpResponse, web};
use pursue_ports::devices::NewDevice;
use serde_json::json;

use crate::dto::devices::RegisterDeviceRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Registers (or re-assigns) the caller's device token.
#[utoipa::path(
    post,
    path = "/api/devices/register",
    tag = "devices",
    request_body = RegisterDeviceRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::RegisteredDeviceBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn register(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<RegisterDeviceRequest>,
) -> Result<HttpResponse, ApiError> {
    let device = state
        .devices
        .register(user.0.id, NewDevice::try_from(body.0)?)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "id": device.id.to_string(),
        "device_name": device.device_name,
        "platform": device.platform,
    })))
}
