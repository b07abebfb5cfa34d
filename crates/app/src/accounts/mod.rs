//! Accounts: registration, sign-in and request authentication.

mod authenticate;
mod login;
mod register;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_domain::ids::UserId;
use pursue_ports::auth::{CryptoError, PasswordHasher, TokenService};
use pursue_ports::error::RepoError;
use pursue_ports::users::{NewRefreshToken, UserRecord, UserRepository};
use uuid::Uuid;

pub use authenticate::AuthError;

/// Tokens handed to a client that signed in, with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Access token (1 h).
    pub access_token: String,
    /// Refresh token (30 d).
    pub refresh_token: String,
    /// The signed-in user.
    pub user: UserRecord,
}

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Registration with an e-mail some account already uses.
    #[error("e-mail already registered")]
    EmailExists,
    /// Unknown e-mail, no password, or wrong password (deliberately indistinguishable).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// Hashing or signing failure.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// Account use cases.
#[derive(Clone)]
pub struct AccountService {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: Arc<dyn TokenService>,
}

impl AccountService {
    /// Wires the ports.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: Arc<dyn TokenService>,
    ) -> Self {
        Self {
            users,
            hasher,
            tokens,
        }
    }

    /// Issues an access token and a refresh token for a new session of `user`.
    fn issue_session(
        &self,
        user: UserId,
        email: &str,
    ) -> Result<(String, String, NewRefreshToken), CryptoError> {
        let access = self.tokens.issue_access(user.as_uuid(), email)?;
        let token_id = Uuid::new_v4();
        let refresh = self.tokens.issue_refresh(user.as_uuid(), token_id)?;
        let row = NewRefreshToken {
            id: token_id,
            token_hash: self.tokens.fingerprint(&refresh.token),
            expires_at: refresh.expires_at,
        };
        Ok((access.token, refresh.token, row))
    }
}
