//! Device bodies (docs/API.md, Devices).

use chrono::{DateTime, Utc};
use pursue_domain::device::{DeviceName, FcmToken, Platform};
use pursue_ports::devices::{Device, NewDevice};
use serde::{Deserialize, Serialize};

/// `POST /api/devices/register`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RegisterDeviceRequest {
    /// FCM registration token, 1–256 characters.
    #[garde(skip)]
    #[schema(schema_with = super::schema::fcm_token)]
    pub fcm_token: String,
    /// Optional name, ≤ 128 characters.
    #[garde(skip)]
    #[schema(schema_with = super::schema::device_name)]
    pub device_name: Option<String>,
    /// `android`, `ios` or `web`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::platform)]
    pub platform: Option<String>,
}

impl TryFrom<RegisterDeviceRequest> for NewDevice {
    type Error = crate::error::ApiError;

    /// The validated device; every bad field is one detail of the `400`.
    fn try_from(r: RegisterDeviceRequest) -> Result<Self, Self::Error> {
        let mut f = super::fields::Fields::default();
        let fcm_token = f.check("fcm_token", FcmToken::parse(&r.fcm_token));
        let device_name = f
            .optional("device_name", r.device_name.as_deref(), DeviceName::parse)
            .map(|name| name.filter(|n| !n.as_str().is_empty()));
        let platform = f.optional("platform", r.platform.as_deref(), Platform::parse);
        let device = match (fcm_token, device_name, platform) {
            (Some(fcm_token), Some(device_name), Some(platform)) => Some(NewDevice {
                fcm_token,
                device_name,
                platform,
            }),
            _ => None,
        };
        f.finish(device)
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
