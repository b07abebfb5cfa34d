//! `my_progress`: streaks, the week strip, the heatmap and per-goal breakdowns.

use chrono::{Days, NaiveDate};
use pursue_domain::ids::GoalId;
use pursue_domain::period::{Period, Timezone};
use pursue_domain::progress::insights::{
    DayBook, DayEntry, GoalFacts, breakdown, clip_from, dates_in, monday_of, whole_years,
};
use pursue_ports::users::UserRecord;

use super::history::day_entry;
use super::{InsightService, facts};
use crate::errors::CoreError;

/// Default window length in days (today included).
pub const DEFAULT_WINDOW_DAYS: u64 = 30;
/// Longest window in days.
pub const MAX_WINDOW_DAYS: i64 = 90;

/// A shape-checked My Progress request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MyProgressQuery {
    /// Window start.
    pub start: Option<NaiveDate>,
    /// Window end.
    pub end: Option<NaiveDate>,
    /// The zone of "today" (else the stored one).
    pub zone: Option<Timezone>,
}

/// One date's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPercent {
    /// The date.
    pub date: NaiveDate,
    /// 0–100.
    pub percent: i64,
}

/// One goal's completed periods in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownItem {
    /// The goal.
    pub goal_id: GoalId,
    /// Its title.
    pub goal_title: String,
    /// Complete periods.
    pub completed: i64,
    /// Periods.
    pub total: i64,
    /// 0–100.
    pub percent: i64,
}

/// The My Progress screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyProgress {
    /// Current streak in days.
    pub current_streak: i64,
    /// Longest streak of the last 730 days.
    pub longest_streak: i64,
    /// Monday of today's week.
    pub week_start: NaiveDate,
    /// Monday … Sunday (future dates 0).
    pub week: Vec<DayPercent>,
    /// The window.
    pub window: Period,
    /// Every date of the window.
    pub heatmap: Vec<DayPercent>,
    /// Per goal, by group name then goal creation.
    pub breakdown: Vec<BreakdownItem>,
}

impl InsightService {
    /// The caller's progress over their tracked goals (goals of groups where they are an
    /// active member). The window defaults to today − 29 … today and spans at most 90
    /// days.
    pub async fn my_progress(
        &self,
        caller: &UserRecord,
        query: MyProgressQuery,
    ) -> Result<MyProgress, CoreError> {
        let zone = match query.zone {
            Some(z) => z,
            None => self.zone_of(caller.id).await?,
        };
        let today = zone.today(self.clock.now());
        let window = window(query.start, query.end, today)?;
        let tracked = self.views.tracked_goals(caller.id).await?;
        let goals: Vec<GoalFacts> = tracked.iter().map(|t| facts(&t.goal, &zone)).collect();
        let horizon = today.checked_sub_days(Days::new(729)).unwrap_or(today);
        let years = whole_years(window);
        let from = horizon.min(years.start());
        let to = today.max(years.end());
        let entries: Vec<DayEntry> = if goals.is_empty() {
            Vec::new()
        } else {
            self.goals
                .entries_between(
                    goals.iter().map(|g| g.id).collect(),
                    Some(caller.id),
                    Some(from),
                    Some(to),
                )
                .await?
                .iter()
                .map(day_entry)
                .collect()
        };
        let book = DayBook::new(&goals, &entries);
        let (current_streak, longest_streak) = book.streaks(today);
        let week_start = monday_of(today);
        let week = (0..7)
            .filter_map(|i| week_start.checked_add_days(Days::new(i)))
            .map(|date| DayPercent {
                date,
                percent: if date > today { 0 } else { book.percent(date) },
            })
            .collect();
        let heatmap = dates_in(window)
            .into_iter()
            .map(|date| DayPercent {
                date,
                percent: book.percent(date),
            })
            .collect();
        let breakdown = tracked
            .iter()
            .zip(&goals)
            .map(|(t, f)| {
                let b = breakdown(f, clip_from(window, f.since), &entries);
                BreakdownItem {
                    goal_id: t.goal.id,
                    goal_title: t.goal.title.to_string(),
                    completed: b.completed,
                    total: b.total,
                    percent: b.percent,
                }
            })
            .collect();
        Ok(MyProgress {
            current_streak,
            longest_streak,
            week_start,
            week,
            window,
            heatmap,
            breakdown,
        })
    }
}

/// The window: both dates, one (the other from the default length), or neither
/// (today − 29 … today); `end ≥ start` and at most 90 days.
fn window(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Period, CoreError> {
    let back = |d: NaiveDate| {
        d.checked_sub_days(Days::new(DEFAULT_WINDOW_DAYS - 1))
            .unwrap_or(d)
    };
    let fwd = |d: NaiveDate| {
        d.checked_add_days(Days::new(DEFAULT_WINDOW_DAYS - 1))
            .unwrap_or(d)
    };
    let (s, e) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, fwd(s).min(today).max(s)),
        (None, Some(e)) => (back(e), e),
        (None, None) => (back(today), today),
    };
    let window = Period::new(s, e).map_err(|e| CoreError::invalid("end_date", e))?;
    if window.len_days() > MAX_WINDOW_DAYS {
        return Err(CoreError::invalid(
            "end_date",
            "the range must not exceed 90 days",
        ));
    }
    Ok(window)
}
