//! The right-of-access export: everything stored about one user as one JSON document.

use async_trait::async_trait;
use pursue_domain::ids::UserId;

use crate::error::RepoError;

/// Reads a user's data for `GET /api/users/me/data` (docs/API.md, Data export).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait DataExport: Send + Sync {
    /// The user's data as one consistent snapshot: an object with the keys of the export
    /// (except `subscription`, which the use case adds); sections of features whose table
    /// does not exist are empty arrays. `None` when the user is not active.
    ///
    /// Errors: [`RepoError`].
    async fn export(&self, user: UserId) -> Result<Option<serde_json::Value>, RepoError>;
}
