//! Device registration for push notifications (docs/API.md, Devices).

use std::sync::Arc;

use pursue_domain::ids::{DeviceId, UserId};
use pursue_ports::devices::{Device, DeviceRepo, NewDevice};
use pursue_ports::error::RepoError;

/// Why a device operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// No such device, or it belongs to someone else (indistinguishable on purpose).
    #[error("device not found")]
    NotFound,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The device use cases.
#[derive(Clone)]
pub struct DeviceService {
    devices: Arc<dyn DeviceRepo>,
}

impl DeviceService {
    /// A service over `devices`.
    pub fn new(devices: Arc<dyn DeviceRepo>) -> Self {
        Self { devices }
    }

    /// Registers `device` for `caller`; a token registered before (by anyone) moves to the
    /// caller, so a phone that changes accounts stops notifying the previous one.
    ///
    /// Errors: [`DeviceError::Repo`].
    #[tracing::instrument(level = "debug", name = "devices.register", skip_all)]
    pub async fn register(&self, caller: UserId, device: NewDevice) -> Result<Device, DeviceError> {
        Ok(self.devices.register(caller, device).await?)
    }

    /// The caller's devices, most recently active first.
    ///
    /// Errors: [`DeviceError::Repo`].
    #[tracing::instrument(level = "debug", name = "devices.list", skip_all)]
    pub async fn list(&self, caller: UserId) -> Result<Vec<Device>, DeviceError> {
        Ok(self.devices.list(caller).await?)
    }

    /// Deletes one of the caller's devices.
    ///
    /// Errors: [`DeviceError::NotFound`] when the caller has no such device,
    /// [`DeviceError::Repo`].
    #[tracing::instrument(level = "debug", name = "devices.delete", skip_all)]
    pub async fn delete(&self, caller: UserId, id: DeviceId) -> Result<(), DeviceError> {
        if self.devices.delete(caller, id).await? {
            Ok(())
        } else {
            Err(DeviceError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use mockall::predicate::eq;
    use pursue_domain::device::{DeviceName, FcmToken, Platform};
    use pursue_ports::devices::MockDeviceRepo;
    use uuid::Uuid;

    fn device() -> Device {
        Device {
            id: DeviceId::from_uuid(Uuid::new_v4()),
            device_name: Some("Pixel".into()),
            platform: Some("android".into()),
            last_active: Utc::now(),
            created_at: Utc::now(),
        }
    }

    #[tokio::test]
    async fn register_passes_the_device_through() {
        let caller = UserId::from_uuid(Uuid::new_v4());
        let stored = device();
        let returned = stored.clone();
        let new = NewDevice {
            fcm_token: FcmToken::parse("tok").unwrap(),
            device_name: Some(DeviceName::parse("Pixel").unwrap()),
            platform: Some(Platform::Android),
        };
        let mut repo = MockDeviceRepo::new();
        repo.expect_register()
            .with(eq(caller), eq(new.clone()))
            .times(1)
            .returning(move |_, _| Ok(returned.clone()));
        let got = DeviceService::new(Arc::new(repo))
            .register(caller, new)
            .await
            .unwrap();
        assert_eq!(got, stored);
    }

    #[tokio::test]
    async fn deleting_someone_elses_or_a_missing_device_is_not_found() {
        let caller = UserId::from_uuid(Uuid::new_v4());
        let id = DeviceId::from_uuid(Uuid::new_v4());
        let mut repo = MockDeviceRepo::new();
        repo.expect_delete()
            .with(eq(caller), eq(id))
            .times(1)
            .returning(|_, _| Ok(false));
        let err = DeviceService::new(Arc::new(repo))
            .delete(caller, id)
            .await
            .unwrap_err();
        assert!(matches!(err, DeviceError::NotFound));
    }

    #[tokio::test]
    async fn deleting_an_own_device_succeeds_and_failures_propagate() {
        let caller = UserId::from_uuid(Uuid::new_v4());
        let mut repo = MockDeviceRepo::new();
        repo.expect_delete().times(1).returning(|_, _| Ok(true));
        repo.expect_list()
            .times(1)
            .returning(|_| Err(RepoError::Unavailable(anyhow::anyhow!("down"))));
        let service = DeviceService::new(Arc::new(repo));
        service
            .delete(caller, DeviceId::from_uuid(Uuid::new_v4()))
            .await
            .unwrap();
        assert!(matches!(
            service.list(caller).await.unwrap_err(),
            DeviceError::Repo(RepoError::Unavailable(_))
        ));
    }
}
