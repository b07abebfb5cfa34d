//! Progress views: the members' pulse, a member's history, My Progress and the group
//! export (see docs/API.md, Progress views and Export).

mod export;
mod history;
mod members;
mod mine;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pursue_domain::goal::Cadence;
use pursue_domain::ids::UserId;
use pursue_domain::period::Timezone;
use pursue_domain::progress::insights::GoalFacts;
use pursue_domain::subscription::Tier;
use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::goals::{GoalRecord, GoalRepository};
use pursue_ports::groups::GroupRepository;
use pursue_ports::subscriptions::TierSource;
use pursue_ports::views::ProgressViews;

pub use export::{
    ExportReport, ExportRow, ExportSheet, RangeCheck, SheetNames, YearlyRow, file_name,
    percent_1dp, range_check, tier_max_days, tier_message,
};
pub use history::{FREE_SPAN_DAYS, HistoryQuery, LogItem, MAX_SPAN_DAYS, MemberHistory};
pub use members::MemberPulse;
pub use mine::{BreakdownItem, DayPercent, MyProgress, MyProgressQuery};

use crate::errors::CoreError;

/// Progress-view use cases.
#[derive(Clone)]
pub struct InsightService {
    groups: Arc<dyn GroupRepository>,
    goals: Arc<dyn GoalRepository>,
    views: Arc<dyn ProgressViews>,
    tiers: Arc<dyn TierSource>,
    clock: Arc<dyn Clock>,
}

impl InsightService {
    /// Wires the ports.
    pub fn new(
        groups: Arc<dyn GroupRepository>,
        goals: Arc<dyn GoalRepository>,
        views: Arc<dyn ProgressViews>,
        tiers: Arc<dyn TierSource>,
    ) -> Self {
        Self {
            groups,
            goals,
            views,
            tiers,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` (today's periods) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The stored zone of `user` (unknown or invalid → UTC).
    async fn zone_of(&self, user: UserId) -> Result<Timezone, CoreError> {
        let zones = self.views.timezones(vec![user]).await?;
        Ok(zone_or_utc(
            zones
                .into_iter()
                .find(|(u, _)| *u == user)
                .and_then(|(_, z)| z)
                .as_deref(),
        ))
    }

    async fn tier_of(&self, user: UserId) -> Result<Tier, CoreError> {
        Ok(self.tiers.tier_of(user).await?)
    }
}

/// The zone named `name`, UTC when absent or unknown.
pub(crate) fn zone_or_utc(name: Option<&str>) -> Timezone {
    name.and_then(|z| Timezone::parse(z).ok())
        .unwrap_or_else(Timezone::utc)
}

/// The goal's facts for the rules, tracked from the local date of its creation.
pub(crate) fn facts(goal: &GoalRecord, zone: &Timezone) -> GoalFacts {
    GoalFacts {
        id: goal.id,
        cadence: goal.cadence,
        metric: goal.metric,
        target: goal.target_value,
        active_days: goal.active_days,
        since: local_date(goal.created_at, zone),
    }
}

fn local_date(at: DateTime<Utc>, zone: &Timezone) -> NaiveDate {
    at.with_timezone(&zone.tz()).date_naive()
}

/// Non-archived goals by `created_at` ascending, then id.
pub(crate) fn oldest_first(mut goals: Vec<GoalRecord>) -> Vec<GoalRecord> {
    goals.retain(|g| g.archived_at.is_none());
    goals.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.id.as_uuid().cmp(&b.id.as_uuid()))
    });
    goals
}

/// The capitalised cadence (`Daily`, …).
pub fn cadence_label(c: Cadence) -> &'static str {
    match c {
        Cadence::Daily => "Daily",
        Cadence::Weekly => "Weekly",
        Cadence::Monthly => "Monthly",
        Cadence::Yearly => "Yearly",
    }
}
