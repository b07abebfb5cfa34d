//! The error of the group, goal and progress use cases.

use pursue_domain::caps::CapExceeded;
use pursue_domain::role::{Denied, LeaveError, RemovalError, RoleChangeError};
use pursue_ports::error::RepoError;
use pursue_ports::groups::{CapError, JoinError};
use pursue_ports::progress::LogError;

/// Why a group, goal or progress operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The group, goal, member or entry does not exist (or is archived).
    #[error("not found")]
    NotFound,
    /// Not a member, or the role is too low.
    #[error(transparent)]
    Forbidden(#[from] Denied),
    /// Only the owner of an entry may do this.
    #[error("only the owner may do this")]
    NotOwner,
    /// A role change the rules refuse.
    #[error(transparent)]
    RoleChange(#[from] RoleChangeError),
    /// A removal the rules refuse.
    #[error(transparent)]
    Removal(#[from] RemovalError),
    /// Leaving refused.
    #[error(transparent)]
    Leave(#[from] LeaveError),
    /// A cap would be passed.
    #[error(transparent)]
    Cap(#[from] CapExceeded),
    /// Unknown or revoked invite code, or its group is gone.
    #[error("invalid invite code")]
    InvalidInvite,
    /// Already a member of the group.
    #[error("already a member")]
    AlreadyMember,
    /// A join request for the group is already pending.
    #[error("join request already pending")]
    AlreadyPending,
    /// A binary goal already has an entry for that date.
    #[error("duplicate entry")]
    DuplicateEntry,
    /// The idempotency key was used with another request.
    #[error("idempotency key reused")]
    KeyReused,
    /// A field breaks a rule that needs the stored state (zone, date, value).
    #[error("{field}: {message}")]
    Invalid {
        /// The request field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The member whose progress is asked for is not an active member.
    #[error("target is not a member")]
    TargetNotAMember,
    /// The caller's tier does not allow this (message for the client).
    #[error("{0}")]
    SubscriptionRequired(String),
    /// The subscription makes the group read-only for the caller, or a group to keep
    /// must be chosen first (docs/API.md, Subscriptions).
    #[error("write denied by the subscription: {0:?}")]
    WriteDenied(pursue_domain::subscription_state::WriteDenied),
    /// The subscription's group limit is reached.
    #[error("group limit reached")]
    GroupLimit(crate::subscriptions::GroupLimitReached),
    /// A date range the rules refuse (message for the client).
    #[error("{0}")]
    InvalidDateRange(String),
    /// Storage failure.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl CoreError {
    /// A validation failure of `field`.
    pub fn invalid(field: &'static str, problem: impl std::fmt::Display) -> Self {
        CoreError::Invalid {
            field,
            message: problem.to_string(),
        }
    }
}

impl From<CapError> for CoreError {
    fn from(e: CapError) -> Self {
        match e {
            CapError::Cap(c) => CoreError::Cap(c),
            CapError::CodeTaken => CoreError::Repo(RepoError::Unexpected(anyhow::anyhow!(
                "invite code collision"
            ))),
            CapError::GroupGone => CoreError::NotFound,
            CapError::Repo(r) => CoreError::Repo(r),
        }
    }
}

impl From<JoinError> for CoreError {
    fn from(e: JoinError) -> Self {
        match e {
            JoinError::InvalidCode => CoreError::InvalidInvite,
            JoinError::AlreadyMember => CoreError::AlreadyMember,
            JoinError::AlreadyPending => CoreError::AlreadyPending,
            // `GroupService::join` answers with the tier it read; free is the default.
            JoinError::GroupLimit => {
                CoreError::GroupLimit(crate::subscriptions::GroupLimitReached {
                    premium: false,
                    action: crate::subscriptions::GroupLimitAction::Join,
                })
            }
            JoinError::Cap(c) => CoreError::Cap(c),
            JoinError::Repo(r) => CoreError::Repo(r),
        }
    }
}

impl From<LogError> for CoreError {
    fn from(e: LogError) -> Self {
        match e {
            LogError::Refused(r) => r.into(),
            LogError::Duplicate => CoreError::DuplicateEntry,
            LogError::KeyReused => CoreError::KeyReused,
            LogError::Repo(r) => CoreError::Repo(r),
        }
    }
}
