//! Path ids: malformed ids are unknown resources (404), never 500.

use pursue_domain::ids::{DeviceId, EntryId, GoalId, GroupId, UserId};

use crate::error::ApiError;

/// A group id from the path.
pub fn group(s: &str) -> Result<GroupId, ApiError> {
    GroupId::parse(s).ok_or_else(|| ApiError::not_found("Group not found"))
}

/// A user id from the path.
pub fn user(s: &str) -> Result<UserId, ApiError> {
    UserId::parse(s).ok_or_else(|| ApiError::not_found("Member not found"))
}

/// A goal id from the path.
pub fn goal(s: &str) -> Result<GoalId, ApiError> {
    GoalId::parse(s).ok_or_else(|| ApiError::not_found("Goal not found"))
}

/// An entry id from the path.
pub fn entry(s: &str) -> Result<EntryId, ApiError> {
    EntryId::parse(s).ok_or_else(|| ApiError::not_found("Progress entry not found"))
}

/// A device id from the path (404 `DEVICE_NOT_FOUND` when malformed).
pub fn device(s: &str) -> Result<DeviceId, ApiError> {
    DeviceId::parse(s).ok_or_else(crate::error_map::device_not_found)
}
