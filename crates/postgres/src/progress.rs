//! [`ProgressRepository`] over PostgreSQL, with race-free idempotency keys (D3).

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use pursue_domain::decimal::Decimal2;
use pursue_domain::ids::{EntryId, GoalId, UserId};
use pursue_ports::activity::NewActivity;
use pursue_ports::error::RepoError;
use pursue_ports::goals::EntryRecord;
use pursue_ports::outbox::PushEvent;
use pursue_ports::progress::{IdempotencyKey, LogError, LogOutcome, NewEntry, ProgressRepository};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::common::{TxError, enqueue_push, from_decimal, insert_activity};
use crate::errors::{db_error, is_unique_violation, pool_error};
use crate::goals::EntryRow;
use crate::pool::PgPool;
use crate::schema::{goals, idempotency_keys, progress_entries, users};

/// How long a stored response is replayed.
const KEY_TTL_HOURS: i64 = 24;
/// `response_status` of a key claimed by a transaction that has not finished.
const PENDING: i16 = 0;
/// `response_status` of a stored creation.
const CREATED: i16 = 201;

/// Progress entries in `progress_entries`, keys in `idempotency_keys`.
#[derive(Clone)]
pub struct PgProgress {
    pool: PgPool,
}

impl PgProgress {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

fn encode_entry(e: &EntryRecord) -> Value {
    json!({
        "id": e.id.as_uuid(),
        "goal_id": e.goal_id.as_uuid(),
        "user_id": e.user_id.as_uuid(),
        "value_hundredths": e.value.hundredths(),
        "note": e.note,
        "period_start": e.period_start.format("%Y-%m-%d").to_string(),
        "logged_at": e.logged_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "log_title": e.log_title,
    })
}

fn decode_entry(v: &Value) -> Option<EntryRecord> {
    let uuid = |k: &str| v.get(k)?.as_str().and_then(|s| Uuid::parse_str(s).ok());
    Some(EntryRecord {
        id: EntryId::from_uuid(uuid("id")?),
        goal_id: GoalId::from_uuid(uuid("goal_id")?),
        user_id: UserId::from_uuid(uuid("user_id")?),
        value: Decimal2::from_hundredths(v.get("value_hundredths")?.as_i64()?),
        note: v.get("note")?.as_str().map(str::to_string),
        period_start: NaiveDate::parse_from_str(v.get("period_start")?.as_str()?, "%Y-%m-%d")
            .ok()?,
        logged_at: DateTime::parse_from_rfc3339(v.get("logged_at")?.as_str()?)
            .ok()?
            .with_timezone(&Utc),
        log_title: v
            .get("log_title")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// Why logging stopped inside the transaction.
enum Stop {
    Duplicate,
    KeyReused,
    Replay(EntryRecord),
    Corrupt,
}

/// Claims `key` for `user`: `Ok(())` when this transaction owns it now; otherwise the
/// stored outcome. A concurrent claim blocks on the primary key until the owner ends.
async fn claim_key(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &str,
) -> Result<(), TxError<Stop>> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user),
            idempotency_keys::idempotency_key.eq(&key.key),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::response_status.eq(PENDING),
            idempotency_keys::response_body.eq(json!({})),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(());
    }
    let (stored_hash, status, body, created): (String, i16, Value, DateTime<Utc>) =
        idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user))
            .filter(idempotency_keys::idempotency_key.eq(&key.key))
            .select((
                idempotency_keys::request_hash,
                idempotency_keys::response_status,
                idempotency_keys::response_body,
                idempotency_keys::created_at,
            ))
            .for_update()
            .first(conn)
            .await?;
    if created < Utc::now() - Duration::hours(KEY_TTL_HOURS) {
        diesel::update(
            idempotency_keys::table
                .filter(idempotency_keys::user_id.eq(user))
                .filter(idempotency_keys::idempotency_key.eq(&key.key)),
        )
        .set((
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::response_status.eq(PENDING),
            idempotency_keys::response_body.eq(json!({})),
            idempotency_keys::created_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
        return Ok(());
    }
    if stored_hash != hash {
        return Err(TxError::Business(Stop::KeyReused));
    }
    match (status, decode_entry(&body)) {
        (CREATED, Some(entry)) => Err(TxError::Business(Stop::Replay(entry))),
        _ => Err(TxError::Business(Stop::Corrupt)),
    }
}

#[async_trait]
impl ProgressRepository for PgProgress {
    async fn log_progress(
        &self,
        entry: NewEntry,
        key: Option<IdempotencyKey>,
        activity: NewActivity,
        push: PushEvent,
    ) -> Result<LogOutcome, LogError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let result = conn
            .transaction::<_, TxError<Stop>, _>(async move |conn| {
                let user = entry.user_id.as_uuid();
                let hash = key
                    .as_ref()
                    .map(|k| hex::encode(Sha256::digest(k.request.as_bytes())));
                if let (Some(key), Some(hash)) = (&key, &hash) {
                    claim_key(conn, user, key, hash).await?;
                }
                let row: EntryRow = diesel::insert_into(progress_entries::table)
                    .values((
                        progress_entries::id.eq(entry.id.as_uuid()),
                        progress_entries::goal_id.eq(entry.goal_id.as_uuid()),
                        progress_entries::user_id.eq(user),
                        progress_entries::value.eq(from_decimal(entry.value)),
                        progress_entries::note.eq(entry.note.as_deref()),
                        progress_entries::period_start.eq(entry.user_date),
                        progress_entries::user_timezone.eq(Some(&entry.user_timezone)),
                        progress_entries::binary_log_date
                            .eq(entry.one_per_day.then_some(entry.user_date)),
                        progress_entries::log_title.eq(entry.log_title.as_deref()),
                    ))
                    .returning(EntryRow::as_returning())
                    .get_result(conn)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e, None) {
                            TxError::Business(Stop::Duplicate)
                        } else {
                            TxError::Db(e)
                        }
                    })?;
                let record = row
                    .into_record()
                    .map_err(|_| TxError::Business(Stop::Corrupt))?;
                let group: Uuid = goals::table
                    .filter(goals::id.eq(entry.goal_id.as_uuid()))
                    .select(goals::group_id)
                    .first(conn)
                    .await?;
                diesel::update(
                    users::table
                        .filter(users::id.eq(user))
                        .filter(users::timezone.is_distinct_from(&entry.user_timezone)),
                )
                .set(users::timezone.eq(&entry.user_timezone))
                .execute(conn)
                .await?;
                insert_activity(conn, group, &activity).await?;
                enqueue_push(conn, group, user, push).await?;
                crate::social::pulse_if_first(
                    conn,
                    group,
                    user,
                    record.id.as_uuid(),
                    entry.user_date,
                )
                .await?;
                // Milestones are detected by the worker after commit (docs/PUSH.md).
                if entry.value.hundredths() > 0 {
                    crate::outbox::enqueue(
                        conn,
                        &[pursue_ports::outbox::OutboxMessage::Milestone(
                            pursue_ports::outbox::MilestoneCheck {
                                entry_id: record.id.as_uuid(),
                            },
                        )],
                    )
                    .await?;
                }
                if let Some(key) = &key {
                    diesel::update(
                        idempotency_keys::table
                            .filter(idempotency_keys::user_id.eq(user))
                            .filter(idempotency_keys::idempotency_key.eq(&key.key)),
                    )
                    .set((
                        idempotency_keys::response_status.eq(CREATED),
                        idempotency_keys::response_body.eq(encode_entry(&record)),
                    ))
                    .execute(conn)
                    .await?;
                }
                Ok(record)
            })
            .await;
        match result {
            Ok(record) => Ok(LogOutcome::Created(record)),
            Err(TxError::Business(Stop::Replay(e))) => Ok(LogOutcome::Replayed(e)),
            Err(TxError::Business(Stop::Duplicate)) => Err(LogError::Duplicate),
            Err(TxError::Business(Stop::KeyReused)) => Err(LogError::KeyReused),
            Err(TxError::Business(Stop::Corrupt)) => Err(LogError::Repo(RepoError::Unexpected(
                anyhow::anyhow!("stored progress data could not be read"),
            ))),
            Err(TxError::Db(e)) if is_unique_violation(&e, None) => Err(LogError::Duplicate),
            Err(TxError::Db(e)) => Err(LogError::Repo(db_error(e))),
        }
    }

    async fn find_entry(&self, id: EntryId) -> Result<Option<EntryRecord>, RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        progress_entries::table
            .filter(progress_entries::id.eq(id.as_uuid()))
            .select(EntryRow::as_select())
            .first::<EntryRow>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?
            .map(EntryRow::into_record)
            .transpose()
    }

    async fn delete_entry(&self, id: EntryId) -> Result<(), RepoError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        diesel::delete(progress_entries::table.filter(progress_entries::id.eq(id.as_uuid())))
            .execute(&mut conn)
            .await
            .map(drop)
            .map_err(db_error)
    }
}
