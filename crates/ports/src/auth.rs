//! Credentials: password hashing and signed tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A cryptographic primitive failed (never a wrong password).
#[derive(Debug, thiserror::Error)]
#[error("credential operation failed: {0}")]
pub struct CryptoError(#[source] pub anyhow::Error);

/// Password hashing is saturated (its queue is full or the wait ran out): the caller should
/// answer "busy, retry later" rather than fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is saturated; retry in {retry_after_secs} s")]
pub struct HasherBusy {
    /// Seconds after which a retry is likely to get through.
    pub retry_after_secs: u64,
}

impl CryptoError {
    /// The error for a saturated hasher.
    pub fn busy(busy: HasherBusy) -> Self {
        Self(anyhow::Error::new(busy))
    }

    /// `Some` when this is a saturated hasher rather than a failure.
    pub fn as_busy(&self) -> Option<HasherBusy> {
        self.0.downcast_ref::<HasherBusy>().copied()
    }
}

/// Result of checking a password against a stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordCheck {
    /// The password matches; `rehash` holds a fresh hash when the stored one uses a
    /// legacy scheme (bcrypt) and should be replaced.
    Match {
        /// Replacement hash in the current scheme, when an upgrade is due.
        rehash: Option<String>,
    },
    /// The password does not match (or there was no hash to check against).
    Mismatch,
}

/// Hashes and verifies passwords. Implementations do the work off the async workers.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes `password` with the current scheme.
    ///
    /// Errors: [`CryptoError`] when the hashing primitive fails.
    async fn hash(&self, password: &str) -> Result<String, CryptoError>;

    /// Checks `password` against `stored`. With `stored = None` (unknown account or no
    /// password), does the same amount of work and answers `Mismatch`, so callers cannot be
    /// timed to learn which accounts exist.
    ///
    /// Errors: [`CryptoError`] when the hashing primitive fails.
    async fn verify(
        &self,
        password: &str,
        stored: Option<String>,
    ) -> Result<PasswordCheck, CryptoError>;
}

/// A signed token and when it stops being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The compact JWT.
    pub token: String,
    /// Expiry instant.
    pub expires_at: DateTime<Utc>,
}

/// Claims of a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user.
    pub user_id: Uuid,
    /// The e-mail at issue time.
    pub email: String,
}

/// Claims of a verified refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshClaims {
    /// The user.
    pub user_id: Uuid,
    /// Id of the `refresh_tokens` row.
    pub token_id: Uuid,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Past its `exp`.
    #[error("token expired")]
    Expired,
    /// Malformed, wrong signature, wrong algorithm or missing claims.
    #[error("token invalid")]
    Invalid,
}

/// Issues and verifies access and refresh tokens (HS256, decision D5).
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait TokenService: Send + Sync {
    /// Signs an access token (1 h).
    ///
    /// Errors: [`CryptoError`] when signing fails.
    fn issue_access(&self, user_id: Uuid, email: &str) -> Result<IssuedToken, CryptoError>;

    /// Signs a refresh token (30 d) for the `refresh_tokens` row `token_id`.
    ///
    /// Errors: [`CryptoError`] when signing fails.
    fn issue_refresh(&self, user_id: Uuid, token_id: Uuid) -> Result<IssuedToken, CryptoError>;

    /// Verifies an access token.
    ///
    /// Errors: [`TokenError::Expired`] or [`TokenError::Invalid`].
    fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError>;

    /// Verifies a refresh token's signature and expiry (the row is checked separately).
    ///
    /// Errors: [`TokenError::Expired`] or [`TokenError::Invalid`].
    fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, TokenError>;

    /// The stored fingerprint of a token: SHA-256, lower-case hex.
    fn fingerprint(&self, token: &str) -> String;

    /// A fresh opaque secret (32 CSPRNG bytes, lower-case hex) for password-reset links.
    fn random_token(&self) -> String;
}
