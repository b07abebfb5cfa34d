//! Accounts: users, their credentials and their sessions (refresh tokens).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::user::{ConsentAction, ConsentType, DisplayName, Email};
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
    pub email: Email,
    /// Display name.
    pub display_name: DisplayName,
    /// Whether an avatar image is stored.
    pub has_avatar: bool,
    /// Whether the user proved being 18 or older (`has_date_of_birth` in the API).
    pub age_verified: bool,
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
    /// Consent rows written with the account (action `grant`).
    pub consents: NewConsents,
}

/// Consent rows to append for a user, all with the same `agreed_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsents {
    /// One row per type, in this order.
    pub types: Vec<ConsentType>,
    /// Grant or revoke.
    pub action: ConsentAction,
    /// The client's IP address (≤ 45 characters), when known.
    pub ip_address: Option<String>,
}

/// A stored consent row as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// The consent type text.
    pub consent_type: String,
    /// `grant` or `revoke` (kept as stored).
    pub action: String,
    /// When it was recorded.
    pub agreed_at: DateTime<Utc>,
    /// The client's IP address, when recorded.
    pub ip_address: Option<String>,
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
    /// Consent rows written with the account (action `grant`).
    pub consents: NewConsents,
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

    /// Changes the display name (when given) of an active user and, with `verify_age`,
    /// sets `age_verified` (never cleared); a users row is written only when a value
    /// changes. `None` when not found.
    ///
    /// Errors: [`RepoError`].
    async fn update_profile(
        &self,
        id: UserId,
        display_name: Option<DisplayName>,
        verify_age: bool,
    ) -> Result<Option<UserRecord>, RepoError>;

    /// The `deleted_at` of a soft-deleted account linked to Google `sub` or holding
    /// `email` (an account in its deletion grace period).
    ///
    /// Errors: [`RepoError`].
    async fn find_deleted(
        &self,
        sub: String,
        email: &Email,
    ) -> Result<Option<DateTime<Utc>>, RepoError>;

    /// Appends consent rows for the active user `id`; `false` when the user is not active.
    ///
    /// Errors: [`RepoError`].
    async fn record_consents(&self, id: UserId, consents: NewConsents) -> Result<bool, RepoError>;

    /// The user's consent rows, newest first (`agreed_at` desc, then `consent_type`),
    /// at most `limit`.
    ///
    /// Errors: [`RepoError`].
    async fn list_consents(&self, id: UserId, limit: i64) -> Result<Vec<ConsentRecord>, RepoError>;

    /// The newest row of each consent type of the user.
    ///
    /// Errors: [`RepoError`].
    async fn latest_consents(&self, id: UserId) -> Result<Vec<ConsentRecord>, RepoError>;

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

    /// Atomically soft-deletes the user: `deleted_at`, `email_hash` on every consent row
    /// of the user, refresh tokens revoked, devices deleted, every membership removed
    /// (pending ones with their admins' join-request inbox rows; active ones as a leave
    /// with the creator hand-over of docs/ACCOUNTS.md, `member_left` activities, empty
    /// groups deleted, no pushes), and `farewell` queued.
    ///
    /// Errors: [`RepoError`].
    async fn soft_delete(
        &self,
        id: UserId,
        consent_email_hash: String,
        farewell: EmailMessage,
    ) -> Result<(), RepoError>;

    /// Purges up to `limit` users soft-deleted before `cutoff`, each in its own
    /// transaction: consent rows get `email_hash` again (salted with `consent_salt`), the
    /// user's rows in tables without an `ON DELETE` action are removed, created groups
    /// still pointing at the user pass on or go, then the user row goes. Returns how many
    /// users were purged.
    ///
    /// Errors: [`RepoError`].
    async fn purge_deleted(
        &self,
        cutoff: DateTime<Utc>,
        limit: i64,
        consent_salt: String,
    ) -> Result<usize, RepoError>;
}
