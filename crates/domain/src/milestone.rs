//! Milestones: which ones a new progress entry earns, and their card and push texts (see
//! docs/PUSH.md, Milestones).

use chrono::{Duration, NaiveDate};

use crate::social::is_active_day;

/// A milestone kind with its fixed texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// The user's first entry with a value.
    FirstLog,
    /// `n` consecutive active local dates with a value on one goal.
    Streak(u32),
    /// `n` entries with a value in all.
    TotalLogs(u32),
}

/// Streak lengths that earn a milestone.
pub const STREAKS: [u32; 4] = [7, 14, 30, 365];
/// Entry counts that earn a milestone, in ascending order.
pub const TOTALS: [u32; 2] = [100, 500];
/// One more than the largest of [`TOTALS`]: an entry's rank is only ever compared with
/// them, so counting past this changes nothing and the count stays bounded.
pub const RANK_CEILING: i64 = TOTALS[TOTALS.len() - 1] as i64 + 1;
/// One more than the longest of [`STREAKS`]: a streak counts one per distinct date and is
/// only ever compared with them, so the newest `STREAK_CEILING` distinct dates decide every
/// streak milestone and older ones change nothing.
pub const STREAK_CEILING: i64 = STREAKS[STREAKS.len() - 1] as i64 + 1;

impl Milestone {
    /// `first_log`, `streak_7`, `total_logs_100`, …
    pub fn key(self) -> String {
        match self {
            Milestone::FirstLog => "first_log".into(),
            Milestone::Streak(n) => format!("streak_{n}"),
            Milestone::TotalLogs(n) => format!("total_logs_{n}"),
        }
    }

    /// `first_log`, `streak` or `total_logs`.
    pub fn kind(self) -> &'static str {
        match self {
            Milestone::FirstLog => "first_log",
            Milestone::Streak(_) => "streak",
            Milestone::TotalLogs(_) => "total_logs",
        }
    }

    /// The stored grant key: per goal for streaks.
    pub fn grant_key(self, goal: &str) -> String {
        match self {
            Milestone::Streak(_) => format!("{}:{goal}", self.key()),
            _ => self.key(),
        }
    }

    /// Days after which a streak milestone may be granted again; `None` = once ever.
    pub fn regrant_after_days(self) -> Option<i64> {
        match self {
            Milestone::Streak(7) => Some(14),
            Milestone::Streak(14) => Some(30),
            Milestone::Streak(30) => Some(60),
            Milestone::Streak(_) => Some(365),
            _ => None,
        }
    }

    /// The number on the card.
    pub fn stat(self) -> u32 {
        match self {
            Milestone::FirstLog => 1,
            Milestone::Streak(n) | Milestone::TotalLogs(n) => n,
        }
    }

    /// `(title, stat_label, quote, gradient)` of the card.
    pub fn card_texts(self) -> (&'static str, &'static str, &'static str, [&'static str; 2]) {
        match self {
            Milestone::FirstLog => (
                "First step taken",
                "progress logged",
                "Every journey begins somewhere",
                ["#1E88E5", "#1565C0"],
            ),
            Milestone::Streak(7) => (
                "7-day streak!",
                "days in a row",
                "Consistency is everything",
                ["#F57C00", "#E65100"],
            ),
            Milestone::Streak(14) => (
                "Two weeks strong!",
                "days in a row",
                "Habits are forming",
                ["#00897B", "#00695C"],
            ),
            Milestone::Streak(30) => (
                "30-day streak!",
                "days in a row",
                "A month of dedication",
                ["#F57C00", "#E65100"],
            ),
            Milestone::Streak(_) => (
                "One year. Every day.",
                "days in a row",
                "This is who you are now",
                ["#FF6F00", "#E65100"],
            ),
            Milestone::TotalLogs(100) => (
                "100 logs milestone",
                "total logs",
                "Proof that showing up works",
                ["#7B1FA2", "#4A148C"],
            ),
            Milestone::TotalLogs(_) => (
                "500 logs milestone",
                "total logs",
                "Dedication has a number",
                ["#6A1B9A", "#4A148C"],
            ),
        }
    }

    /// Push `(title, body)`.
    pub fn push_texts(self, goal_title: &str) -> (String, String) {
        match self {
            Milestone::FirstLog => (
                "🎉 First log!".into(),
                "You've logged your first activity. Tap to share!".into(),
            ),
            Milestone::Streak(n) => (
                format!("🎉 {n}-day streak!"),
                format!("You've logged {goal_title} {n} days in a row. Tap to share!"),
            ),
            Milestone::TotalLogs(n) => (
                format!("🎉 {n} total logs!"),
                format!("You've reached {n} total logs. Tap to share!"),
            ),
        }
    }

    /// The preview image's file name: `milestone-preview-streak-7.png`, ….
    pub fn preview_image(self) -> String {
        let name = match self {
            Milestone::FirstLog => "first-log".to_string(),
            Milestone::Streak(n) => format!("streak-{n}"),
            Milestone::TotalLogs(n) => format!("total-{n}"),
        };
        format!("milestone-preview-{name}.png")
    }
}

