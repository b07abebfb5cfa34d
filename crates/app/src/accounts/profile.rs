//! Profile and providers: `update_profile`, `providers`, `unlink`.

use pursue_domain::ids::UserId;
use pursue_domain::user::{AuthProvider, BirthDate, BirthDateError, DisplayName};
use pursue_ports::users::{ProviderRecord, UnlinkOutcome, UserRecord};

use super::{AccountError, AccountService};

/// The caller's sign-in methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Providers {
    /// Whether a password is set.
    pub has_password: bool,
    /// Linked providers by `linked_at` ascending.
    pub providers: Vec<ProviderRecord>,
}

/// A change of the caller's profile, every field parsed; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// The new display name.
    pub display_name: Option<DisplayName>,
    /// A date of birth verifying the age (checked on the clock's day, then forgotten).
    pub birth_date: Option<BirthDate>,
}

impl AccountService {
    /// Changes the display name when given and marks the age verified when an adult
    /// birth date is given (never unset; the date itself is not kept). An empty change
    /// is a no-op read; a minor's date changes nothing.
    #[tracing::instrument(level = "debug", name = "accounts.update_profile", skip_all)]
    pub async fn update_profile(
        &self,
        user: UserId,
        change: ProfileChange,
    ) -> Result<UserRecord, AccountError> {
        if let Some(birth_date) = change.birth_date {
            self.check_adult(birth_date, false)?;
        }
        self.users
            .update_profile(user, change.display_name, change.birth_date.is_some())
            .await?
            .ok_or(AccountError::UserGone)
    }

    /// `birth_date` checked on the clock's day: after today is
    /// [`AccountError::InvalidBirthDate`], a minor [`AccountError::UnderAge`].
    pub(super) fn check_adult(
        &self,
        birth_date: BirthDate,
        signing_up: bool,
    ) -> Result<(), AccountError> {
        match birth_date.adult_on(self.clock.now().date_naive()) {
            Ok(_) => Ok(()),
            Err(BirthDateError::Invalid) => Err(AccountError::InvalidBirthDate),
            Err(BirthDateError::UnderAge) => Err(AccountError::UnderAge { signing_up }),
        }
    }

    /// The caller's providers and whether a password is set.
    #[tracing::instrument(level = "debug", name = "accounts.providers", skip_all)]
    pub async fn providers(&self, user: UserId) -> Result<Providers, AccountError> {
        let creds = self
            .users
            .find_credentials(user)
            .await?
            .ok_or(AccountError::UserGone)?;
        let providers = self.users.list_providers(user).await?;
        Ok(Providers {
            has_password: creds.password_hash.is_some(),
            providers,
        })
    }

    /// Unlinks a provider unless it is the last one.
    #[tracing::instrument(level = "debug", name = "accounts.unlink", skip_all)]
    pub async fn unlink(&self, user: UserId, provider: AuthProvider) -> Result<(), AccountError> {
        match self.users.unlink_provider(user, provider).await? {
            UnlinkOutcome::Unlinked => Ok(()),
            UnlinkOutcome::LastProvider => Err(AccountError::CannotUnlinkLastProvider),
            UnlinkOutcome::NotLinked => Err(AccountError::ProviderNotFound),
        }
    }
}
