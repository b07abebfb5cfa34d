//! Accounts: registration, sign-in and request authentication.

mod authenticate;
mod consents;
mod delete;
mod emails;
mod google;
mod login;
mod password;
mod profile;
mod register;
mod reset;
mod sessions;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_clock;
#[cfg(test)]
mod tests_more;

use std::sync::Arc;

use chrono::NaiveDate;
use pursue_domain::ids::UserId;
use pursue_domain::user::{ConsentAction, PolicyVersion, signup_consent_types};
use pursue_ports::auth::{CryptoError, PasswordHasher, TokenService};
use pursue_ports::clock::{Clock, IdGen, RandomIds, SystemClock};
use pursue_ports::error::RepoError;
use pursue_ports::google::GoogleVerifier;
use pursue_ports::users::{NewConsents, NewRefreshToken, UserRecord, UserRepository};

pub use authenticate::AuthError;
pub use consents::ConsentStatus;
pub use delete::DeleteProof;
pub use google::{GoogleSession, LinkedGoogle};
pub use profile::{ProfileChange, Providers};
pub use register::Registration;

/// Access and refresh token of a session, without the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// Access token (1 h).
    pub access_token: String,
    /// Refresh token (30 d).
    pub refresh_token: String,
}

/// Settings of the account use cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    /// Base URL of links in e-mails (no trailing slash).
    pub frontend_url: String,
    /// Days between soft delete and purge.
    pub purge_days: u32,
    /// Terms version recorded by sign-ups.
    pub terms_version: PolicyVersion,
    /// Privacy-policy version recorded by sign-ups.
    pub privacy_version: PolicyVersion,
    /// Salt of the e-mail hash kept on a deleted user's consent rows.
    pub consent_salt: String,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            frontend_url: "https://getpursue.app".into(),
            purge_days: 30,
            terms_version: PolicyVersion::default_terms(),
            privacy_version: PolicyVersion::default_privacy(),
            consent_salt: String::new(),
        }
    }
}

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
    /// Refresh token unknown, revoked, expired or badly signed.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// Reset token unknown, used or expired.
    #[error("invalid reset token")]
    InvalidResetToken,
    /// Google sign-in is not configured.
    #[error("google sign-in disabled")]
    GoogleDisabled,
    /// The Google ID token is not a JWT.
    #[error("malformed google token")]
    GoogleMalformed,
    /// The Google ID token failed verification (or its e-mail is unverified for linking).
    #[error("invalid google token")]
    InvalidGoogleToken,
    /// Google's keys could not be fetched.
    #[error("google unavailable: {0}")]
    GoogleUnavailable(#[source] anyhow::Error),
    /// The Google account is linked to another user.
    #[error("google account in use")]
    GoogleAccountInUse,
    /// The caller already has a Google account linked.
    #[error("already linked")]
    AlreadyLinked,
    /// A current password was given but the account has none.
    #[error("no password")]
    NoPassword,
    /// The given password is wrong (or required and missing).
    #[error("invalid password")]
    InvalidPassword,
    /// The account has a password, so the current one must be given.
    #[error("password required")]
    PasswordRequired,
    /// Unlinking would leave no way to sign in.
    #[error("cannot unlink last provider")]
    CannotUnlinkLastProvider,
    /// The provider is not linked.
    #[error("provider not found")]
    ProviderNotFound,
    /// The authenticated user disappeared meanwhile.
    #[error("user gone")]
    UserGone,
    /// A date of birth after today.
    #[error("invalid birth date")]
    InvalidBirthDate,
    /// A date of birth of someone under 18, when signing up or later on the profile.
    #[error("under age")]
    UnderAge {
        /// Whether the refusal is of a sign-up (the message differs).
        signing_up: bool,
    },
    /// A Google sign-up without `consent_agreed: true`.
    #[error("consent required")]
    ConsentRequired,
    /// The Google identity or e-mail belongs to an account in its deletion grace period.
    #[error("account deleted; purged on {purge_date}")]
    AccountDeleted {
        /// The day the account's e-mail becomes free again.
        purge_date: NaiveDate,
    },
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
    google: Option<Arc<dyn GoogleVerifier>>,
    settings: AccountSettings,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
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
            google: None,
            settings: AccountSettings::default(),
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
        }
    }

    /// Enables Google sign-in with `verifier`.
    pub fn with_google(mut self, verifier: Arc<dyn GoogleVerifier>) -> Self {
        self.google = Some(verifier);
        self
    }

    /// Reads the time from `clock` (token and code expiry) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Takes new user and session ids from `ids` instead of random ones.
    pub fn with_ids(mut self, ids: Arc<dyn IdGen>) -> Self {
        self.ids = ids;
        self
    }

    /// Replaces the default settings.
    pub fn with_settings(mut self, settings: AccountSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The two consent rows a sign-up writes (current policy versions, action `grant`).
    fn signup_consents(&self, ip_address: Option<String>) -> NewConsents {
        NewConsents {
            types: signup_consent_types(
                &self.settings.terms_version,
                &self.settings.privacy_version,
            ),
            action: ConsentAction::Grant,
            ip_address,
        }
    }

    /// A refresh token and its row for a new session of `user`.
    fn issue_refresh_row(&self, user: UserId) -> Result<(String, NewRefreshToken), CryptoError> {
        let token_id = self.ids.new_id();
        let refresh = self.tokens.issue_refresh(user.as_uuid(), token_id)?;
        let row = NewRefreshToken {
            id: token_id,
            token_hash: self.tokens.fingerprint(&refresh.token),
            expires_at: refresh.expires_at,
        };
        Ok((refresh.token, row))
    }

    /// Issues an access token and a refresh token for a new session of `user`.
    fn issue_session(
        &self,
        user: UserId,
        email: &str,
    ) -> Result<(String, String, NewRefreshToken), CryptoError> {
        let access = self.tokens.issue_access(user.as_uuid(), email)?;
        let (refresh, row) = self.issue_refresh_row(user)?;
        Ok((access.token, refresh, row))
    }
}
