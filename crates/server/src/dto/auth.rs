//! Bodies of `/api/auth/*`.

use pursue_app::accounts::{AccountError, Registration, Session};
use pursue_domain::user::{BirthDate, DisplayName, Email, Password};
use serde::{Deserialize, Serialize};

use super::fields::Fields;
use super::rules;
use super::users::UserBody;
use crate::error::ApiError;

/// `POST /api/auth/register`. Checked by `TryFrom` into [`Registration`], which reports
/// every bad field at once; the age rule needs the day, so the use case checks it.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RegisterRequest {
    /// E-mail (trimmed and lower-cased).
    #[garde(skip)]
    #[schema(schema_with = super::schema::email)]
    pub email: String,
    /// Password (the password policy, docs/DECISIONS.md).
    #[garde(skip)]
    #[schema(schema_with = super::schema::password)]
    pub password: String,
    /// Display name, 1–100 characters.
    #[garde(skip)]
    #[schema(schema_with = super::schema::display_name)]
    pub display_name: String,
    /// `YYYY-MM-DD`, required; checked, never stored.
    #[garde(skip)]
    #[schema(schema_with = super::schema::birth_date, required = true)]
    pub date_of_birth: Option<String>,
    /// Must be `true`.
    #[garde(skip)]
    #[schema(schema_with = super::schema::true_only, required = true)]
    pub consent_agreed: Option<bool>,
    /// Accepted and ignored (the server's configured versions are recorded).
    #[garde(skip)]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_terms_version: Option<String>,
    /// Accepted and ignored.
    #[garde(skip)]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_privacy_version: Option<String>,
}

impl TryFrom<RegisterRequest> for Registration {
    type Error = ApiError;

    fn try_from(r: RegisterRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let email = f.check("email", Email::parse(&r.email));
        let password = f.check("password", Password::parse(&r.password));
        let display_name = f.check("display_name", DisplayName::parse(&r.display_name));
        let birth_date = f.check(
            "date_of_birth",
            r.date_of_birth
                .as_deref()
                .ok_or_else(|| "not set".to_string())
                .and_then(|d| BirthDate::parse(d).map_err(|e| e.to_string())),
        );
        f.check("consent_agreed", agreed(r.consent_agreed));
        f.check(
            "consent_terms_version",
            rules::policy_version(&r.consent_terms_version),
        );
        f.check(
            "consent_privacy_version",
            rules::policy_version(&r.consent_privacy_version),
        );
        let registration = match (email, password, display_name, birth_date) {
            (Some(email), Some(password), Some(display_name), Some(birth_date)) => {
                Some(Registration {
                    email,
                    password,
                    display_name,
                    birth_date,
                })
            }
            _ => None,
        };
        f.finish(registration)
    }
}

/// Exactly `true`.
fn agreed(value: Option<bool>) -> Result<(), &'static str> {
    if value == Some(true) {
        Ok(())
    } else {
        Err("must be true")
    }
}

/// `POST /api/auth/login`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct LoginRequest {
    /// E-mail (no format rule: a malformed one is simply unknown, 401).
    #[garde(skip)]
    #[schema(schema_with = super::schema::non_empty)]
    pub email: String,
    /// Password (any non-empty string: the policy applies when it is set, not here).
    #[garde(skip)]
    #[schema(schema_with = super::schema::non_empty)]
    pub password: String,
}

/// A sign-in attempt: the address and the password as typed.
#[derive(Debug)]
pub struct Credentials {
    /// The address.
    pub email: Email,
    /// The password as typed.
    pub password: String,
}

impl TryFrom<LoginRequest> for Credentials {
    type Error = ApiError;

    /// Empty fields are `400 VALIDATION_ERROR`; a malformed address cannot belong to
    /// anyone, so it is the same `401` as an unknown one.
    fn try_from(r: LoginRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let email = f.check("email", rules::filled(&r.email)).is_some();
        let password = f.check("password", rules::filled(&r.password)).is_some();
        f.finish(Some(()).filter(|_| email && password))?;
        let email =
            Email::parse(&r.email).map_err(|_| ApiError::from(AccountError::InvalidCredentials))?;
        Ok(Credentials {
            email,
            password: r.password,
        })
    }
}

/// Tokens plus the user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionBody {
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
    /// The user.
    pub user: UserBody,
}

impl From<Session> for SessionBody {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            user: s.user.into(),
        }
    }
}

/// `POST /api/auth/refresh` and `/logout`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RefreshRequest {
    /// The refresh token.
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    #[schema(schema_with = super::schema::non_empty)]
    pub refresh_token: String,
}

/// `POST /api/auth/forgot-password`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ForgotPasswordRequest {
    /// E-mail.
    #[garde(skip)]
    #[schema(schema_with = super::schema::email)]
    pub email: String,
}

impl TryFrom<ForgotPasswordRequest> for Email {
    type Error = ApiError;

    fn try_from(r: ForgotPasswordRequest) -> Result<Self, ApiError> {
        super::fields::single("email", Email::parse(&r.email))
    }
}

/// `POST /api/auth/reset-password`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ResetPasswordRequest {
    /// The token from the e-mail link.
    #[garde(skip)]
    #[schema(schema_with = super::schema::non_empty)]
    pub token: String,
    /// New password (the password policy).
    #[garde(skip)]
    #[schema(schema_with = super::schema::password)]
    pub new_password: String,
}

/// A password reset: the link's token and the new password.
#[derive(Debug)]
pub struct PasswordReset {
    /// The token from the e-mail link.
    pub token: String,
    /// The new password.
    pub new_password: Password,
}

impl TryFrom<ResetPasswordRequest> for PasswordReset {
    type Error = ApiError;

    fn try_from(r: ResetPasswordRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let token = f.check("token", rules::filled(&r.token)).is_some();
        let new_password = f.check("new_password", Password::parse(&r.new_password));
        let reset = new_password
            .filter(|_| token)
            .map(|new_password| PasswordReset {
                token: r.token,
                new_password,
            });
        f.finish(reset)
    }
}

/// `POST /api/auth/google` and `/link/google`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct GoogleRequest {
    /// Google ID token.
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    #[schema(schema_with = super::schema::non_empty)]
    pub id_token: String,
    /// Needed (`true`) only when the sign-in creates an account.
    #[garde(skip)]
    pub consent_agreed: Option<bool>,
    /// Accepted and ignored.
    #[garde(custom(rules::version_text))]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_terms_version: Option<String>,
    /// Accepted and ignored.
    #[garde(custom(rules::version_text))]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_privacy_version: Option<String>,
}

/// An access and a refresh token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPairBody {
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
}

impl From<pursue_app::accounts::TokenPair> for TokenPairBody {
    fn from(t: pursue_app::accounts::TokenPair) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
        }
    }
}

/// Google sign-in response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoogleSessionBody {
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
    /// Whether the account was created now.
    pub is_new_user: bool,
    /// The user.
    pub user: UserBody,
}
