//! Google sign-in and linking.

use pursue_domain::ids::UserId;
use pursue_domain::user::{DisplayName, Email};
use pursue_ports::google::{GoogleError, GoogleIdentity};
use pursue_ports::users::{CreateAccountError, GoogleLink, LinkError, NewGoogleAccount};

use super::{AccountError, AccountService, Session};

/// A Google sign-in: the session and whether the account was just created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleSession {
    /// Tokens and user.
    pub session: Session,
    /// `true` when the account was created by this sign-in.
    pub is_new_user: bool,
    /// Google's profile picture, to import as the avatar after answering (docs/ACCOUNTS.md, Google sign-in):
    /// set for a new account, or an account linked by e-mail that has no avatar.
    pub import_picture: Option<String>,
}

/// Result of linking Google to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedGoogle {
    /// Google's e-mail for the linked account.
    pub provider_email: String,
}

fn google_error(e: GoogleError) -> AccountError {
    match e {
        GoogleError::Disabled => AccountError::GoogleDisabled,
        GoogleError::Malformed => AccountError::GoogleMalformed,
        GoogleError::Invalid => AccountError::InvalidGoogleToken,
        GoogleError::Unavailable(e) => AccountError::GoogleUnavailable(e),
    }
}

fn link_error(e: LinkError) -> AccountError {
    match e {
        LinkError::InUse => AccountError::GoogleAccountInUse,
        LinkError::AlreadyLinked => AccountError::AlreadyLinked,
        LinkError::Repo(e) => AccountError::Repo(e),
    }
}

impl AccountService {
    async fn verify_google(&self, id_token: &str) -> Result<GoogleIdentity, AccountError> {
        let verifier = self.google.as_ref().ok_or(AccountError::GoogleDisabled)?;
        verifier.verify(id_token).await.map_err(google_error)
    }

    /// Signs in with a Google ID token: the user linked to its `sub`; else the active
    /// user with its (verified) e-mail, linking Google; else — unless an account in its
    /// deletion grace period holds the identity or e-mail (`AccountDeleted`), and only
    /// with `consent_agreed` (`ConsentRequired`) — a new password-less user with the two
    /// policy consents.
    #[tracing::instrument(level = "debug", name = "accounts.google_sign_in", skip_all)]
    pub async fn google_sign_in(
        &self,
        id_token: &str,
        consent_agreed: bool,
        ip_address: Option<String>,
    ) -> Result<GoogleSession, AccountError> {
        let identity = self.verify_google(id_token).await?;
        if let Some(user) = self.users.find_by_google(identity.sub.clone()).await? {
            let (access_token, refresh_token, row) = self.issue_session(user.id, &user.email)?;
            self.users.open_session(user.id, row, None).await?;
            return Ok(existing(access_token, refresh_token, user, None));
        }
        let email = Email::parse(&identity.email).map_err(|_| AccountError::InvalidGoogleToken)?;
        let link = GoogleLink {
            sub: identity.sub.clone(),
            email: email.as_str().to_string(),
        };
        if let Some(found) = self.users.find_login(&email).await? {
            if !identity.email_verified {
                return Err(AccountError::InvalidGoogleToken);
            }
            let user = found.user;
            let (access_token, refresh_token, row) = self.issue_session(user.id, &user.email)?;
            self.users
                .link_google(user.id, link, Some(row))
                .await
                .map_err(link_error)?;
            let picture = identity.picture.clone().filter(|_| !user.has_avatar);
            return Ok(existing(access_token, refresh_token, user, picture));
        }
        if let Some(deleted_at) = self
            .users
            .find_deleted(identity.sub.clone(), &email)
            .await?
        {
            let purge = deleted_at + chrono::Duration::days(i64::from(self.settings.purge_days));
            return Err(AccountError::AccountDeleted {
                purge_date: purge.date_naive(),
            });
        }
        if !consent_agreed {
            return Err(AccountError::ConsentRequired);
        }
        let display_name = identity
            .name
            .as_deref()
            .and_then(|n| DisplayName::truncated(n).ok())
            .or_else(|| {
                let local = email.as_str().split('@').next().unwrap_or_default();
                DisplayName::truncated(local).ok()
            })
            .ok_or(AccountError::InvalidGoogleToken)?;
        let id = UserId::from_uuid(self.ids.new_id());
        let (access_token, refresh_token, row) = self.issue_session(id, email.as_str())?;
        let account = NewGoogleAccount {
            id,
            email,
            display_name,
            google: link,
            consents: self.signup_consents(ip_address),
        };
        let user = self
            .users
            .create_google_account(account, row)
            .await
            .map_err(|e| match e {
                CreateAccountError::EmailTaken => AccountError::EmailExists,
                CreateAccountError::Repo(e) => AccountError::Repo(e),
            })?;
        Ok(GoogleSession {
            session: Session {
                access_token,
                refresh_token,
                user,
            },
            is_new_user: true,
            import_picture: identity.picture,
        })
    }

    /// Links the Google account of `id_token` to the caller.
    #[tracing::instrument(level = "debug", name = "accounts.link_google", skip_all)]
    pub async fn link_google(
        &self,
        user: UserId,
        id_token: &str,
    ) -> Result<LinkedGoogle, AccountError> {
        let identity = self.verify_google(id_token).await?;
        let provider_email = identity.email.trim().to_lowercase();
        self.users
            .link_google(
                user,
                GoogleLink {
                    sub: identity.sub,
                    email: provider_email.clone(),
                },
                None,
            )
            .await
            .map_err(link_error)?;
        Ok(LinkedGoogle { provider_email })
    }
}

fn existing(
    access_token: String,
    refresh_token: String,
    user: pursue_ports::users::UserRecord,
    import_picture: Option<String>,
) -> GoogleSession {
    GoogleSession {
        session: Session {
            access_token,
            refresh_token,
            user,
        },
        is_new_user: false,
        import_picture,
    }
}
