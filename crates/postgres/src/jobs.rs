//! One runner at a time across instances: a PostgreSQL session advisory lock held on a
//! dedicated pooled connection while a periodic job runs (no transaction stays open, so
//! the job may call the network). A crashed holder's connection closes and frees the lock.

use std::future::Future;

use diesel::sql_types::{BigInt, Bool};
use diesel_async::RunQueryDsl;
use pursue_ports::error::RepoError;

use crate::errors::{db_error, pool_error};
use crate::pool::PgPool;

/// Advisory-lock key of the hourly purchase re-verification.
pub const REVERIFY_PURCHASES: i64 = 0x7075_7273_7565_0001;

/// Advisory-lock key of the daily downgrade job.
pub const DOWNGRADE_OVERDUE: i64 = 0x7075_7273_7565_0002;

#[derive(diesel::QueryableByName)]
struct Got {
    #[diesel(sql_type = Bool)]
    got: bool,
}

/// Runs `job` if no other session holds lock `key`; `None` when another runner has it.
///
/// Errors: [`RepoError`] when the lock cannot be taken or released.
pub async fn run_exclusive<T, F>(pool: &PgPool, key: i64, job: F) -> Result<Option<T>, RepoError>
where
    F: Future<Output = T>,
{
    let mut conn = pool.get().await.map_err(pool_error)?;
    let got: Got = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS got")
        .bind::<BigInt, _>(key)
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
    if !got.got {
        return Ok(None);
    }
    let out = job.await;
    diesel::sql_query("SELECT pg_advisory_unlock($1) AS got")
        .bind::<BigInt, _>(key)
        .get_result::<Got>(&mut conn)
        .await
        .map_err(db_error)?;
    Ok(Some(out))
}
