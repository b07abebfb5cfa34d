//! `change_password`: set or change the caller's password.

use pursue_domain::ids::UserId;
use pursue_domain::user::Password;
use pursue_ports::auth::PasswordCheck;

use super::{AccountError, AccountService};

impl AccountService {
    /// With `current`, changes an existing password after checking it; without, sets a
    /// first password on a password-less (Google) account. Adds the `email` provider row
    /// if missing.
    #[tracing::instrument(level = "debug", name = "accounts.change_password", skip_all)]
    pub async fn change_password(
        &self,
        user: UserId,
        current: Option<String>,
        new_password: Password,
    ) -> Result<(), AccountError> {
        let creds = self
            .users
            .find_credentials(user)
            .await?
            .ok_or(AccountError::UserGone)?;
        match (current, creds.password_hash) {
            (Some(_), None) => return Err(AccountError::NoPassword),
            (None, Some(_)) => return Err(AccountError::PasswordRequired),
            (Some(current), Some(stored)) => {
                if self.hasher.verify(&current, Some(stored)).await? == PasswordCheck::Mismatch {
                    return Err(AccountError::InvalidPassword);
                }
            }
            (None, None) => {}
        }
        let hash = self.hasher.hash(new_password.expose()).await?;
        self.users.set_password(user, hash).await?;
        Ok(())
    }
}
