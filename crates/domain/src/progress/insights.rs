//! Progress over date ranges: periods per cadence, completion, goal summaries, streaks,
//! the week strip, the heatmap and per-goal breakdowns (see docs/API.md, Progress views).
//!
//! Every rule works on civil dates; entries are `(goal, local date, value)` triples.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};

use crate::decimal::Decimal2;
use crate::goal::{ActiveDays, Cadence, MetricType};
use crate::ids::GoalId;
use crate::period::Period;
use crate::progress::percentage;

/// How far back the longest streak looks, in days (today included).
pub const STREAK_HORIZON_DAYS: u64 = 730;

/// The facts about a goal the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalFacts {
    /// The goal.
    pub id: GoalId,
    /// Cadence.
    pub cadence: Cadence,
    /// Metric.
    pub metric: MetricType,
    /// Target, if any.
    pub target: Option<Decimal2>,
    /// Active days (daily goals; `None` = every day).
    pub active_days: Option<ActiveDays>,
    /// First tracked date (the local date of its creation).
    pub since: NaiveDate,
}

/// One logged value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayEntry {
    /// The goal.
    pub goal: GoalId,
    /// The local date of the log.
    pub date: NaiveDate,
    /// The value.
    pub value: Decimal2,
}

fn next_day(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_add_days(Days::new(1))
}

/// The periods of `cadence` that intersect `range`, in order.
pub fn periods_in(cadence: Cadence, range: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut cursor = Some(range.start());
    while let Some(day) = cursor.filter(|d| *d <= range.end()) {
        let p = Period::containing(day, cadence);
        out.push(p);
        cursor = next_day(p.end());
    }
    out
}

/// The dates of `range`, in order.
pub fn dates_in(range: Period) -> Vec<NaiveDate> {
    range
        .start()
        .iter_days()
        .take_while(|d| *d <= range.end())
        .collect()
}

/// Whether `date` counts for the goal: always for non-daily goals, active days for daily.
fn counts_on(goal: &GoalFacts, date: NaiveDate) -> bool {
    goal.cadence != Cadence::Daily || ActiveDays::is_active(goal.active_days, date)
}

/// Number of periods `P` of a goal within `range`: active days for daily goals,
/// intersecting periods otherwise.
pub fn period_count(goal: &GoalFacts, range: Period) -> i64 {
    if goal.cadence == Cadence::Daily {
        let n = dates_in(range)
            .into_iter()
            .filter(|d| counts_on(goal, *d))
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    } else {
        i64::try_from(periods_in(goal.cadence, range).len()).unwrap_or(i64::MAX)
    }
}

/// Completed, total and percentage of one goal over a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Binary/journal: done dates; numeric/duration: sum.
    pub completed: Decimal2,
    /// `P × (target or 1)` (binary/journal) or `P × (target or 0)`.
    pub total: Decimal2,
    /// `min(100, round_half_up(100 · completed / total))`, 0 when total is 0.
    pub percentage: i64,
}

fn times(count: i64, unit: Decimal2) -> Decimal2 {
    let v = i128::from(count) * i128::from(unit.hundredths());
    Decimal2::from_hundredths(i64::try_from(v).unwrap_or(i64::MAX))
}

/// The member-progress summary of one goal over `range` from one user's `entries`
/// (entries of other goals, outside the range or on off days are ignored).
pub fn goal_summary(goal: &GoalFacts, range: Period, entries: &[DayEntry]) -> Summary {
    let mine = entries
        .iter()
        .filter(|e| e.goal == goal.id && range.contains(e.date) && counts_on(goal, e.date));
    let p = period_count(goal, range);
    let (completed, total) = if goal.metric.counts_days() {
        let days: HashSet<NaiveDate> = mine
            .filter(|e| e.value == Decimal2::ONE)
            .map(|e| e.date)
            .collect();
        let done = i64::try_from(days.len()).unwrap_or(i64::MAX);
        (
            times(done, Decimal2::ONE),
            times(p, goal.target.unwrap_or(Decimal2::ONE)),
        )
    } else {
        let sum = mine.fold(Decimal2::ZERO, |acc, e| acc.saturating_add(e.value));
        (sum, times(p, goal.target.unwrap_or(Decimal2::ZERO)))
    };
    Summary {
        completed,
        total,
        percentage: capped_percentage(completed, total),
    }
}

