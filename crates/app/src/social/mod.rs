//! Reactions, nudges and the notification inbox (see docs/API.md, Reactions, Nudges and
//! Notifications).

mod inbox;
mod milestones;
mod nudges;
mod reactions;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use pursue_ports::goals::GoalRepository;
use pursue_ports::groups::GroupRepository;
use pursue_ports::social::SocialRepository;

pub use milestones::{MilestoneHandler, MilestoneLinks};
pub use nudges::{DAILY_NUDGE_LIMIT, SendNudge};

use crate::errors::CoreError;

/// Why a social operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SocialError {
    /// A shared group, goal or storage failure.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// A nudge to oneself.
    #[error("cannot nudge yourself")]
    CannotNudgeSelf,
    /// The recipient is not an active member of the group.
    #[error("recipient not in group")]
    RecipientNotInGroup,
    /// The goal has no check-in on that date.
    #[error("goal off day")]
    GoalOffDay,
    /// The pair already has a nudge that date.
    #[error("already nudged today")]
    AlreadyNudged,
    /// The sender reached the daily maximum.
    #[error("daily send limit")]
    DailyLimit,
}

impl From<pursue_ports::error::RepoError> for SocialError {
    fn from(e: pursue_ports::error::RepoError) -> Self {
        SocialError::Core(CoreError::Repo(e))
    }
}

/// Social use cases.
#[derive(Clone)]
pub struct SocialService {
    social: Arc<dyn SocialRepository>,
    groups: Arc<dyn GroupRepository>,
    goals: Arc<dyn GoalRepository>,
}

impl SocialService {
    /// Wires the ports.
    pub fn new(
        social: Arc<dyn SocialRepository>,
        groups: Arc<dyn GroupRepository>,
        goals: Arc<dyn GoalRepository>,
    ) -> Self {
        Self {
            social,
            groups,
            goals,
        }
    }
}
