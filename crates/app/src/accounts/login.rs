//! `login`: e-mail and password to a new session.

use pursue_domain::user::Email;
use pursue_ports::auth::PasswordCheck;

use super::{AccountError, AccountService, Session};

impl AccountService {
    /// Signs in an active user. Unknown e-mail, password-less account and wrong password
    /// cost the same hashing work and give the same error. A legacy (bcrypt) hash is
    /// replaced by an argon2id one on success.
    #[tracing::instrument(level = "debug", name = "accounts.login", skip_all)]
    pub async fn login(&self, email: Email, password: &str) -> Result<Session, AccountError> {
        let found = self.users.find_login(&email).await?;
        let stored = found.as_ref().and_then(|f| f.password_hash.clone());
        let check = self.hasher.verify(password, stored).await?;
        let (Some(found), PasswordCheck::Match { rehash }) = (found, check) else {
            return Err(AccountError::InvalidCredentials);
        };
        let user = found.user;
        let (access_token, refresh_token, session) = self.issue_session(user.id, &user.email)?;
        self.users.open_session(user.id, session, rehash).await?;
        Ok(Session {
            access_token,
            refresh_token,
            user,
        })
    }
}