/// `round_half_up(100 · c / t)` capped at 100; 0 when `t` is 0.
pub fn capped_percentage(completed: Decimal2, total: Decimal2) -> i64 {
    percentage(completed, total).min(100)
}

/// Whether the goal's period `period` is complete: for binary/journal the value-1 dates
/// reach the target (or 1), for numeric/duration the sum reaches the target (or is > 0).
/// Daily goals count their period only on an active day.
pub fn period_complete(goal: &GoalFacts, period: Period, entries: &[DayEntry]) -> bool {
    let mine = entries
        .iter()
        .filter(|e| e.goal == goal.id && period.contains(e.date) && counts_on(goal, e.date));
    if goal.metric.counts_days() {
        let days: HashSet<NaiveDate> = mine
            .filter(|e| e.value == Decimal2::ONE)
            .map(|e| e.date)
            .collect();
        let done = times(i64::try_from(days.len()).unwrap_or(i64::MAX), Decimal2::ONE);
        done >= goal.target.unwrap_or(Decimal2::ONE)
    } else {
        let sum = mine.fold(Decimal2::ZERO, |acc, e| acc.saturating_add(e.value));
        match goal.target {
            Some(t) => sum >= t,
            None => sum > Decimal2::ZERO,
        }
    }
}

/// Completed and possible periods of a goal over `range` (daily: active days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown {
    /// Complete periods.
    pub completed: i64,
    /// Periods in the range.
    pub total: i64,
    /// `round_half_up(100 · completed / total)`, 0 when total is 0.
    pub percent: i64,
}

/// The breakdown of one goal over `range` (`None` = no date of the range is tracked).
pub fn breakdown(goal: &GoalFacts, range: Option<Period>, entries: &[DayEntry]) -> Breakdown {
    let Some(range) = range else {
        return Breakdown {
            completed: 0,
            total: 0,
            percent: 0,
        };
    };
    let periods: Vec<Period> = if goal.cadence == Cadence::Daily {
        dates_in(range)
            .into_iter()
            .filter(|d| counts_on(goal, *d))
            .map(|d| Period::containing(d, Cadence::Daily))
            .collect()
    } else {
        periods_in(goal.cadence, range)
    };
    let total = i64::try_from(periods.len()).unwrap_or(i64::MAX);
    let completed = periods
        .iter()
        .filter(|p| period_complete(goal, **p, entries))
        .count();
    let completed = i64::try_from(completed).unwrap_or(i64::MAX);
    Breakdown {
        completed,
        total,
        percent: ratio_percent(completed, total),
    }
}

/// `round_half_up(100 · a / b)`, 0 when `b` is 0.
pub fn ratio_percent(a: i64, b: i64) -> i64 {
    percentage(times(a, Decimal2::ONE), times(b, Decimal2::ONE))
}

/// Day-by-day view of a user's tracked goals.
#[derive(Debug)]
pub struct DayBook<'a> {
    goals: &'a [GoalFacts],
    logged: HashSet<NaiveDate>,
    by_goal_day: HashMap<(GoalId, NaiveDate), Vec<Decimal2>>,
}

