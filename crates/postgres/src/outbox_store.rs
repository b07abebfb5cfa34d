//! [`OutboxStore`] over the `outbox` table: the worker's side of decision D6.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::RunQueryDsl;
use pursue_ports::error::RepoError;
use pursue_ports::outbox::{ClaimedMessage, OutboxStore, OutboxTopic};
use serde_json::Value;
use uuid::Uuid;

use crate::db::Db;
use crate::errors::db_error;
use crate::outbox::decode;
use crate::pool::PgPool;
use crate::schema::outbox;

/// The outbox table.
#[derive(Clone)]
pub struct PgOutbox {
    db: Db,
}

impl PgOutbox {
    /// A store over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { db: Db::new(pool) }
    }

    /// Pending rows and the creation time of the oldest, for the backlog metrics.
    ///
    /// Errors: [`RepoError`].
    pub async fn backlog(&self) -> Result<(i64, Option<DateTime<Utc>>), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    outbox::table
                        .filter(outbox::status.eq("pending"))
                        .select((
                            diesel::dsl::count_star(),
                            diesel::dsl::min(outbox::created_at),
                        ))
                        .first::<(i64, Option<DateTime<Utc>>)>(conn)
                        .await
                        .map_err(db_error)
                })
            })
            .await
    }

    /// Deletes up to `limit` delivered rows processed before `before`; returns how many.
    /// Pending and failed rows are never touched. One bounded statement, so a large table
    /// is worked off over several calls instead of in one long transaction.
    ///
    /// Errors: [`RepoError`].
    pub async fn prune_delivered(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::sql_query(
                        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox \
                         WHERE status = 'done' AND processed_at < $1 LIMIT $2)",
                    )
                    .bind::<diesel::sql_types::Timestamptz, _>(before)
                    .bind::<diesel::sql_types::BigInt, _>(limit)
                    .execute(conn)
                    .await
                    .map(|n| n as u64)
                    .map_err(db_error)
                })
            })
            .await
    }
}

fn parse_topic(topic: &str) -> Option<OutboxTopic> {
    match topic {
        "email" => Some(OutboxTopic::Email),
        "push" => Some(OutboxTopic::Push),
        "milestone" => Some(OutboxTopic::Milestone),
        _ => None,
    }
}

/// Longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 2000;

fn clip(error: String) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

#[async_trait]
impl OutboxStore for PgOutbox {
    async fn claim(
        &self,
        topics: Vec<OutboxTopic>,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<ClaimedMessage>, RepoError> {
        let names: Vec<&'static str> = topics.iter().map(|t| t.as_str()).collect();
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(2));
        let rows: Vec<(Uuid, String, Value, i32)> = self
            .db
            .write::<_, DieselError, _>(|conn| {
                Box::pin(async move {
                    let due: Vec<(Uuid, String, Value, i32)> = outbox::table
                        .filter(outbox::status.eq("pending"))
                        .filter(outbox::topic.eq_any(names))
                        .filter(outbox::available_at.le(diesel::dsl::now))
                        .order(outbox::available_at.asc())
                        .select((outbox::id, outbox::topic, outbox::payload, outbox::attempts))
                        .limit(limit)
                        .for_update()
                        .skip_locked()
                        .load(conn)
                        .await?;
                    let ids: Vec<Uuid> = due.iter().map(|r| r.0).collect();
                    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                        .set((
                            outbox::attempts.eq(outbox::attempts + 1),
                            outbox::available_at.eq(Utc::now() + lease),
                        ))
                        .execute(conn)
                        .await?;
                    Ok(due)
                })
            })
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, topic, payload, attempts)| {
                let topic_kind = parse_topic(&topic)?;
                Some(ClaimedMessage {
                    id,
                    topic: topic_kind,
                    attempts: attempts + 1,
                    message: decode(&topic, &payload)
                        .ok_or_else(|| format!("malformed {topic} payload")),
                })
            })
            .collect())
    }

    async fn complete(&self, ids: Vec<Uuid>) -> Result<(), RepoError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                        .set((
                            outbox::status.eq("done"),
                            outbox::processed_at.eq(diesel::dsl::now),
                            outbox::last_error.eq(None::<String>),
                        ))
                        .execute(conn)
                        .await
                        .map(drop)
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn retry_at(&self, id: Uuid, at: DateTime<Utc>, error: String) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::update(outbox::table.find(id))
                        .set((
                            outbox::available_at.eq(at),
                            outbox::last_error.eq(clip(error)),
                        ))
                        .execute(conn)
                        .await
                        .map(drop)
                        .map_err(db_error)
                })
            })
            .await
    }

    async fn fail(&self, id: Uuid, error: String) -> Result<(), RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    diesel::update(outbox::table.find(id))
                        .set((
                            outbox::status.eq("failed"),
                            outbox::processed_at.eq(diesel::dsl::now),
                            outbox::last_error.eq(clip(error)),
                        ))
                        .execute(conn)
                        .await
                        .map(drop)
                        .map_err(db_error)
                })
            })
            .await
    }
}
