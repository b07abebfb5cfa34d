//! Consents: `record_consents`, `consents`, `consent_status` (see docs/API.md, Age and
//! consents).

use chrono::{DateTime, Utc};
use pursue_domain::ids::UserId;
use pursue_ports::users::{ConsentRecord, NewConsents};

use super::{AccountError, AccountService};

/// Most consent rows listed (the app reads the newest to decide re-consent).
const CONSENT_LIST_LIMIT: i64 = 1000;

/// The newest row of one consent type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentStatus {
    /// The type.
    pub consent_type: String,
    /// Its newest action.
    pub action: String,
    /// When that row was recorded.
    pub updated_at: DateTime<Utc>,
}

impl AccountService {
    /// Appends one consent row per type (same instant, no deduplication).
    pub async fn record_consents(
        &self,
        user: UserId,
        consents: NewConsents,
    ) -> Result<(), AccountError> {
        if self.users.record_consents(user, consents).await? {
            Ok(())
        } else {
            Err(AccountError::UserGone)
        }
    }

    /// The caller's consent rows, newest first.
    pub async fn consents(&self, user: UserId) -> Result<Vec<ConsentRecord>, AccountError> {
        Ok(self.users.list_consents(user, CONSENT_LIST_LIMIT).await?)
    }

    /// The newest action per consent type.
    pub async fn consent_status(&self, user: UserId) -> Result<Vec<ConsentStatus>, AccountError> {
        let rows = self.users.latest_consents(user).await?;
        Ok(rows
            .into_iter()
            .map(|r| ConsentStatus {
                consent_type: r.consent_type,
                action: r.action,
                updated_at: r.agreed_at,
            })
            .collect())
    }
}
