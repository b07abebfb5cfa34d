//! The mapping table from use-case errors to HTTP: the one place that chooses statuses and
//! codes for business outcomes.

use actix_web::http::StatusCode;
use pursue_app::accounts::{AccountError, AuthError};
use pursue_app::devices::DeviceError;
use pursue_app::errors::CoreError;
use pursue_app::images::ImageFailure;
use pursue_app::social::SocialError;
use pursue_domain::role::{Denied, LeaveError, RemovalError, RoleChangeError};
use pursue_domain::user::BirthDateError;
use pursue_ports::error::RepoError;
use pursue_ports::images::{ImageError, StoreError};

use crate::error::ApiError;

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Unavailable(cause) => ApiError::unavailable(&format!("{cause:#}")),
            RepoError::Unexpected(cause) => ApiError::internal(&cause),
            // The write's own re-check refused: the same answer as the use case's check.
            RepoError::Denied(denied) => CoreError::Forbidden(denied).into(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_TOKEN",
                "Invalid or expired token",
            ),
            AuthError::Repo(e) => e.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::EmailExists => ApiError::new(
                StatusCode::CONFLICT,
                "EMAIL_EXISTS",
                "An account with this email already exists",
            ),
            AccountError::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_CREDENTIALS",
                "Invalid email or password",
            ),
            AccountError::InvalidRefreshToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_REFRESH_TOKEN",
                "Invalid or expired refresh token",
            ),
            AccountError::InvalidResetToken => ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_RESET_TOKEN",
                "Invalid or expired reset token",
            ),
            AccountError::GoogleDisabled => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "GOOGLE_SIGNIN_DISABLED",
                "Google sign-in is not configured on this server",
            ),
            AccountError::GoogleMalformed => ApiError::field("id_token", "must be a JWT"),
            AccountError::InvalidGoogleToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_GOOGLE_TOKEN",
                "Invalid Google token",
            ),
            AccountError::GoogleUnavailable(cause) => ApiError::unavailable(&format!("{cause:#}")),
            AccountError::GoogleAccountInUse => ApiError::new(
                StatusCode::CONFLICT,
                "GOOGLE_ACCOUNT_IN_USE",
                "This Google account is linked to another user",
            ),
            AccountError::AlreadyLinked => ApiError::new(
                StatusCode::CONFLICT,
                "ALREADY_LINKED",
                "A Google account is already linked",
            ),
            AccountError::NoPassword => ApiError::new(
                StatusCode::BAD_REQUEST,
                "NO_PASSWORD",
                "This account has no password; omit current_password to set one",
            ),
            AccountError::InvalidPassword => ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_PASSWORD",
                "Password is incorrect",
            ),
            AccountError::PasswordRequired => ApiError::new(
                StatusCode::BAD_REQUEST,
                "PASSWORD_REQUIRED",
                "current_password is required",
            ),
            AccountError::CannotUnlinkLastProvider => ApiError::new(
                StatusCode::BAD_REQUEST,
                "CANNOT_UNLINK_LAST_PROVIDER",
                "Cannot unlink the last sign-in method",
            ),
            AccountError::ProviderNotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "PROVIDER_NOT_FOUND",
                "Provider not linked",
            ),
            // Only `/users/me…` use cases report it: the token was accepted, then the
            // caller's own row vanished (see docs/API.md, Unknown routes).
            AccountError::UserGone => ApiError::not_found("User not found"),
            // The age rule needs the day, so the use case checks it (docs/API.md, Age and
            // consents); the app matches "18 or older".
            AccountError::InvalidBirthDate => {
                ApiError::field("date_of_birth", BirthDateError::Invalid)
            }
            AccountError::UnderAge { signing_up } => ApiError::bad_request(
                "UNDER_AGE",
                if signing_up {
                    "You must be 18 or older to create an account."
                } else {
                    "You must be 18 or older to use Pursue."
                },
            ),
            AccountError::ConsentRequired => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "CONSENT_REQUIRED",
                "You must accept the Terms of Service and Privacy Policy to create an account.",
            ),
            AccountError::AccountDeleted { purge_date } => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "ACCOUNT_DELETED",
                format!(
                    "This account was deleted; its email can be used again after {}.",
                    purge_date.format("%Y-%m-%d")
                ),
            ),
            AccountError::Repo(e) => e.into(),
            AccountError::Crypto(e) => match e.as_busy() {
                // Password hashing is saturated (see docs/API.md, Errors): retry shortly.
                Some(busy) => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SERVER_BUSY",
                    "The server is busy, please retry shortly",
                )
                .with_retry_after(busy.retry_after_secs),
                None => ApiError::internal(&anyhow::anyhow!(e)),
            },
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let bad = ApiError::bad_request;
        match e {
            CoreError::NotFound => ApiError::not_found("Resource not found"),
            CoreError::Forbidden(Denied::NotMember) => {
                ApiError::forbidden("You are not a member of this group")
            }
            CoreError::Forbidden(Denied::RoleTooLow) => {
                ApiError::forbidden("Your role does not allow this action")
            }
            CoreError::Forbidden(Denied::PendingApproval) => ApiError::new(
                StatusCode::FORBIDDEN,
                "PENDING_APPROVAL",
                "Your request to join this group is awaiting approval",
            ),
            CoreError::NotOwner => ApiError::forbidden("Only the owner may do this"),
            CoreError::RoleChange(RoleChangeError::CannotChangeOwnRole) => {
                bad("CANNOT_CHANGE_OWN_ROLE", "You cannot change your own role")
            }
            CoreError::RoleChange(RoleChangeError::CannotDemoteCreator) => bad(
                "CANNOT_DEMOTE_CREATOR",
                "The group creator's role cannot be changed",
            ),
            CoreError::Removal(RemovalError::CannotRemoveSelf) => bad(
                "CANNOT_REMOVE_SELF",
                "You cannot remove yourself; leave the group instead",
            ),
            CoreError::Removal(RemovalError::CannotRemoveCreator) => bad(
                "CANNOT_REMOVE_CREATOR",
                "The group creator cannot be removed",
            ),
            CoreError::Leave(LeaveError::CannotLeaveAsCreator) => bad(
                "CANNOT_LEAVE_AS_CREATOR",
                "The creator cannot leave while other members remain",
            ),
            CoreError::Cap(cap) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RESOURCE_LIMIT_EXCEEDED",
                format!("Resource limit exceeded: {}", cap.resource.as_str()),
            )
            .with_extra("limit", cap.limit)
            .with_extra("current", cap.current)
            .with_extra("resource", cap.resource.as_str()),
            CoreError::InvalidInvite => ApiError::new(
                StatusCode::NOT_FOUND,
                "INVALID_INVITE_CODE",
                "Invalid invite code",
            ),

            CoreError::AlreadyMember => ApiError::new(
                StatusCode::CONFLICT,
                "ALREADY_MEMBER",
                "You are already a member of this group",
            ),
            CoreError::AlreadyPending => ApiError::new(
                StatusCode::CONFLICT,
                "ALREADY_MEMBER",
                "You already have a pending request for this group",
            ),
            CoreError::DuplicateEntry => bad(
                "DUPLICATE_ENTRY",
                "Progress for this goal is already logged for that date",
            ),
            CoreError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used with a different request",
            ),
            CoreError::Invalid { field, message } => ApiError::field(field, message),
            CoreError::TargetNotAMember => ApiError::new(
                StatusCode::FORBIDDEN,
                "TARGET_NOT_A_MEMBER",
                "The requested user is not a member of this group",
            ),
            CoreError::SubscriptionRequired(message) => {
                ApiError::new(StatusCode::FORBIDDEN, "SUBSCRIPTION_REQUIRED", message)
            }
            CoreError::WriteDenied(denied) => write_denied_error(denied),
            CoreError::GroupLimit(limit) => group_limit_error(limit),
            CoreError::InvalidDateRange(message) => {
                ApiError::bad_request("INVALID_DATE_RANGE", message)
            }
            CoreError::Repo(e) => e.into(),
        }
    }
}

