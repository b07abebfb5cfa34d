//! `GET /api/devices` → 200 `{devices: [...]}`, most recently active first.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::devices::DeviceBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's devices.
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
