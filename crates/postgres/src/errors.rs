//! Translation of pool and driver failures into port errors (the only place that knows
//! diesel's and deadpool's error types).

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use pursue_ports::error::RepoError;

/// Pool failures: timeouts and refused connections are "unavailable" (503).
pub fn pool_error(e: PoolError) -> RepoError {
    RepoError::Unavailable(anyhow::anyhow!("connection pool: {e}"))
}

/// Driver failures: a dropped connection is "unavailable"; everything else unexpected.
pub fn db_error(e: DieselError) -> RepoError {
    match &e {
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
        | DieselError::BrokenTransactionManager => RepoError::Unavailable(anyhow::anyhow!(e)),
        _ => RepoError::Unexpected(anyhow::anyhow!(e)),
    }
}

/// Whether `e` is a unique-constraint violation on `constraint` (any constraint when
/// `None`).
pub fn is_unique_violation(e: &DieselError, constraint: Option<&str>) -> bool {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            constraint.is_none_or(|c| info.constraint_name() == Some(c))
        }
        _ => false,
    }
}

/// The message of a trigger-raised exception (e.g. `USER_GROUP_LIMIT_EXCEEDED: …`).
pub fn raised_message(e: &DieselError) -> Option<&str> {
    match e {
        DieselError::DatabaseError(_, info) => Some(info.message()),
        _ => None,
    }
}
