//! `members`: active members with their pulse in the primary cadence's period.

use chrono::{DateTime, Utc};
use pursue_domain::goal::Cadence;
use pursue_domain::ids::{GoalId, GroupId};
use pursue_domain::period::Period;
use pursue_domain::progress::insights::monday_of;
use pursue_domain::role::GroupAction;
use pursue_ports::goals::GoalFilter;
use pursue_ports::groups::MemberRecord;
use pursue_ports::users::UserRecord;

use super::{InsightService, zone_or_utc};
use crate::errors::CoreError;
use crate::groups::access;

/// A member with the newest log of the current period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPulse {
    /// The member.
    pub member: MemberRecord,
    /// Newest `logged_at` on the group's goals in the member's current period.
    pub last_log_at: Option<DateTime<Utc>>,
}

impl InsightService {
    /// Active members (creator, admins, members, `joined_at`), each with the newest log
    /// of the primary cadence's current period in their own zone: daily when the group has
    /// a daily goal (today), else weekly (Monday … today), else none.
    pub async fn members(
        &self,
        caller: &UserRecord,
        group: GroupId,
    ) -> Result<Vec<MemberPulse>, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadMembers).await?;
        let members = self.groups.list_members(group).await?;
        let goals = self.goals.list_goals(group, GoalFilter::default()).await?;
        let primary = if goals.iter().any(|g| g.cadence == Cadence::Daily) {
            Some(Cadence::Daily)
        } else if goals.iter().any(|g| g.cadence == Cadence::Weekly) {
            Some(Cadence::Weekly)
        } else {
            None
        };
        let Some(primary) = primary.filter(|_| !members.is_empty()) else {
            return Ok(members
                .into_iter()
                .map(|member| MemberPulse {
                    member,
                    last_log_at: None,
                })
                .collect());
        };
        let zones = self
            .views
            .timezones(members.iter().map(|m| m.user_id).collect())
            .await?;
        let now = self.clock.now();
        let ranges: Vec<Period> = members
            .iter()
            .map(|m| {
                let zone = zone_or_utc(
                    zones
                        .iter()
                        .find(|(u, _)| *u == m.user_id)
                        .and_then(|(_, z)| z.as_deref()),
                );
                let today = zone.today(now);
                let start = if primary == Cadence::Daily {
                    today
                } else {
                    monday_of(today)
                };
                Period::new(start, today).unwrap_or(Period::containing(today, Cadence::Daily))
            })
            .collect();
        let from = ranges.iter().map(Period::start).min();
        let to = ranges.iter().map(Period::end).max();
        let ids: Vec<GoalId> = goals.iter().map(|g| g.id).collect();
        let entries = self.goals.entries_between(ids, None, from, to).await?;
        Ok(members
            .into_iter()
            .zip(ranges)
            .map(|(member, range)| {
                let last_log_at = entries
                    .iter()
                    .filter(|e| e.user_id == member.user_id && range.contains(e.period_start))
                    .map(|e| e.logged_at)
                    .max();
                MemberPulse {
                    member,
                    last_log_at,
                }
            })
            .collect())
    }
}