/// Consecutive active dates ending at `latest` among `dates` (distinct, any order); off days
/// are skipped over, neither counting nor breaking the streak.
pub fn streak(dates: &[NaiveDate], latest: NaiveDate, active_days: Option<i32>) -> u32 {
    // A sorted copy: each step below is a binary search, not a scan of every date.
    let mut sorted = dates.to_vec();
    sorted.sort_unstable();
    let mut count = 0;
    let mut day = latest;
    // Bounded: a year of off days cannot hide more than 366 steps per counted day.
    for _ in 0..(366 * 8) {
        if is_active_day(active_days, day) {
            if sorted.binary_search(&day).is_ok() {
                count += 1;
            } else {
                break;
            }
        }
        day -= Duration::days(1);
    }
    count
}

/// The milestones of an entry that is the user's `rank`-th entry with a value, and whose
/// goal streak is `streak` (0 when the entry is not on the goal's latest date).
pub fn earned(rank: i64, streak: u32) -> Vec<Milestone> {
    let mut out = Vec::new();
    if rank == 1 {
        out.push(Milestone::FirstLog);
    }
    for n in TOTALS {
        if rank == i64::from(n) {
            out.push(Milestone::TotalLogs(n));
        }
    }
    if STREAKS.contains(&streak) {
        out.push(Milestone::Streak(streak));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rank_ceiling_is_above_every_total() {
        assert!(TOTALS.iter().all(|&n| i64::from(n) < RANK_CEILING));
        assert!(earned(RANK_CEILING, 0).is_empty());
    }

    #[test]
    fn the_streak_ceiling_is_above_every_streak() {
        assert!(STREAKS.iter().all(|&n| i64::from(n) < STREAK_CEILING));
        let ceiling = u32::try_from(STREAK_CEILING).unwrap_or(u32::MAX);
        assert!(earned(2, ceiling).is_empty());
        // Counting stops at the ceiling when only the newest dates are read.
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
        let days: Vec<NaiveDate> = (0..STREAK_CEILING)
            .map(|i| start + Duration::days(i))
            .collect();
        let latest = days[days.len() - 1];
        assert_eq!(streak(&days, latest, None), ceiling);
        assert_eq!(streak(&days[1..], latest, None), ceiling - 1);
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap_or_default()
    }

    #[test]
    fn streaks_count_back_from_the_latest_date_skipping_off_days() {
        let week: Vec<NaiveDate> = (1..=7).map(d).collect();
        assert_eq!(streak(&week, d(7), None), 7);
        assert_eq!(streak(&week, d(8), None), 0);
        let gap = [d(1), d(2), d(4), d(5)];
        assert_eq!(streak(&gap, d(5), None), 2);
        // 2026-03-08 is a Sunday: with Sundays off, Saturday 7 and Monday 9 are adjacent.
        let weekdays = 0b111_1110;
        assert_eq!(streak(&[d(7), d(9)], d(9), Some(weekdays)), 2);
    }

    #[test]
    fn earned_milestones() {
        assert_eq!(earned(1, 1), vec![Milestone::FirstLog]);
        assert_eq!(earned(2, 7), vec![Milestone::Streak(7)]);
        assert_eq!(earned(100, 3), vec![Milestone::TotalLogs(100)]);
        assert!(earned(101, 8).is_empty());
    }

    #[test]
    fn keys_texts_and_images() {
        assert_eq!(Milestone::Streak(7).grant_key("g"), "streak_7:g");
        assert_eq!(Milestone::TotalLogs(500).grant_key("g"), "total_logs_500");
        assert_eq!(Milestone::Streak(30).regrant_after_days(), Some(60));
        assert_eq!(Milestone::FirstLog.regrant_after_days(), None);
        assert_eq!(
            Milestone::Streak(7).push_texts("Run"),
            (
                "🎉 7-day streak!".to_string(),
                "You've logged Run 7 days in a row. Tap to share!".to_string()
            )
        );
        assert_eq!(
            Milestone::Streak(365).card_texts().0,
            "One year. Every day."
        );
        assert_eq!(
            Milestone::TotalLogs(100).preview_image(),
            "milestone-preview-total-100.png"
        );
        assert_eq!(
            Milestone::FirstLog.preview_image(),
            "milestone-preview-first-log.png"
        );
    }
}
