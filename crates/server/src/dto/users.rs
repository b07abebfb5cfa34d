//! User bodies.

use chrono::{DateTime, Utc};
use pursue_ports::users::UserRecord;
use serde::Serialize;

/// The contract's `User` plus `updated_at` (D13: the client's avatar cache key).
#[derive(Debug, Serialize)]
pub struct UserBody {
    /// Id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Whether an avatar is stored.
    pub has_avatar: bool,
    /// Creation instant.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<UserRecord> for UserBody {
    fn from(u: UserRecord) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email,
            display_name: u.display_name,
            has_avatar: u.has_avatar,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// `PATCH /api/users/me`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct UpdateMeRequest {
    /// New display name, 1–100 characters.
    #[garde(skip)]
    pub display_name: Option<String>,
}

/// `POST /api/users/me/password`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    /// Current password; `null`/absent when setting a first password.
    #[garde(skip)]
    pub current_password: Option<String>,
    /// New password (D4 policy).
    #[garde(custom(|v: &String, c: &()| super::rules::password(v, c)))]
    pub new_password: String,
}

/// `DELETE /api/users/me`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct DeleteMeRequest {
    /// Current password (accounts with a password).
    #[garde(skip)]
    pub password: Option<String>,
    /// `"delete"` (accounts without a password).
    #[garde(skip)]
    pub confirmation: Option<String>,
}
