//! `register`: a new e-mail/password account with its first session.

use pursue_domain::ids::UserId;
use pursue_domain::user::{AdultBirthDate, DisplayName, Email, Password};
use pursue_ports::users::{CreateAccountError, NewAccount};

use super::{AccountError, AccountService, Session};

impl AccountService {
    /// Creates the account (e-mail unique among all users, soft-deleted included, age
    /// verified by `_adult`), hashes the password, and stores the user, its provider, the
    /// two policy consents (from `ip_address`) and a first session in one atomic write.
    #[tracing::instrument(level = "debug", name = "accounts.register", skip_all)]
    pub async fn register(
        &self,
        email: Email,
        password: Password,
        display_name: DisplayName,
        _adult: AdultBirthDate,
        ip_address: Option<String>,
    ) -> Result<Session, AccountError> {
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
