//! Accounts: users, their credentials and their sessions (refresh tokens).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::user::{DisplayName, Email};
use uuid::Uuid;

use crate::error::RepoError;
use crate::outbox::EmailMessage;
use pursue_domain::user::AuthProvider;

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

/// Outcome of presenting a refresh token for rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old row was revoked and the new one stored; the (active) user.
    Rotated(UserRecord),
    /// The row was already revoked: every refresh token of the user has now been revoked.
    Reused,
    /// Unknown row, other user, hash mismatch, expired, or user inactive.
    Invalid,
}

/// A password-reset token row to store (only the fingerprint is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResetToken {
    /// SHA-256 hex of the plain token.
    pub token_hash: String,
    /// Expiry (1 h after issue).
    pub expires_at: DateTime<Utc>,
}

/// A sign-in provider linked to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRecord {
    /// Which provider.
    pub provider: AuthProvider,
    /// The provider's e-mail for the user, if known.
    pub provider_email: Option<String>,
    /// When it was linked.
    pub linked_at: DateTime<Utc>,
}

/// Outcome of unlinking a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlinkOutcome {
    /// Removed (for `email`, the password hash is gone too).
    Unlinked,
    /// The user has fewer than two providers.
    LastProvider,
    /// The provider is not linked.
    NotLinked,
}

/// A Google identity to link to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleLink {
    /// Google's `sub`.
    pub sub: String,
    /// Google's e-mail for the account.
    pub email: String,
}

/// Why a Google identity could not be linked.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The `sub` belongs to another user.
    #[error("google account linked to another user")]
    InUse,
    /// The user already has a Google provider.
    #[error("already linked")]
    AlreadyLinked,
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A new Google-only account.
#[derive(Debug, Clone)]
pub struct NewGoogleAccount {
    /// Id chosen by the use case.
    pub id: UserId,
    /// Normalised e-mail.
    pub email: Email,
    /// Display name (Google's `name`, cut to 100).
    pub display_name: DisplayName,
    /// The Google identity.
    pub google: GoogleLink,
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

    /// Atomically checks the refresh row `old_id` (same user, same fingerprint, not
    /// revoked, not expired, user active), revokes it and stores `next`. A revoked row
    /// presented again revokes every refresh token of the user (theft detection).
    ///
    /// Errors: [`RepoError`].
    async fn rotate_session(
        &self,
        user: UserId,
        old_id: Uuid,
        fingerprint: String,
        next: NewRefreshToken,
    ) -> Result<RotateOutcome, RepoError>;

    /// Revokes the refresh row `token_id` if it belongs to `user` and has `fingerprint`;
    /// does nothing otherwise.
    ///
    /// Errors: [`RepoError`].
    async fn revoke_session(
        &self,
        user: UserId,
        token_id: Uuid,
        fingerprint: String,
    ) -> Result<(), RepoError>;

    /// The active user with `id`, with the password hash.
    ///
    /// Errors: [`RepoError`].
    async fn find_credentials(&self, id: UserId) -> Result<Option<LoginRecord>, RepoError>;

    /// Changes the display name (when given) of an active user; `None` when not found.
    ///
    /// Errors: [`RepoError`].
    async fn update_profile(
        &self,
        id: UserId,
        display_name: Option<DisplayName>,
    ) -> Result<Option<UserRecord>, RepoError>;

    /// Atomically stores a new password hash and adds an `email` provider row if missing.
    ///
    /// Errors: [`RepoError`].
    async fn set_password(&self, id: UserId, password_hash: String) -> Result<(), RepoError>;

    /// The user's providers, by `linked_at` ascending.
    ///
    /// Errors: [`RepoError`].
    async fn list_providers(&self, id: UserId) -> Result<Vec<ProviderRecord>, RepoError>;

    /// Atomically unlinks `provider` unless it is the user's last one (unlinking `email`
    /// also clears the password hash).
    ///
    /// Errors: [`RepoError`].
    async fn unlink_provider(
        &self,
        id: UserId,
        provider: AuthProvider,
    ) -> Result<UnlinkOutcome, RepoError>;

    /// Atomically stores a reset token for `user` and the e-mail carrying it (outbox).
    ///
    /// Errors: [`RepoError`].
    async fn create_reset_token(
        &self,
        user: UserId,
        token: NewResetToken,
        email: EmailMessage,
    ) -> Result<(), RepoError>;

    /// The active user owning the open (unused, unexpired) reset token with `token_hash`.
    ///
    /// Errors: [`RepoError`].
    async fn find_reset_token(&self, token_hash: String) -> Result<Option<UserRecord>, RepoError>;

    /// Atomically consumes the open reset token `token_hash` of `user` (marks it and every
    /// other open token of the user used), stores `password_hash`, ensures an `email`
    /// provider row, revokes every refresh token and stores `session`. `false` when the
    /// token is no longer open (lost race).
    ///
    /// Errors: [`RepoError`].
    async fn reset_password(
        &self,
        user: UserId,
        token_hash: String,
        password_hash: String,
        session: NewRefreshToken,
    ) -> Result<bool, RepoError>;

    /// The active user linked to Google `sub`.
    ///
    /// Errors: [`RepoError`].
    async fn find_by_google(&self, sub: String) -> Result<Option<UserRecord>, RepoError>;

    /// Atomically links a Google identity to `user` and, when given, opens a session.
    ///
    /// Errors: [`LinkError::InUse`], [`LinkError::AlreadyLinked`], [`LinkError::Repo`].
    async fn link_google(
        &self,
        user: UserId,
        google: GoogleLink,
        session: Option<NewRefreshToken>,
    ) -> Result<(), LinkError>;

    /// Atomically creates a password-less user with its `google` provider row and a session.
    ///
    /// Errors: [`CreateAccountError::EmailTaken`] when the e-mail or the Google identity is
    /// already used, [`CreateAccountError::Repo`].
    async fn create_google_account(
        &self,
        account: NewGoogleAccount,
        session: NewRefreshToken,
    ) -> Result<UserRecord, CreateAccountError>;

    /// Atomically soft-deletes the user, revokes every refresh token, deletes the devices
    /// and queues `farewell`.
    ///
    /// Errors: [`RepoError`].
    async fn soft_delete(&self, id: UserId, farewell: EmailMessage) -> Result<(), RepoError>;

    /// Purges up to `limit` users soft-deleted before `cutoff`, each in its own
    /// transaction: created groups pass to the earliest-joined admin, else member (role
    /// `creator`), or are deleted when nobody else is in them; then the user row goes.
    /// Returns how many users were purged.
    ///
    /// Errors: [`RepoError`].
    async fn purge_deleted(&self, cutoff: DateTime<Utc>, limit: i64) -> Result<usize, RepoError>;
}
