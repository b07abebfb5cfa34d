//! Health probing of the backing services.

use async_trait::async_trait;

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The service did not answer within the probe's time limit.
    #[error("the probe timed out")]
    Timeout,
    /// The service answered with an error or could not be reached.
    #[error("the service is unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
}

/// Checks that the database answers queries.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait DatabaseProbe: Send + Sync {
    /// Runs a cheap query against the schema.
    ///
    /// Errors: [`ProbeError::Timeout`] past the adapter's time limit,
    /// [`ProbeError::Unavailable`] when the database cannot answer.
    async fn ping(&self) -> Result<(), ProbeError>;
}