impl<'a> DayBook<'a> {
    /// Indexes `entries` of the tracked `goals`.
    pub fn new(goals: &'a [GoalFacts], entries: &[DayEntry]) -> Self {
        let ids: HashSet<GoalId> = goals.iter().map(|g| g.id).collect();
        let mut logged = HashSet::new();
        let mut by_goal_day: HashMap<(GoalId, NaiveDate), Vec<Decimal2>> = HashMap::new();
        for e in entries.iter().filter(|e| ids.contains(&e.goal)) {
            if e.value > Decimal2::ZERO {
                logged.insert(e.date);
            }
            by_goal_day
                .entry((e.goal, e.date))
                .or_default()
                .push(e.value);
        }
        Self {
            goals,
            logged,
            by_goal_day,
        }
    }

    /// Whether an entry with a value above 0 is dated `d`.
    pub fn logged(&self, d: NaiveDate) -> bool {
        self.logged.contains(&d)
    }

    fn daily_tracked(&self, d: NaiveDate) -> impl Iterator<Item = &GoalFacts> {
        self.goals
            .iter()
            .filter(move |g| g.cadence == Cadence::Daily && g.since <= d)
    }

    fn done(&self, g: &GoalFacts, d: NaiveDate) -> bool {
        let values = self
            .by_goal_day
            .get(&(g.id, d))
            .map_or(&[][..], Vec::as_slice);
        if g.metric.counts_days() {
            values.contains(&Decimal2::ONE)
        } else {
            let sum = values
                .iter()
                .fold(Decimal2::ZERO, |acc, v| acc.saturating_add(*v));
            match g.target {
                Some(t) => sum >= t,
                None => sum > Decimal2::ZERO,
            }
        }
    }

    /// `pct(D)`: done share of the daily goals active on `d`, else 100 when logged.
    pub fn percent(&self, d: NaiveDate) -> i64 {
        let expected: Vec<&GoalFacts> = self
            .daily_tracked(d)
            .filter(|g| ActiveDays::is_active(g.active_days, d))
            .collect();
        if expected.is_empty() {
            return if self.logged(d) { 100 } else { 0 };
        }
        let done = expected.iter().filter(|g| self.done(g, d)).count();
        ratio_percent(
            i64::try_from(done).unwrap_or(i64::MAX),
            i64::try_from(expected.len()).unwrap_or(i64::MAX),
        )
    }

    /// Whether streaks skip `d`: daily goals are tracked and every one is off that day.
    pub fn skipped(&self, d: NaiveDate) -> bool {
        let mut daily = self.daily_tracked(d).peekable();
        daily.peek().is_some() && daily.all(|g| !ActiveDays::is_active(g.active_days, d))
    }

    /// Current and longest streak ending at `today`.
    pub fn streaks(&self, today: NaiveDate) -> (i64, i64) {
        let dates: Vec<NaiveDate> = (0..STREAK_HORIZON_DAYS)
            .filter_map(|back| today.checked_sub_days(Days::new(back)))
            .collect();
        // Current: from today (or yesterday when today has no log yet) backwards.
        let mut current = 0;
        let mut started = false;
        for (i, d) in dates.iter().enumerate() {
            if self.skipped(*d) {
                continue;
            }
            if self.logged(*d) {
                current += 1;
                started = true;
            } else if i == 0 && !started {
                continue;
            } else {
                break;
            }
        }
        let mut longest = 0;
        let mut run = 0;
        for d in dates.iter().rev() {
            if self.skipped(*d) {
                continue;
            }
            if self.logged(*d) {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        (current, longest)
    }
}

/// The Monday of `d`'s ISO week.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    Period::containing(d, Cadence::Weekly).start()
}

/// Clips `range` to dates on or after `since`; `None` when nothing is left.
pub fn clip_from(range: Period, since: NaiveDate) -> Option<Period> {
    Period::new(range.start().max(since), range.end()).ok()
}

/// The first and last day of the calendar years covering `range`.
pub fn whole_years(range: Period) -> Period {
    let y0 = Period::containing(range.start(), Cadence::Yearly).start();
    let y1 = Period::containing(range.end(), Cadence::Yearly).end();
    Period::new(y0, y1).unwrap_or(range)
}

#[cfg(test)]
#[path = "insights_tests.rs"]
mod tests;
