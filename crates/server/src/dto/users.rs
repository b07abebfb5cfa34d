//! User bodies.

use chrono::{DateTime, Utc};
use pursue_app::accounts::{DeleteProof, ProfileChange};
use pursue_domain::user::{BirthDate, ConsentAction, ConsentType, DisplayName, Password};
use pursue_ports::users::{NewConsents, UserRecord};
use serde::Serialize;

use super::fields::Fields;
use crate::error::{ApiError, FieldError};

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
            email: u.email.into(),
            display_name: u.display_name.into(),
            has_avatar: u.has_avatar,
            has_date_of_birth: u.age_verified,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// `PATCH /api/users/me`. Checked by `TryFrom` into [`ProfileChange`].
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct UpdateMeRequest {
    /// New display name, 1–100 characters.
    #[garde(skip)]
    #[schema(schema_with = super::schema::nullable_display_name)]
    pub display_name: Option<String>,
    /// `YYYY-MM-DD`; an adult's date verifies the age (the date is not kept).
    #[garde(skip)]
    #[schema(schema_with = super::schema::nullable_birth_date)]
    pub date_of_birth: Option<String>,
}

impl TryFrom<UpdateMeRequest> for ProfileChange {
    type Error = ApiError;

    fn try_from(r: UpdateMeRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let display_name = f.optional(
            "display_name",
            r.display_name.as_deref(),
            DisplayName::parse,
        );
        let birth_date = f.optional(
            "date_of_birth",
            r.date_of_birth.as_deref(),
            BirthDate::parse,
        );
        let change = display_name
            .zip(birth_date)
            .map(|(display_name, birth_date)| ProfileChange {
                display_name,
                birth_date,
            });
        f.finish(change)
    }
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

impl TryFrom<RecordConsentsRequest> for NewConsents {
    type Error = ApiError;

    /// The consents to record (garde has checked the list's length and each entry's
    /// characters; the parses are still total). The caller adds the client's address.
    fn try_from(r: RecordConsentsRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let types: Vec<_> = r
            .consent_types
            .iter()
            .filter_map(|t| {
                f.check(
                    "consent_types",
                    ConsentType::parse(t).ok_or("1–50 characters"),
                )
            })
            .collect();
        let action = f.optional("action", r.action.as_deref(), ConsentAction::parse);
        let consents = action.map(|action| NewConsents {
            types,
            action: action.unwrap_or(ConsentAction::Grant),
            ip_address: None,
        });
        f.finish(consents)
    }
}

/// `POST /api/users/me/password`.
#[derive(Debug, serde::Deserialize, garde::Validate, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    /// Current password; `null`/absent when setting a first password.
    #[garde(skip)]
    pub current_password: Option<String>,
    /// New password (the password policy).
    #[garde(skip)]
    #[schema(schema_with = super::schema::password)]
    pub new_password: String,
}

/// A password change: the current password when one is set, and the new one.
#[derive(Debug)]
pub struct PasswordChange {
    /// The current password, when sent.
    pub current: Option<String>,
    /// The new password.
    pub new: Password,
}

impl TryFrom<ChangePasswordRequest> for PasswordChange {
    type Error = ApiError;

    fn try_from(r: ChangePasswordRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let new = f.check("new_password", Password::parse(&r.new_password));
        f.finish(new.map(|new| PasswordChange {
            current: r.current_password,
            new,
        }))
    }
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

impl TryFrom<DeleteMeRequest> for DeleteProof {
    type Error = ApiError;

    /// The proof: a confirmation word, a password, or both; neither is `400
    /// VALIDATION_ERROR`, another word `400 INVALID_CONFIRMATION`.
    fn try_from(r: DeleteMeRequest) -> Result<Self, ApiError> {
        if r.password.is_none() && r.confirmation.is_none() {
            return Err(ApiError::validation(
                "Invalid request body",
                vec![FieldError::field(
                    "confirmation",
                    "required",
                    "Send `confirmation: \"delete\"` or `password`",
                )],
            ));
        }
        if let Some(c) = &r.confirmation
            && !c.eq_ignore_ascii_case("delete")
        {
            return Err(ApiError::bad_request(
                "INVALID_CONFIRMATION",
                "Type \"delete\" to confirm account deletion",
            ));
        }
        Ok(DeleteProof {
            confirmation: r.confirmation.is_some(),
            password: r.password,
        })
    }
}

/// `POST /api/users/me/avatar`: a multipart form with the picture in the part `avatar`
/// (JPEG, PNG or WebP, at most 5 MB; see docs/API.md).
#[derive(utoipa::ToSchema)]
pub struct AvatarForm {
    /// The picture.
    #[schema(value_type = String, format = Binary)]
    pub avatar: Vec<u8>,
}
