//! Google sign-in: ID-token verification.

use async_trait::async_trait;

/// The verified claims of a Google ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleIdentity {
    /// Stable Google account id.
    pub sub: String,
    /// The account's e-mail.
    pub email: String,
    /// Whether Google verified the e-mail.
    pub email_verified: bool,
    /// Display name, if any.
    pub name: Option<String>,
    /// Picture URL, if any.
    pub picture: Option<String>,
}

/// Why an ID token was refused.
#[derive(Debug, thiserror::Error)]
pub enum GoogleError {
    /// Google sign-in is not configured (no client id).
    #[error("google sign-in is disabled")]
    Disabled,
    /// Not a JWT at all.
    #[error("not a JWT")]
    Malformed,
    /// Bad signature, unknown key, wrong issuer or audience, expired, missing claims.
    #[error("invalid google token")]
    Invalid,
    /// Google's keys could not be fetched.
    #[error("google keys unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
}

/// Verifies Google ID tokens.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait GoogleVerifier: Send + Sync {
    /// Verifies signature, issuer, audience and expiry of `id_token`.
    ///
    /// Errors: see [`GoogleError`].
    async fn verify(&self, id_token: &str) -> Result<GoogleIdentity, GoogleError>;
}
