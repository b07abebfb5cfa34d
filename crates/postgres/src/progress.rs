//! [`ProgressRepository`] over PostgreSQL, with race-free idempotency keys (docs/API.md,
//! Retrying progress logs); the logging statements are in `progress_log`.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use pursue_domain::decimal::Decimal2;
use pursue_domain::ids::{EntryId, GoalId, UserId};
use pursue_domain::progress::{LogTitle, Note};
use pursue_ports::error::RepoError;
use pursue_ports::goals::EntryRecord;
use pursue_ports::progress::{
    LogError, LogOutcome, LogRequest, LogRules, ProgressRepository, Refusal,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::common::TxError;
use crate::errors::{db_error, is_unique_violation, pool_error};
use crate::goals::EntryRow;
use crate::pool::PgPool;
use crate::progress_log::{read_context, stored_key};
use crate::schema::progress_entries;
use crate::subscription_store::column_exists;

/// `response_status` of a stored creation.
const CREATED: i16 = 201;

/// Progress entries in `progress_entries`, keys in `idempotency_keys`.
#[derive(Clone)]
pub struct PgProgress {
    pool: PgPool,
    /// Whether `groups.is_challenge` exists (read once per process).
    is_challenge: Arc<OnceLock<bool>>,
}

impl PgProgress {
    /// A repository over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            is_challenge: Arc::new(OnceLock::new()),
        }
    }
}

fn decode_entry(v: &Value) -> Option<EntryRecord> {
    let uuid = |k: &str| v.get(k)?.as_str().and_then(|s| Uuid::parse_str(s).ok());
    Some(EntryRecord {
        id: EntryId::from_uuid(uuid("id")?),
        goal_id: GoalId::from_uuid(uuid("goal_id")?),
        user_id: UserId::from_uuid(uuid("user_id")?),
        value: Decimal2::from_hundredths(v.get("value_hundredths")?.as_i64()?),
        note: v.get("note")?.as_str().map(|n| Note::stored(n.to_string())),
        period_start: NaiveDate::parse_from_str(v.get("period_start")?.as_str()?, "%Y-%m-%d")
            .ok()?,
        logged_at: DateTime::parse_from_rfc3339(v.get("logged_at")?.as_str()?)
            .ok()?
            .with_timezone(&Utc),
        log_title: v
            .get("log_title")
            .and_then(Value::as_str)
            .map(|t| LogTitle::stored(t.to_string())),
    })
}

/// Why logging stopped inside the transaction.
enum Stop {
    Refused(Refusal),
    Duplicate,
    KeyReused,
    Replay(EntryRecord),
    Corrupt,
}

fn corrupt<E>(_: E) -> TxError<Stop> {
    TxError::Business(Stop::Corrupt)
}

/// The transaction of [`ProgressRepository::log_progress`]: the context read, the rules,
/// then the write (or the stored response of a key used before).
async fn log_in(
    conn: &mut AsyncPgConnection,
    is_challenge: bool,
    request: &LogRequest,
    rules: &LogRules,
) -> Result<EntryRecord, TxError<Stop>> {
    let hash = request
        .key
        .as_ref()
        .map(|k| hex::encode(Sha256::digest(k.request.as_bytes())));
    let row = read_context(conn, is_challenge, request, hash.as_deref())
        .await?
        .ok_or(TxError::Business(Stop::Refused(Refusal::NotFound)))?;
    let claimed = row.claimed > 0;
    let context = row
        .into_context(request.goal_id)
        .ok_or_else(|| corrupt(()))?;
    let write = rules(&context).map_err(|r| TxError::Business(Stop::Refused(r)))?;
    if let (Some(key), Some(hash), false) = (&request.key, &hash, claimed) {
        let stored = stored_key(conn, request.user.as_uuid(), &key.key).await?;
        if &stored.request_hash != hash {
            return Err(TxError::Business(Stop::KeyReused));
        }
        return match (stored.response_status, decode_entry(&stored.response_body)) {
            (CREATED, Some(entry)) => Err(TxError::Business(Stop::Replay(entry))),
            _ => Err(corrupt(())),
        };
    }
    let key = request.key.as_ref().map(|k| k.key.as_str());
    crate::progress_log::write(conn, context.group_id, write, key)
        .await
        .map_err(|e| {
            if is_unique_violation(&e, None) {
                TxError::Business(Stop::Duplicate)
            } else {
                TxError::Db(e)
            }
        })?
        .into_record()
        .ok_or_else(|| corrupt(()))
}

#[async_trait]
impl ProgressRepository for PgProgress {
    async fn log_progress(
        &self,
        request: LogRequest,
        rules: LogRules,
    ) -> Result<LogOutcome, LogError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let is_challenge = match self.is_challenge.get() {
            Some(known) => *known,
            None => {
                let found = column_exists(&mut conn, "groups", "is_challenge")
                    .await
                    .map_err(|e| LogError::Repo(db_error(e)))?;
                *self.is_challenge.get_or_init(|| found)
            }
        };
        let result = conn
            .transaction::<_, TxError<Stop>, _>(async |conn| {
                log_in(conn, is_challenge, &request, &rules).await
            })
            .await;
        match result {
            Ok(record) => Ok(LogOutcome::Created(record)),
            Err(TxError::Business(Stop::Replay(e))) => Ok(LogOutcome::Replayed(e)),
            Err(TxError::Business(Stop::Refused(r))) => Err(LogError::Refused(r)),
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
