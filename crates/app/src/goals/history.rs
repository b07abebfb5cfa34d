//! `goal_progress` (everyone's entries) and `my_progress` over a date range.

use chrono::NaiveDate;
use pursue_domain::ids::{GoalId, UserId};
use pursue_domain::role::GroupAction;
use pursue_ports::goals::{EntryRecord, GoalRecord};
use pursue_ports::users::UserRecord;

use super::GoalService;
use crate::errors::CoreError;
use crate::groups::authorize_in;

/// Entries of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntries {
    /// The user.
    pub user_id: UserId,
    /// Display name.
    pub display_name: String,
    /// Entries by `period_start`.
    pub entries: Vec<EntryRecord>,
}

/// A goal's entries grouped by user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalHistory {
    /// The goal.
    pub goal: GoalRecord,
    /// One item per current member with entries in the range.
    pub users: Vec<MemberEntries>,
}

fn check_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), CoreError> {
    match (from, to) {
        (Some(f), Some(t)) if t < f => Err(CoreError::invalid(
            "end_date",
            "end_date must not be before start_date",
        )),
        _ => Ok(()),
    }
}

impl GoalService {
    /// Every member's entries of an active goal in `[from, to]` (members only).
    #[tracing::instrument(level = "debug", name = "goals.goal_progress", skip_all)]
    pub async fn goal_progress(
        &self,
        caller: &UserRecord,
        id: GoalId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<GoalHistory, CoreError> {
        check_range(from, to)?;
        let goal = self.active_goal(id).await?;
        authorize_in(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::ReadProgress,
        )
        .await?;
        let entries = self.goals.entries_between(vec![id], None, from, to).await?;
        let members = self.groups.list_members(goal.group_id).await?;
        let users = members
            .into_iter()
            .filter_map(|m| {
                let mine: Vec<EntryRecord> = entries
                    .iter()
                    .filter(|e| e.user_id == m.user_id)
                    .cloned()
                    .collect();
                (!mine.is_empty()).then_some(MemberEntries {
                    user_id: m.user_id,
                    display_name: m.display_name.into_inner(),
                    entries: mine,
                })
            })
            .collect();
        Ok(GoalHistory { goal, users })
    }

    /// The goal and the caller's entries of it in `[from, to]` (members only).
    #[tracing::instrument(level = "debug", name = "goals.my_progress", skip_all)]
    pub async fn my_progress(
        &self,
        caller: &UserRecord,
        id: GoalId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(GoalRecord, Vec<EntryRecord>), CoreError> {
        check_range(from, to)?;
        let goal = self.active_goal(id).await?;
        authorize_in(
            &*self.groups,
            goal.group_id,
            caller.id,
            GroupAction::ReadProgress,
        )
        .await?;
        let entries = self
            .goals
            .entries_between(vec![id], Some(caller.id), from, to)
            .await?;
        Ok((goal, entries))
    }
}
