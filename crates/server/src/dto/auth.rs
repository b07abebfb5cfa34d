//! Bodies of `/api/auth/*`.

use pursue_app::accounts::Session;
use serde::{Deserialize, Serialize};

use super::rules;
use super::users::UserBody;

/// `POST /api/auth/register`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RegisterRequest {
    /// E-mail (trimmed and lower-cased).
    #[garde(custom(|v: &String, c: &()| rules::email(v, c)))]
    #[schema(schema_with = super::schema::email)]
    pub email: String,
    /// Password (D4 policy).
    #[garde(custom(|v: &String, c: &()| rules::password(v, c)))]
    #[schema(schema_with = super::schema::password)]
    pub password: String,
    /// Display name, 1–100 characters.
    #[garde(custom(|v: &String, c: &()| rules::display_name(v, c)))]
    #[schema(schema_with = super::schema::display_name)]
    pub display_name: String,
    /// `YYYY-MM-DD`, required; checked, never stored.
    #[garde(required, inner(custom(|v: &String, c: &()| rules::birth_date(v, c))))]
    #[schema(schema_with = super::schema::birth_date, required = true)]
    pub date_of_birth: Option<String>,
    /// Must be `true`.
    #[garde(custom(rules::agreed))]
    #[schema(schema_with = super::schema::true_only, required = true)]
    pub consent_agreed: Option<bool>,
    /// Accepted and ignored (the server's configured versions are recorded).
    #[garde(custom(rules::version_text))]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_terms_version: Option<String>,
    /// Accepted and ignored.
    #[garde(custom(rules::version_text))]
    #[schema(schema_with = super::schema::version_text)]
    pub consent_privacy_version: Option<String>,
}

/// `POST /api/auth/login`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct LoginRequest {
    /// E-mail (no format rule: a malformed one is simply unknown, 401).
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    #[schema(schema_with = super::schema::non_empty)]
    pub email: String,
    /// Password (any non-empty string: the policy applies when it is set, not here).
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    #[schema(schema_with = super::schema::non_empty)]
    pub password: String,
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
    #[garde(custom(|v: &String, c: &()| rules::email(v, c)))]
    #[schema(schema_with = super::schema::email)]
    pub email: String,
}

/// `POST /api/auth/reset-password`.
#[derive(Debug, Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ResetPasswordRequest {
    /// The token from the e-mail link.
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    #[schema(schema_with = super::schema::non_empty)]
    pub token: String,
    /// New password (D4 policy).
    #[garde(custom(|v: &String, c: &()| rules::password(v, c)))]
    #[schema(schema_with = super::schema::password)]
    pub new_password: String,
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
