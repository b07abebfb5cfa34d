//! `refresh` (rotating, with reuse detection) and `logout`.

use pursue_domain::ids::UserId;
use pursue_ports::users::RotateOutcome;

use super::{AccountError, AccountService, TokenPair};

impl AccountService {
    /// Exchanges a refresh token for a new pair and revokes it (decision D5). Presenting a
    /// revoked token again revokes every session of its user.
    #[tracing::instrument(level = "debug", name = "accounts.refresh", skip_all)]
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, AccountError> {
        let claims = self
            .tokens
            .verify_refresh(refresh_token)
            .map_err(|_| AccountError::InvalidRefreshToken)?;
        let user = UserId::from_uuid(claims.user_id);
        let fingerprint = self.tokens.fingerprint(refresh_token);
        let (refresh, row) = self.issue_refresh_row(user)?;
        match self
            .users
            .rotate_session(user, claims.token_id, fingerprint, row)
            .await?
        {
            RotateOutcome::Rotated(found) => {
                let access = self.tokens.issue_access(found.id.as_uuid(), &found.email)?;
                Ok(TokenPair {
                    access_token: access.token,
                    refresh_token: refresh,
                })
            }
            RotateOutcome::Reused => {
                tracing::warn!(user_id = %user, "revoked refresh token presented again; every session revoked");
                Err(AccountError::InvalidRefreshToken)
            }
            RotateOutcome::Invalid => Err(AccountError::InvalidRefreshToken),
        }
    }

    /// Revokes the caller's session named by `refresh_token`; anything else (bad token,
    /// someone else's) is silently ignored.
    #[tracing::instrument(level = "debug", name = "accounts.logout", skip_all)]
    pub async fn logout(&self, caller: UserId, refresh_token: &str) -> Result<(), AccountError> {
        let Ok(claims) = self.tokens.verify_refresh(refresh_token) else {
            return Ok(());
        };
        if claims.user_id != caller.as_uuid() {
            return Ok(());
        }
        let fingerprint = self.tokens.fingerprint(refresh_token);
        self.users
            .revoke_session(caller, claims.token_id, fingerprint)
            .await?;
        Ok(())
    }
}
