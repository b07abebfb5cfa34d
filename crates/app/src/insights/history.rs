//! `member_history`: one member's goal summaries and log over a date range.

use std::collections::HashMap;

use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::Period;
use pursue_domain::progress::insights::{DayEntry, Summary, goal_summary};
use pursue_domain::role::GroupAction;
use pursue_domain::subscription::Tier;
use pursue_ports::goals::{EntryRecord, GoalFilter, GoalRecord};
use pursue_ports::groups::MemberRecord;
use pursue_ports::users::UserRecord;
use pursue_ports::views::EntryCursor;

use super::{InsightService, facts, oldest_first, zone_or_utc};
use crate::errors::CoreError;
use crate::groups::access;

/// Longest span (end − start, in days) a free caller may read.
pub const FREE_SPAN_DAYS: i64 = 30;
/// Longest span (end − start, in days) anyone may read.
pub const MAX_SPAN_DAYS: i64 = 729;

/// A checked history request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryQuery {
    /// The range (`start ≤ end`).
    pub range: Period,
    /// Page size, 1–50.
    pub limit: i64,
    /// Continue after this entry.
    pub cursor: Option<EntryCursor>,
}

/// One entry of the log with its goal and reaction counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogItem {
    /// The entry.
    pub entry: EntryRecord,
    /// Its goal.
    pub goal: GoalRecord,
    /// `(emoji, count)`, count descending.
    pub reactions: Vec<(String, i64)>,
}

/// A member's progress over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberHistory {
    /// The member.
    pub member: MemberRecord,
    /// Non-archived goals (`created_at` ascending) with their summaries.
    pub summaries: Vec<(GoalRecord, Summary)>,
    /// One page of the log, newest first.
    pub log: Vec<LogItem>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<EntryCursor>,
    /// Entries in the whole range.
    pub total: i64,
}

impl InsightService {
    /// A member's goal summaries and log (active members only). Order: group, caller's
    /// membership, target active, free callers up to 31 days, everyone up to 730.
    pub async fn member_history(
        &self,
        caller: &UserRecord,
        group: GroupId,
        target: UserId,
        query: HistoryQuery,
    ) -> Result<MemberHistory, CoreError> {
        access(&*self.groups, group, caller.id, GroupAction::ReadProgress).await?;
        let member = self
            .groups
            .find_member(group, target)
            .await?
            .ok_or(CoreError::TargetNotAMember)?;
        let span = (query.range.end() - query.range.start()).num_days();
        if span > FREE_SPAN_DAYS && self.tier_of(caller.id).await? == Tier::Free {
            return Err(CoreError::SubscriptionRequired(
                "Free tier users can view up to 30 days of member history. Upgrade to Premium for more."
                    .into(),
            ));
        }
        if span > MAX_SPAN_DAYS {
            return Err(CoreError::InvalidDateRange(
                "Date range cannot exceed 730 days".into(),
            ));
        }
        let goals = oldest_first(self.goals.list_goals(group, GoalFilter::default()).await?);
        let ids: Vec<GoalId> = goals.iter().map(|g| g.id).collect();
        let (from, to) = (query.range.start(), query.range.end());
        let entries = self
            .goals
            .entries_between(ids.clone(), Some(target), Some(from), Some(to))
            .await?;
        let summaries = summaries(&goals, query.range, &entries);
        let mut page = self
            .views
            .entry_page(ids, target, from, to, query.cursor, query.limit + 1)
            .await?;
        let has_more = i64::try_from(page.len()).unwrap_or(i64::MAX) > query.limit;
        page.truncate(usize::try_from(query.limit).unwrap_or(0));
        let next_cursor = has_more
            .then(|| page.last())
            .flatten()
            .map(|e| EntryCursor {
                logged_at: e.logged_at,
                entry_id: e.id,
            });
        let reactions = self
            .views
            .entry_reactions(page.iter().map(|e| e.id).collect())
            .await?;
        let mut by_entry: HashMap<EntryId, Vec<(String, i64)>> = HashMap::new();
        for r in reactions {
            by_entry
                .entry(r.entry_id)
                .or_default()
                .push((r.emoji, r.count));
        }
        let log = page
            .into_iter()
            .filter_map(|entry| {
                let goal = goals.iter().find(|g| g.id == entry.goal_id)?.clone();
                let reactions = by_entry.remove(&entry.id).unwrap_or_default();
                Some(LogItem {
                    entry,
                    goal,
                    reactions,
                })
            })
            .collect();
        Ok(MemberHistory {
            member,
            summaries,
            log,
            next_cursor,
            total: i64::try_from(entries.len()).unwrap_or(i64::MAX),
        })
    }
}

fn summaries(
    goals: &[GoalRecord],
    range: Period,
    entries: &[EntryRecord],
) -> Vec<(GoalRecord, Summary)> {
    let days: Vec<DayEntry> = entries.iter().map(day_entry).collect();
    let utc = zone_or_utc(None);
    goals
        .iter()
        .map(|g| (g.clone(), goal_summary(&facts(g, &utc), range, &days)))
        .collect()
}

/// The rules' view of an entry.
pub(crate) fn day_entry(e: &EntryRecord) -> DayEntry {
    DayEntry {
        goal: e.goal_id,
        date: e.period_start,
        value: e.value,
    }
}
