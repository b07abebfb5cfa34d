//! Failure shared by every repository.

/// A repository call failed for a reason that is not a business outcome.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The database could not be reached in time (pool exhausted, server down): retryable,
    /// surfaces as 503.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or corrupt data, surfaces as 500.
    #[error("database error: {0}")]
    Unexpected(#[source] anyhow::Error),
    /// A write's [`crate::groups::WriteGuard`], checked again inside the write's
    /// transaction, refused: the caller's membership changed after the use case checked it.
    /// Surfaces as the same 403 as the use case's own check.
    #[error("refused: {0}")]
    Denied(pursue_domain::role::Denied),
}