impl From<pursue_app::export::ExportError> for ApiError {
    fn from(e: pursue_app::export::ExportError) -> Self {
        match e {
            pursue_app::export::ExportError::UserGone => ApiError::not_found("User not found"),
            pursue_app::export::ExportError::Repo(e) => e.into(),
        }
    }
}

impl From<pursue_app::subscriptions::SubscriptionError> for ApiError {
    fn from(e: pursue_app::subscriptions::SubscriptionError) -> Self {
        use pursue_app::subscriptions::SubscriptionError as E;
        let bad = ApiError::bad_request;
        match e {
            E::InvalidProduct => bad("INVALID_PRODUCT", "Unknown product"),
            E::UnsupportedPlatform => bad(
                "UNSUPPORTED_PLATFORM",
                "App Store purchases are not supported yet",
            ),
            E::TokenInUse => ApiError::new(
                StatusCode::CONFLICT,
                "PURCHASE_TOKEN_IN_USE",
                "This purchase belongs to another account",
            ),
            E::InvalidToken => bad(
                "INVALID_PURCHASE_TOKEN",
                "The purchase could not be verified",
            ),
            E::VerificationUnavailable(cause) => {
                tracing::error!(error = format!("{cause:#}"), "purchase verification failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "PURCHASE_VERIFICATION_FAILED",
                    "The purchase could not be verified right now, please retry",
                )
            }
            E::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "SUBSCRIPTION_NOT_FOUND",
                "No active subscription",
            ),
            E::InvalidState => bad("INVALID_STATE", "You are not over your group limit"),
            E::InvalidGroup => bad(
                "INVALID_GROUP",
                "You are not an active member of this group",
            ),
            E::Repo(e) => e.into(),
        }
    }
}

