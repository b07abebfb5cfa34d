//! `delete_account` (decision D8) and the purge of deleted accounts.

use chrono::{DateTime, Duration, Utc};
use pursue_domain::ids::UserId;
use pursue_ports::auth::PasswordCheck;

use super::{AccountError, AccountService, emails};

/// Users purged per repository call.
const PURGE_BATCH: i64 = 50;

/// What the caller proves to delete the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteProof {
    /// The current password (accounts with a password).
    Password(String),
    /// `{"confirmation": "delete"}` (accounts without a password).
    Confirmation,
}

impl AccountService {
    /// Soft-deletes the caller's account: no more sign-in, every session revoked, devices
    /// removed, a confirmation e-mail queued. An account with a password must prove it.
    #[tracing::instrument(level = "debug", name = "accounts.delete_account", skip_all)]
    pub async fn delete_account(
        &self,
        user: UserId,
        proof: DeleteProof,
    ) -> Result<(), AccountError> {
        let creds = self
            .users
            .find_credentials(user)
            .await?
            .ok_or(AccountError::UserGone)?;
        match (proof, creds.password_hash) {
            (DeleteProof::Confirmation, None) => {}
            (DeleteProof::Confirmation, Some(_)) => return Err(AccountError::InvalidPassword),
            (DeleteProof::Password(password), stored) => {
                if self.hasher.verify(&password, stored).await? == PasswordCheck::Mismatch {
                    return Err(AccountError::InvalidPassword);
                }
            }
        }
        let farewell = emails::deleted(
            &creds.user.email,
            &creds.user.display_name,
            self.settings.purge_days,
        );
        self.users.soft_delete(user, farewell).await?;
        Ok(())
    }

    /// Purges every account soft-deleted more than the grace period before `now`;
    /// returns how many were purged.
    #[tracing::instrument(level = "debug", name = "accounts.purge_due", skip_all)]
    pub async fn purge_due(&self, now: DateTime<Utc>) -> Result<usize, AccountError> {
        let cutoff = now - Duration::days(i64::from(self.settings.purge_days));
        let mut total = 0;
        loop {
            let purged = self.users.purge_deleted(cutoff, PURGE_BATCH).await?;
            total += purged;
            if (purged as i64) < PURGE_BATCH {
                return Ok(total);
            }
        }
    }
}
