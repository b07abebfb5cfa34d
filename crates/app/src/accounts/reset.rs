//! `forgot_password` and `reset_password`.

use chrono::Duration;
use pursue_domain::user::{Email, Password};
use pursue_ports::users::NewResetToken;

use super::{AccountError, AccountService, TokenPair, emails};

/// How long a reset link works.
pub const RESET_TTL_MINUTES: i64 = 60;

impl AccountService {
    /// Queues a reset e-mail for an active account with `email`; does nothing (and says
    /// nothing) otherwise. The plain token only travels in the e-mail.
    #[tracing::instrument(level = "debug", name = "accounts.forgot_password", skip_all)]
    pub async fn forgot_password(&self, email: Email) -> Result<(), AccountError> {
        let Some(found) = self.users.find_login(&email).await? else {
            return Ok(());
        };
        let token = self.tokens.random_token();
        let row = NewResetToken {
            token_hash: self.tokens.fingerprint(&token),
            expires_at: self.clock.now() + Duration::minutes(RESET_TTL_MINUTES),
        };
        let link = format!(
            "{}/reset-password?token={token}",
            self.settings.frontend_url
        );
        let mail = emails::reset(&found.user.email, &link);
        self.users
            .create_reset_token(found.user.id, row, mail)
            .await?;
        Ok(())
    }

    /// Sets a new password with an open reset token, revokes every session and opens a
    /// new one.
    #[tracing::instrument(level = "debug", name = "accounts.reset_password", skip_all)]
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: Password,
    ) -> Result<TokenPair, AccountError> {
        let token_hash = self.tokens.fingerprint(token);
        let user = self
            .users
            .find_reset_token(token_hash.clone())
            .await?
            .ok_or(AccountError::InvalidResetToken)?;
        let password_hash = self.hasher.hash(new_password.expose()).await?;
        let (access_token, refresh_token, session) = self.issue_session(user.id, &user.email)?;
        if !self
            .users
            .reset_password(user.id, token_hash, password_hash, session)
            .await?
        {
            return Err(AccountError::InvalidResetToken);
        }
        Ok(TokenPair {
            access_token,
            refresh_token,
        })
    }
}
