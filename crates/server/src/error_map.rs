//! The mapping table from use-case errors to HTTP: the one place that chooses statuses and
//! codes for business outcomes.

use actix_web::http::StatusCode;
use pursue_app::accounts::{AccountError, AuthError};
use pursue_ports::error::RepoError;

use crate::error::ApiError;

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Unavailable(cause) => ApiError::unavailable(&format!("{cause:#}")),
            RepoError::Unexpected(cause) => ApiError::internal(&cause),
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
            AccountError::Repo(e) => e.into(),
            AccountError::Crypto(e) => ApiError::internal(&anyhow::anyhow!(e)),
        }
    }
}
