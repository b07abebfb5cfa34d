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

use crate::db::Db;
use crate::errors::db_error;
use crate::pool::PgPool;
use crate::schema::{devices, push_deliveries, users};

/// Devices and the push fan-out ledger.
#[derive(Clone)]
pub struct PgDevices {
    db: Db,
}

impl PgDevices {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
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
        self.db
            .read(|conn| {
                Box::pin(async move {
                    // One statement: concurrent registrations of the same token cannot both insert.
                    diesel::insert_into(devices::table)
                        .values((
                            devices::user_id.eq(owner.as_uuid()),
                            devices::fcm_token.eq(device.fcm_token.as_str()),
                            devices::device_name
                                .eq(device.device_name.as_ref().map(|n| n.as_str())),
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
                        .get_result(conn)
                        .await
                        .map(Device::from)
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn list(&self, owner: UserId) -> Result<Vec<Device>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    devices::table
                        .filter(devices::user_id.eq(owner.as_uuid()))
                        .order((devices::last_active.desc(), devices::created_at.desc()))
                        .select(DeviceRow::as_select())
                        .load(conn)
                        .await
                        .map(|rows| rows.into_iter().map(Device::from).collect())
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn delete(&self, owner: UserId, id: DeviceId) -> Result<bool, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::delete(
                        devices::table
                            .filter(devices::id.eq(id.as_uuid()))
                            .filter(devices::user_id.eq(owner.as_uuid())),
                    )
                    .execute(conn)
                    .await
                    .map(|n| n > 0)
                    .map_err(db_error)
                })
            })
            .await
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
        self.db
            .read(|conn| {
                Box::pin(async move {
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
                        .load(conn)
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
                })
            })
            .await
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
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::insert_into(push_deliveries::table)
                        .values((
                            push_deliveries::event_id.eq(event),
                            push_deliveries::fcm_token.eq(&target.fcm_token),
                            push_deliveries::user_id.eq(target.user_id),
                            push_deliveries::outcome.eq(outcome.as_str()),
                            push_deliveries::detail.eq(detail),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await
                        .map(drop)
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn forget_token(&self, fcm_token: String) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::delete(devices::table.filter(devices::fcm_token.eq(&fcm_token)))
                        .execute(conn)
                        .await
                        .map(drop)
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::delete(
                        push_deliveries::table.filter(push_deliveries::created_at.lt(before)),
                    )
                    .execute(conn)
                    .await
                    .map(|n| n as u64)
                    .map_err(db_error)
                })
            })
            .await
    }
}
