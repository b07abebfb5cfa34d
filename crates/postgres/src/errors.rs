//! Translation of pool and driver failures into port errors (the only place that knows
//! diesel's and deadpool's error types).

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use pursue_ports::error::RepoError;

/// Pool failures: timeouts and refused connections are "unavailable" (503).
pub fn pool_error(e: PoolError) -> RepoError {
    RepoError::Unavailable(anyhow::anyhow!("connection pool: {e}"))
}

/// Driver failures: a dropped connection, a server shutting down or starting up, and a
/// statement cancelled by `statement_timeout` are "unavailable" (503); everything else
/// unexpected.
pub fn db_error(e: DieselError) -> RepoError {
    if is_unavailable(&e) {
        RepoError::Unavailable(anyhow::anyhow!(e))
    } else {
        RepoError::Unexpected(anyhow::anyhow!(e))
    }
}

/// Server messages (stable across versions) of the errors that mean "try again later":
/// admin/crash shutdown (57P01–57P03), statement timeout and cancel (57014), and a
/// transaction chosen as the victim of a deadlock (40P01: two writes waiting on each
/// other's row locks; the other one went through, and a retry sees its outcome).
const UNAVAILABLE_MESSAGES: &[&str] = &[
    "deadlock detected",
    "terminating connection",
    "the database system is",
    "canceling statement due to statement timeout",
    "canceling statement due to user request",
    "connection closed",
    "connection reset",
    "server closed the connection",
];

fn is_unavailable(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::SerializationFailure,
            _,
        )
        | DieselError::BrokenTransactionManager => true,
        DieselError::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            UNAVAILABLE_MESSAGES.iter().any(|m| message.contains(m))
        }
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn db(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn dropped_connections_and_timeouts_are_unavailable() {
        for e in [
            db(DatabaseErrorKind::UnableToSendCommand, "connection closed"),
            db(DatabaseErrorKind::ClosedConnection, "closed"),
            db(
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "canceling statement due to statement timeout",
            ),
            db(
                DatabaseErrorKind::Unknown,
                "the database system is shutting down",
            ),
            DieselError::BrokenTransactionManager,
        ] {
            assert!(matches!(db_error(e), RepoError::Unavailable(_)));
        }
        let other = db(DatabaseErrorKind::Unknown, "syntax error at or near");
        assert!(matches!(db_error(other), RepoError::Unexpected(_)));
        assert!(matches!(
            db_error(DieselError::NotFound),
            RepoError::Unexpected(_)
        ));
    }
}
