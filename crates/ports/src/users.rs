//! Accounts: users, their credentials and their sessions (refresh tokens).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::user::{DisplayName, Email};
use uuid::Uuid;

use crate::error::RepoError;

/// A user as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Id.
    pub id: UserId,
    /// Lower-case e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Whether an avatar image is stored.
    pub has_avatar: bool,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Last change (clients use it as the avatar cache key).
    pub updated_at: DateTime<Utc>,
}

/// An active user with the stored password hash, for sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRecord {
    /// The user.
    pub user: UserRecord,
    /// `None` for accounts without a password (Google only).
    pub password_hash: Option<String>,
}

/// A refresh-token row to store (only the token's fingerprint is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// Row id, also the token's `token_id` claim.
    pub id: Uuid,
    /// SHA-256 hex of the full token.
    pub token_hash: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// A new e-mail/password account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Id chosen by the use case (the first session's token refers to it).
    pub id: UserId,
    /// Normalised e-mail.
    pub email: Email,
    /// Display name.
    pub display_name: DisplayName,
    /// Password hash in the current scheme.
    pub password_hash: String,
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    /// Some user (active or soft-deleted) already has this e-mail.
    #[error("e-mail already registered")]
    EmailTaken,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Storage of users and sessions.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Whether any user row, soft-deleted ones included, has `email`.
    ///
    /// Errors: [`RepoError`].
    async fn email_taken(&self, email: &Email) -> Result<bool, RepoError>;

    /// Atomically creates the user, its `email` provider row and its first session.
    ///
    /// Errors: [`CreateAccountError::EmailTaken`] when the e-mail is already used (also
    /// under a race), [`CreateAccountError::Repo`].
    async fn create_account(
        &self,
        account: NewAccount,
        session: NewRefreshToken,
    ) -> Result<UserRecord, CreateAccountError>;

    /// The active (not soft-deleted) user with `email`, with the password hash.
    ///
    /// Errors: [`RepoError`].
    async fn find_login(&self, email: &Email) -> Result<Option<LoginRecord>, RepoError>;

    /// The active user with `id`.
    ///
    /// Errors: [`RepoError`].
    async fn find_active(&self, id: UserId) -> Result<Option<UserRecord>, RepoError>;

    /// Atomically stores a new session for `user` and, when given, replaces the password
    /// hash (legacy-hash upgrade on login).
    ///
    /// Errors: [`RepoError`].
    async fn open_session(
        &self,
        user: UserId,
        session: NewRefreshToken,
        upgraded_hash: Option<String>,
    ) -> Result<(), RepoError>;
}
