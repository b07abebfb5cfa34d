//! The inbox's daily trim, one runner at a time across instances (a session advisory lock).

use async_trait::async_trait;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_ports::error::RepoError;
use pursue_ports::social::InboxRetention;

use super::PgSocial;
use crate::errors::db_error;

/// Advisory lock key of the trim (`hashtext('pursue_inbox_retention')` is not stable
/// across versions, so a fixed number).
const LOCK_KEY: i64 = 0x5055_5253_5545_0001;

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

const OLD: &str = "DELETE FROM user_notifications WHERE id IN ( \
    SELECT id FROM user_notifications \
    WHERE created_at < NOW() - make_interval(days => $1::int) LIMIT $2)";

const EXCESS: &str = "DELETE FROM user_notifications WHERE id IN ( \
    SELECT id FROM ( \
      SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS rn \
      FROM user_notifications) ranked \
    WHERE rn > $1 LIMIT $2)";

async fn trim(
    conn: &mut AsyncPgConnection,
    max_age_days: i64,
    keep: i64,
    batch: i64,
) -> diesel::QueryResult<u64> {
    let mut deleted = 0u64;
    for (sql, n) in [(OLD, max_age_days), (EXCESS, keep)] {
        loop {
            let rows = diesel::sql_query(sql)
                .bind::<BigInt, _>(n)
                .bind::<BigInt, _>(batch)
                .execute(conn)
                .await?;
            deleted += rows as u64;
            if (rows as i64) < batch {
                break;
            }
        }
    }
    Ok(deleted)
}

#[async_trait]
impl InboxRetention for PgSocial {
    async fn trim_inbox(
        &self,
        max_age_days: i64,
        keep_per_user: i64,
        batch: i64,
    ) -> Result<Option<u64>, RepoError> {
        self.db
            .read(|conn| {
                Box::pin(async move {
                    let lock: Locked =
                        diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
                            .bind::<BigInt, _>(LOCK_KEY)
                            .get_result(conn)
                            .await
                            .map_err(db_error)?;
                    if !lock.locked {
                        return Ok(None);
                    }
                    let result = trim(conn, max_age_days, keep_per_user, batch.max(1)).await;
                    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1) AS locked")
                        .bind::<BigInt, _>(LOCK_KEY)
                        .get_result::<Locked>(conn)
                        .await;
                    let deleted = result.map_err(db_error)?;
                    unlocked.map_err(db_error)?;
                    Ok(Some(deleted))
                })
            })
            .await
    }
}
