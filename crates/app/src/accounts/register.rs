//! `register`: a new e-mail/password account with its first session.

use pursue_domain::ids::UserId;
use pursue_domain::user::{BirthDate, DisplayName, Email, Password};
use pursue_ports::users::{CreateAccountError, NewAccount};

use super::{AccountError, AccountService, Session};

/// A sign-up request, every field parsed.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The e-mail (unique among all users).
    pub email: Email,
    /// The password (policy already checked).
    pub password: Password,
    /// The display name.
    pub display_name: DisplayName,
    /// The date of birth; the age rule is checked against the clock's day.
    pub birth_date: BirthDate,
}

impl AccountService {
    /// Creates the account of an adult (age checked on the clock's day, the date then
    /// forgotten; e-mail unique among all users, soft-deleted included), hashes the
    /// password, and stores the user, its provider, the two policy consents (from
    /// `ip_address`) and a first session in one atomic write.
    #[tracing::instrument(level = "debug", name = "accounts.register", skip_all)]
    pub async fn register(
        &self,
        registration: Registration,
        ip_address: Option<String>,
    ) -> Result<Session, AccountError> {
        let Registration {
            email,
            password,
            display_name,
            birth_date,
        } = registration;
        self.check_adult(birth_date, true)?;
        if self.users.email_taken(&email).await? {
            return Err(AccountError::EmailExists);
        }
        let password_hash = self.hasher.hash(password.expose()).await?;
        let id = UserId::from_uuid(self.ids.new_id());
        let (access_token, refresh_token, session) = self.issue_session(id, email.as_str())?;
        let account = NewAccount {
            id,
            email,
            display_name,
            password_hash,
            consents: self.signup_consents(ip_address),
        };
        let user = self
            .users
            .create_account(account, session)
            .await
            .map_err(|e| match e {
                CreateAccountError::EmailTaken => AccountError::EmailExists,
                CreateAccountError::Repo(e) => AccountError::Repo(e),
            })?;
        Ok(Session {
            access_token,
            refresh_token,
            user,
        })
    }
}
