//! `list_goals`: goals of a group with the current period's progress of every member,
//! in three reads (members, goals, entries) whatever the number of goals.

use std::collections::HashMap;

use chrono::NaiveDate;
use pursue_domain::decimal::Decimal2;
use pursue_domain::ids::{GoalId, GroupId, UserId};
use pursue_domain::period::{Period, Timezone};
use pursue_domain::progress::{Aggregate, aggregate};
use pursue_domain::role::GroupAction;
use pursue_ports::goals::{EntryRecord, GoalFilter, GoalRecord};
use pursue_ports::groups::MemberRecord;
use pursue_ports::users::UserRecord;

use super::GoalService;
use crate::errors::CoreError;
use crate::groups::check_role;

/// A goal, with its current period's progress when asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalView {
    /// The goal.
    pub goal: GoalRecord,
    /// Progress in the period containing today.
    pub progress: Option<PeriodProgress>,
}

/// Progress of a goal in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodProgress {
    /// The period.
    pub period: Period,
    /// The caller's progress.
    pub user: UserProgress,
    /// Every member's progress, caller included.
    pub members: Vec<MemberProgress>,
}

/// The caller's progress in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProgress {
    /// Totals.
    pub aggregate: Aggregate,
    /// `(date, value)` of each entry, by date.
    pub entries: Vec<(NaiveDate, Decimal2)>,
}

/// One member's progress in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberProgress {
    /// The member.
    pub member: MemberRecord,
    /// Totals.
    pub aggregate: Aggregate,
}

impl GoalService {
    /// Goals of the group (members only) under `filter`; with `include_progress`, the
    /// period containing today in `zone` for each goal's cadence.
    #[tracing::instrument(level = "debug", name = "goals.list_goals", skip_all)]
    pub async fn list_goals(
        &self,
        caller: &UserRecord,
        group: GroupId,
        filter: GoalFilter,
        include_progress: bool,
        zone: &Timezone,
    ) -> Result<Vec<GoalView>, CoreError> {
        let members = self.groups.list_members(group).await?;
        let role = members
            .iter()
            .find(|m| m.user_id == caller.id)
            .map(|m| m.role);
        check_role(
            &*self.groups,
            group,
            caller.id,
            role,
            GroupAction::ReadGoals,
        )
        .await?;
        let goals = self.goals.list_goals(group, filter).await?;
        if !include_progress || goals.is_empty() {
            return Ok(goals
                .into_iter()
                .map(|goal| GoalView {
                    goal,
                    progress: None,
                })
                .collect());
        }
        let today = zone.today(self.clock.now());
        let periods: Vec<Period> = goals
            .iter()
            .map(|g| Period::containing(today, g.cadence))
            .collect();
        let from = periods.iter().map(Period::start).min();
        let to = periods.iter().map(Period::end).max();
        let ids: Vec<GoalId> = goals.iter().map(|g| g.id).collect();
        let entries = self.goals.entries_between(ids, None, from, to).await?;
        let mut by_goal: HashMap<GoalId, Vec<&EntryRecord>> = HashMap::new();
        for e in &entries {
            by_goal.entry(e.goal_id).or_default().push(e);
        }
        Ok(goals
            .into_iter()
            .zip(periods)
            .map(|(goal, period)| {
                let in_period: Vec<&EntryRecord> = by_goal
                    .get(&goal.id)
                    .map(|v| {
                        v.iter()
                            .copied()
                            .filter(|e| period.contains(e.period_start))
                            .collect()
                    })
                    .unwrap_or_default();
                let progress = period_progress(&goal, period, &in_period, &members, caller.id);
                GoalView {
                    goal,
                    progress: Some(progress),
                }
            })
            .collect())
    }
}

fn values_of<'a>(entries: &[&'a EntryRecord], user: UserId) -> Vec<&'a EntryRecord> {
    entries
        .iter()
        .copied()
        .filter(|e| e.user_id == user)
        .collect()
}

fn period_progress(
    goal: &GoalRecord,
    period: Period,
    entries: &[&EntryRecord],
    members: &[MemberRecord],
    caller: UserId,
) -> PeriodProgress {
    let agg = |user: UserId| {
        let values: Vec<Decimal2> = values_of(entries, user).iter().map(|e| e.value).collect();
        aggregate(goal.metric, goal.target_value, &values)
    };
    let mine = values_of(entries, caller);
    PeriodProgress {
        period,
        user: UserProgress {
            aggregate: agg(caller),
            entries: mine.iter().map(|e| (e.period_start, e.value)).collect(),
        },
        members: members
            .iter()
            .map(|m| MemberProgress {
                member: m.clone(),
                aggregate: agg(m.user_id),
            })
            .collect(),
    }
}
