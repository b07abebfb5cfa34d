//! `delete_account` (decision D8) and the purge of deleted accounts.

use chrono::{DateTime, Duration, Utc};
use pursue_domain::ids::UserId;
use pursue_domain::user::consent_email_hash;
use pursue_ports::auth::PasswordCheck;

use super::{AccountError, AccountService, emails};

/// Users purged per repository call.
const PURGE_BATCH: i64 = 50;

/// What the caller proves to delete the account (see docs/ACCOUNTS.md, Deletion). The
/// edge has already checked that `confirmation`, when sent, says `delete`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteProof {
    /// `{"confirmation": "delete"}` was sent (valid for every account).
    pub confirmation: bool,
    /// The current password, when sent; it must then verify.
    pub password: Option<String>,
}

impl AccountService {
    /// Soft-deletes the caller's account in one write: no more sign-in, consent rows
    /// hashed, sessions revoked, devices removed, memberships removed with the creator
    /// hand-over, a confirmation e-mail queued. A password, when given, must verify.
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
        if let Some(password) = proof.password {
            let stored = creds.password_hash.ok_or(AccountError::InvalidPassword)?;
            if self.hasher.verify(&password, Some(stored)).await? == PasswordCheck::Mismatch {
                return Err(AccountError::InvalidPassword);
            }
        } else if !proof.confirmation {
            return Err(AccountError::InvalidPassword);
        }
        let farewell = emails::deleted(
            &creds.user.email,
            &creds.user.display_name,
            self.settings.purge_days,
        );
        let hash = consent_email_hash(&creds.user.email, &self.settings.consent_salt);
        self.users.soft_delete(user, hash, farewell).await?;
        Ok(())
    }

    /// Purges every account soft-deleted more than the grace period before `now`;
    /// returns how many were purged.
    #[tracing::instrument(level = "debug", name = "accounts.purge_due", skip_all)]
    pub async fn purge_due(&self, now: DateTime<Utc>) -> Result<usize, AccountError> {
        let cutoff = now - Duration::days(i64::from(self.settings.purge_days));
        let mut total = 0;
        loop {
            let purged = self
                .users
                .purge_deleted(cutoff, PURGE_BATCH, self.settings.consent_salt.clone())
                .await?;
            total += purged;
            if (purged as i64) < PURGE_BATCH {
                return Ok(total);
            }
        }
    }
}
