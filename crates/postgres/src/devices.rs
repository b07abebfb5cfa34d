//! [`DeviceRepo`] and [`PushLedger`] over the `devices` and `push_deliveries` tables.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use pursue_domain::ids::{DeviceId, UserId};
use pursue_ports::devices::{Device, DeviceRepo, NewDevice, PushLedger, PushOutcome, PushTarget};
use pursue_ports::error::RepoError;
use uuid::Uuid;

use crate::errors::{db_error, pool_error};
use crate::pool::PgPool;
use crate::schema::{devices, push_deliveries, users};

/// Devices and the push fan-out ledger.
#[derive(Clone)]
pub struct PgDevices {
    pool: PgPool,
}

impl PgDevices {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = devices)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct DeviceRow {
    id: Uuid,
    device_name: Option<String>,
    platform: Option<String>,
    last_active: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl From<DeviceRow> for Device {
    fn from(r: DeviceRow) -> Self {
        Device {
            id: DeviceId::from_uuid(r.id),
            device_name: r.device_name,
            platform: r.platform,
            last_active: r.last_active,
            created_at: r.created_at,
        }
    }
}

#[async_trait]
impl DeviceRepo for PgDevices {
    async fn register(&self, owner: UserId, device: NewDevice) -> Result<Device, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        // One statement: concurrent registrations of the same token cannot both insert.
        diesel::insert_into(devices::table)
            .values((
                devices::user_id.eq(owner.as_uuid()),
                devices::fcm_token.eq(device.fcm_token.as_str()),
                devices::device_name.eq(device.device_name.as_ref().map(|n| n.as_str())),
                devices::platform.eq(device.platform.map(|p| p.as_str())),
            ))
            .on_conflict(devices::fcm_token)
            .do_update()
            .set((
                devices::user_id.eq(excluded(devices::user_id)),
                devices::device_name.eq(excluded(devices::device_name)),
                devices::platform.eq(excluded(devices::platform)),
                devices::last_active.eq(diesel::dsl::now),
            ))
            .returning(DeviceRow::as_returning())
            .get_result(&mut conn)
            .await
            .map(Device::from)
            .map_err(db_error)
    }

    async fn list(&self, owner: UserId) -> Result<Vec<Device>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        devices::table
            .filter(devices::user_id.eq(owner.as_uuid()))
            .order((devices::last_active.desc(), devices::created_at.desc()))
            .select(DeviceRow::as_select())
            .load(&mut conn)
            .await
            .map(|rows| rows.into_iter().map(Device::from).collect())
            .map_err(db_error)
    }

    async fn delete(&self, owner: UserId, id: DeviceId) -> Result<bool, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::delete(
            devices::table
                .filter(devices::id.eq(id.as_uuid()))
                .filter(devices::user_id.eq(owner.as_uuid())),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(db_error)
    }
}

#[async_trait]
impl PushLedger for PgDevices {
    async fn pending_targets(
        &self,
        event: Uuid,
        recipients: Vec<Uuid>,
    ) -> Result<Vec<PushTarget>, RepoError> {
        if recipients.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let done = push_deliveries::table
            .filter(push_deliveries::event_id.eq(event))
            .select(push_deliveries::fcm_token);
        let rows: Vec<(Uuid, Uuid, String)> = devices::table
            .inner_join(users::table)
            .filter(devices::user_id.eq_any(&recipients))
            .filter(users::deleted_at.is_null())
            .filter(devices::fcm_token.ne_all(done))
            .order((devices::user_id, devices::created_at))
            .select((devices::id, devices::user_id, devices::fcm_token))
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, fcm_token)| PushTarget {
                device_id: DeviceId::from_uuid(id),
                user_id,
                fcm_token,
            })
            .collect())
    }

    async fn record(
        &self,
        event: Uuid,
        target: PushTarget,
        outcome: PushOutcome,
    ) -> Result<(), RepoError> {
        let detail = match &outcome {
            PushOutcome::Sent { message_id } => Some(message_id.clone()),
            PushOutcome::Rejected { reason } => Some(reason.chars().take(2000).collect()),
            PushOutcome::Logged | PushOutcome::InvalidToken => None,
        };
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::insert_into(push_deliveries::table)
            .values((
                push_deliveries::event_id.eq(event),
                push_deliveries::fcm_token.eq(&target.fcm_token),
                push_deliveries::user_id.eq(target.user_id),
                push_deliveries::outcome.eq(outcome.as_str()),
                push_deliveries::detail.eq(detail),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await
            .map(drop)
            .map_err(db_error)
    }

    async fn forget_token(&self, fcm_token: String) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::delete(devices::table.filter(devices::fcm_token.eq(&fcm_token)))
            .execute(&mut conn)
            .await
            .map(drop)
            .map_err(db_error)
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::delete(push_deliveries::table.filter(push_deliveries::created_at.lt(before)))
            .execute(&mut conn)
            .await
            .map(|n| n as u64)
            .map_err(db_error)
    }
}
