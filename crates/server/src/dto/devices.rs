//! Device bodies (docs/API.md, Devices).

use chrono::{DateTime, Utc};
use pursue_domain::device::{DeviceName, FcmToken, Platform};
use pursue_ports::devices::{Device, NewDevice};
use serde::{Deserialize, Serialize};

use super::rules;

/// `POST /api/devices/register`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RegisterDeviceRequest {
    /// FCM registration token, 1–256 characters.
    #[garde(custom(|v: &String, c: &()| rules::fcm_token(v, c)))]
    #[schema(schema_with = super::schema::fcm_token)]
    pub fcm_token: String,
    /// Optional name, ≤ 128 characters.
    #[garde(inner(custom(|v: &String, c: &()| rules::device_name(v, c))))]
    #[schema(schema_with = super::schema::device_name)]
    pub device_name: Option<String>,
    /// `android`, `ios` or `web`.
    #[garde(inner(custom(|v: &String, c: &()| rules::platform(v, c))))]
    #[schema(schema_with = super::schema::platform)]
    pub platform: Option<String>,
}

impl RegisterDeviceRequest {
    /// The validated device (garde has already checked every field, so the parses
    /// cannot fail; they are still total).
    pub fn into_new_device(self) -> Result<NewDevice, crate::error::ApiError> {
        use crate::error::ApiError;
        let fcm_token =
            FcmToken::parse(&self.fcm_token).map_err(|e| ApiError::field("fcm_token", e))?;
        let device_name = self
            .device_name
            .as_deref()
            .map(DeviceName::parse)
            .transpose()
            .map_err(|e| ApiError::field("device_name", e))?
            .filter(|n| !n.as_str().is_empty());
        let platform = self
            .platform
            .as_deref()
            .map(Platform::parse)
            .transpose()
            .map_err(|e| ApiError::field("platform", e))?;
        Ok(NewDevice {
            fcm_token,
            device_name,
            platform,
        })
    }
}

/// A device in `GET /api/devices`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceBody {
    /// Id.
    pub id: String,
    /// Name.
    pub device_name: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// Last registration.
    pub last_active: DateTime<Utc>,
    /// First registration.
    pub created_at: DateTime<Utc>,
}

impl From<Device> for DeviceBody {
    fn from(d: Device) -> Self {
        Self {
            id: d.id.to_string(),
            device_name: d.device_name,
            platform: d.platform,
            last_active: d.last_active,
            created_at: d.created_at,
        }
    }
}
