//! Registered phones (docs/API.md, Devices) and the bookkeeping of push fan-out (docs/PUSH.md,
//! decision D6).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::device::{DeviceName, FcmToken, Platform};
use pursue_domain::ids::{DeviceId, UserId};
use uuid::Uuid;

use crate::error::RepoError;

/// A device as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Row id.
    pub id: DeviceId,
    /// Free-form name the app sends (`Pixel 8`).
    pub device_name: Option<String>,
    /// `android`, `ios` or `web`.
    pub platform: Option<String>,
    /// Last registration (the app re-registers on start).
    pub last_active: DateTime<Utc>,
    /// First registration.
    pub created_at: DateTime<Utc>,
}

/// What `POST /api/devices/register` stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// The FCM registration token (unique across all users).
    pub fcm_token: FcmToken,
    /// Optional name.
    pub device_name: Option<DeviceName>,
    /// Optional platform.
    pub platform: Option<Platform>,
}

/// The devices table as the device endpoints use it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait DeviceRepo: Send + Sync {
    /// Inserts the device, or — when the token is already registered by anyone — moves it
    /// to `owner`, overwrites name and platform and touches `last_active`.
    ///
    /// Errors: [`RepoError`].
    async fn register(&self, owner: UserId, device: NewDevice) -> Result<Device, RepoError>;

    /// The devices of `owner`, most recently active first.
    ///
    /// Errors: [`RepoError`].
    async fn list(&self, owner: UserId) -> Result<Vec<Device>, RepoError>;

    /// Deletes device `id` if `owner` owns it; `false` when there was no such device of
    /// theirs.
    ///
    /// Errors: [`RepoError`].
    async fn delete(&self, owner: UserId, id: DeviceId) -> Result<bool, RepoError>;
}

/// One device a push event still has to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The device row.
    pub device_id: DeviceId,
    /// Its owner.
    pub user_id: Uuid,
    /// Its FCM registration token.
    pub fcm_token: String,
}

/// What became of one (event, device) message; recorded so a retried event never sends
/// the same message twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// FCM accepted it.
    Sent {
        /// FCM's message name.
        message_id: String,
    },
    /// Push is not configured: written to the log.
    Logged,
    /// FCM refused it for good (reason kept); the device stays.
    Rejected {
        /// FCM's explanation.
        reason: String,
    },
    /// The token was unregistered or invalid; the device was deleted.
    InvalidToken,
}

impl PushOutcome {
    /// The `outcome` column value.
    pub fn as_str(&self) -> &'static str {
        match self {
            PushOutcome::Sent { .. } => "sent",
            PushOutcome::Logged => "logged",
            PushOutcome::Rejected { .. } => "rejected",
            PushOutcome::InvalidToken => "invalid_token",
        }
    }
}

/// Fan-out bookkeeping of push events (the `push_deliveries` table).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PushLedger: Send + Sync {
    /// The current devices of `recipients` that have no recorded outcome for `event`
    /// yet (active accounts only).
    ///
    /// Errors: [`RepoError`].
    async fn pending_targets(
        &self,
        event: Uuid,
        recipients: Vec<Uuid>,
    ) -> Result<Vec<PushTarget>, RepoError>;

    /// Records the outcome of `event` for `target`; recording twice keeps the first.
    ///
    /// Errors: [`RepoError`].
    async fn record(
        &self,
        event: Uuid,
        target: PushTarget,
        outcome: PushOutcome,
    ) -> Result<(), RepoError>;

    /// Deletes the device holding `fcm_token` (FCM said it is no longer valid).
    ///
    /// Errors: [`RepoError`].
    async fn forget_token(&self, fcm_token: String) -> Result<(), RepoError>;

    /// Deletes outcomes recorded before `before`; returns how many.
    ///
    /// Errors: [`RepoError`].
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}
