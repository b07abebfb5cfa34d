//! Bodies of `/api/auth/*`.

use pursue_app::accounts::Session;
use serde::{Deserialize, Serialize};

use super::rules;
use super::users::UserBody;

/// `POST /api/auth/register`.
#[derive(Debug, Deserialize, garde::Validate)]
pub struct RegisterRequest {
    /// E-mail (trimmed and lower-cased).
    #[garde(custom(|v: &String, c: &()| rules::email(v, c)))]
    pub email: String,
    /// Password (D4 policy).
    #[garde(custom(|v: &String, c: &()| rules::password(v, c)))]
    pub password: String,
    /// Display name, 1–100 characters.
    #[garde(custom(|v: &String, c: &()| rules::display_name(v, c)))]
    pub display_name: String,
}

/// `POST /api/auth/login`.
#[derive(Debug, Deserialize, garde::Validate)]
pub struct LoginRequest {
    /// E-mail.
    #[garde(custom(|v: &String, c: &()| rules::email(v, c)))]
    pub email: String,
    /// Password (any non-empty string: the policy applies when it is set, not here).
    #[garde(custom(|v: &String, c: &()| rules::non_empty(v, c)))]
    pub password: String,
}

/// Tokens plus the user.
#[derive(Debug, Serialize)]
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