/// The subscription write check refused a group write: `403
/// SUBSCRIPTION_GROUP_SELECTION_REQUIRED` or `403 GROUP_READ_ONLY` with the date.
pub fn write_denied_error(denied: pursue_domain::subscription_state::WriteDenied) -> ApiError {
    use pursue_domain::subscription_state::WriteDenied as W;
    match denied {
        W::SelectionRequired => ApiError::new(
            StatusCode::FORBIDDEN,
            "SUBSCRIPTION_GROUP_SELECTION_REQUIRED",
            "Select which group to keep in your subscription settings.",
        ),
        W::ReadOnly { until } => ApiError::new(
            StatusCode::FORBIDDEN,
            "GROUP_READ_ONLY",
            format!(
                "This group is read-only until {}.",
                until.format("%Y-%m-%d")
            ),
        ),
    }
}

/// `403 GROUP_LIMIT_REACHED` with the message for the tier and the action.
pub fn group_limit_error(limit: pursue_app::subscriptions::GroupLimitReached) -> ApiError {
    use pursue_app::subscriptions::GroupLimitAction as A;
    let message = match (limit.premium, limit.action) {
        (false, A::Create) => "Upgrade to Premium to create additional groups",
        (false, A::Join) => "Upgrade to Premium to join more groups",
        (false, A::Approve) => {
            "User has reached free tier group limit. Upgrade to Premium to approve."
        }
        (true, A::Approve) => "User has reached maximum groups (10).",
        (true, _) => "Maximum groups reached (10)",
    };
    ApiError::new(StatusCode::FORBIDDEN, "GROUP_LIMIT_REACHED", message)
}

/// `404 DEVICE_NOT_FOUND`: the same answer for a missing device and someone else's.
pub fn device_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "DEVICE_NOT_FOUND",
        "Device not found",
    )
}

impl From<DeviceError> for ApiError {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::NotFound => device_not_found(),
            DeviceError::Repo(e) => e.into(),
        }
    }
}

impl From<ImageFailure> for ApiError {
    fn from(e: ImageFailure) -> Self {
        match e {
            ImageFailure::Rejected(ImageError::FileTooLarge { .. }) => {
                ApiError::bad_request("FILE_TOO_LARGE", "File is too large. Maximum size is 5MB")
            }
            ImageFailure::Rejected(ImageError::InvalidFileType(_)) => ApiError::bad_request(
                "INVALID_FILE_TYPE",
                "Invalid file type. Only JPEG, PNG and WebP images are allowed",
            ),
            ImageFailure::Rejected(ImageError::InvalidImage(_)) => ApiError::bad_request(
                "INVALID_IMAGE",
                "The file is not a valid image, or it is larger than 4096 pixels on a side",
            ),
            ImageFailure::Rejected(other) => ApiError::internal(&anyhow::Error::new(other)),
            ImageFailure::Store(StoreError::Unavailable(cause)) => {
                ApiError::unavailable(&format!("image store: {cause:#}"))
            }
            ImageFailure::Store(other) => ApiError::internal(&anyhow::Error::new(other)),
            ImageFailure::Core(e) => e.into(),
            ImageFailure::Fetch(e) => ApiError::unavailable(&e),
        }
    }
}

impl From<SocialError> for ApiError {
    fn from(e: SocialError) -> Self {
        match e {
            SocialError::Core(e) => e.into(),
            SocialError::CannotNudgeSelf => {
                ApiError::bad_request("CANNOT_NUDGE_SELF", "You cannot nudge yourself")
            }
            SocialError::RecipientNotInGroup => ApiError::new(
                StatusCode::FORBIDDEN,
                "RECIPIENT_NOT_IN_GROUP",
                "The recipient is not a member of this group",
            ),
            SocialError::GoalOffDay => {
                ApiError::bad_request("GOAL_OFF_DAY", "This goal is not scheduled for that day")
            }
            SocialError::AlreadyNudged => ApiError::new(
                StatusCode::CONFLICT,
                "ALREADY_NUDGED_TODAY",
                "ALREADY_NUDGED_TODAY: You already nudged this person today",
            ),
            SocialError::DailyLimit => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "DAILY_SEND_LIMIT",
                "DAILY_SEND_LIMIT: You have reached the daily nudge limit (20)",
            ),
        }
    }
}
