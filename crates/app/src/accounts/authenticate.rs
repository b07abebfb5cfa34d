//! `authenticate`: bearer access token to the calling user.

use pursue_domain::ids::UserId;
use pursue_ports::error::RepoError;
use pursue_ports::users::UserRecord;

use super::AccountService;

/// Why a bearer token was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Malformed, badly signed, expired, or its user is gone or soft-deleted.
    #[error("invalid token")]
    InvalidToken,
    /// Storage failure while checking the user.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl AccountService {
    /// Verifies an access token and checks that its user is still active.
    #[tracing::instrument(level = "debug", name = "accounts.authenticate", skip_all)]
    pub async fn authenticate(&self, token: &str) -> Result<UserRecord, AuthError> {
        let user = self.token_subject(token).ok_or(AuthError::InvalidToken)?;
        self.active_user(user).await
    }

    /// The active user a token already verified by [`Self::token_subject`] names (so a
    /// request verifies its token once).
    #[tracing::instrument(level = "debug", name = "accounts.active_user", skip_all)]
    pub async fn active_user(&self, user: UserId) -> Result<UserRecord, AuthError> {
        self.users
            .find_active(user)
            .await?
            .ok_or(AuthError::InvalidToken)
    }

    /// The user an access token names, checking only its signature and expiry (no
    /// database read): for keying rate limits, and for [`Self::active_user`].
    pub fn token_subject(&self, token: &str) -> Option<UserId> {
        self.tokens
            .verify_access(token)
            .ok()
            .map(|claims| UserId::from_uuid(claims.user_id))
    }
}
