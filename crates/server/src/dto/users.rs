//! User bodies.

use chrono::{DateTime, Utc};
use pursue_ports::users::UserRecord;
use serde::Serialize;

/// The contract's `User` plus `updated_at` (D13: the client's avatar cache key).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserBody {
    /// Id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Whether an avatar is stored.
    pub has_avatar: bool,
    /// Whether the user's age is verified (the app's date-of-birth gate).
    pub has_date_of_birth: bool,
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
            has_date_of_birth: u.age_verified,
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
    #[schema(schema_with = super::schema::nullable_display_name)]
    pub display_name: Option<String>,
    /// `YYYY-MM-DD`; an adult's date verifies the age (the date is not kept).
    #[garde(inner(custom(|v: &String, c: &()| super::rules::birth_date(v, c))))]
    #[schema(schema_with = super::schema::nullable_birth_date)]
    pub date_of_birth: Option<String>,
}

/// `POST /api/users/me/consents`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct RecordConsentsRequest {
    /// 1–10 types of 1–50 characters.
    #[garde(
        length(min = 1, max = 10),
        inner(length(chars, min = 1, max = 50), custom(super::rules::one_line))
    )]
    #[schema(schema_with = super::schema::consent_types)]
    pub consent_types: Vec<String>,
    /// `grant` (default) or `revoke`.
    #[garde(inner(pattern("^(grant|revoke)$")))]
    #[schema(schema_with = super::schema::consent_action)]
    pub action: Option<String>,
}

/// `POST /api/users/me/password`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    /// Current password; `null`/absent when setting a first password.
    #[garde(skip)]
    pub current_password: Option<String>,
    /// New password (D4 policy).
    #[garde(custom(|v: &String, c: &()| super::rules::password(v, c)))]
    #[schema(schema_with = super::schema::password)]
    pub new_password: String,
}

/// `DELETE /api/users/me`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct DeleteMeRequest {
    /// Current password; when sent it must verify.
    #[garde(skip)]
    pub password: Option<String>,
    /// `"delete"` in any case; valid for every account.
    #[garde(skip)]
    #[schema(schema_with = super::schema::delete_confirmation)]
    pub confirmation: Option<String>,
}

/// `POST /api/users/me/avatar`: a multipart form with the picture in the part `avatar`
/// (JPEG, PNG or WebP, at most 5 MB; see docs/API.md).
#[derive(utoipa::ToSchema)]
pub struct AvatarForm {
    /// The picture.
    #[schema(value_type = String, format = Binary)]
    pub avatar: Vec<u8>,
}
