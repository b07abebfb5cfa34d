//! Fixed-date tests of the progress-view rules. 2026-11-22 is a Sunday,
//! 2026-11-23 a Monday.

use proptest::prelude::*;
use uuid::Uuid;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn v(x: f64) -> Decimal2 {
    Decimal2::try_from_f64(x).unwrap()
}

fn goal(n: u128, cadence: Cadence, metric: MetricType, target: Option<f64>) -> GoalFacts {
    GoalFacts {
        id: GoalId::from_uuid(Uuid::from_u128(n)),
        cadence,
        metric,
        target: target.map(v),
        active_days: None,
        since: d(2020, 1, 1),
    }
}

fn entry(g: &GoalFacts, date: NaiveDate, value: f64) -> DayEntry {
    DayEntry {
        goal: g.id,
        date,
        value: v(value),
    }
}

fn range(a: NaiveDate, b: NaiveDate) -> Period {
    Period::new(a, b).unwrap()
}

#[test]
fn weekly_periods_count_partial_weeks_at_the_edges() {
    // Wed 2026-11-25 … Tue 2026-12-08 touches three ISO weeks.
    let r = range(d(2026, 11, 25), d(2026, 12, 8));
    let ps = periods_in(Cadence::Weekly, r);
    assert_eq!(ps.len(), 3);
    assert_eq!(ps[0].start(), d(2026, 11, 23));
    assert_eq!(ps[2].end(), d(2026, 12, 13));
    assert_eq!(periods_in(Cadence::Monthly, r).len(), 2);
    assert_eq!(
        periods_in(Cadence::Yearly, range(d(2026, 12, 31), d(2027, 1, 1))).len(),
        2
    );
    assert_eq!(periods_in(Cadence::Daily, r).len(), 14);
}

#[test]
fn daily_periods_are_active_days() {
    let mut g = goal(1, Cadence::Daily, MetricType::Binary, None);
    g.active_days = Some(ActiveDays::from_bits(62).unwrap());
    // Sun 22 … Sat 28 November: five weekdays.
    assert_eq!(period_count(&g, range(d(2026, 11, 22), d(2026, 11, 28))), 5);
    g.active_days = None;
    assert_eq!(period_count(&g, range(d(2026, 11, 22), d(2026, 11, 28))), 7);
}

#[test]
fn binary_summary_counts_active_done_days() {
    let mut g = goal(1, Cadence::Daily, MetricType::Binary, None);
    g.active_days = Some(ActiveDays::from_bits(62).unwrap());
    let r = range(d(2026, 11, 22), d(2026, 11, 28));
    let entries = [
        entry(&g, d(2026, 11, 22), 1.0), // Sunday: off day, ignored
        entry(&g, d(2026, 11, 23), 1.0),
        entry(&g, d(2026, 11, 24), 0.0),
        entry(&g, d(2026, 11, 25), 1.0),
        entry(&g, d(2026, 11, 30), 1.0), // outside
    ];
    let s = goal_summary(&g, r, &entries);
    assert_eq!((s.completed, s.total, s.percentage), (v(2.0), v(5.0), 40));
}

#[test]
fn numeric_summary_sums_and_caps_at_100() {
    let g = goal(2, Cadence::Weekly, MetricType::Numeric, Some(10.0));
    let r = range(d(2026, 11, 23), d(2026, 11, 29));
    let s = goal_summary(
        &g,
        r,
        &[
            entry(&g, d(2026, 11, 24), 7.5),
            entry(&g, d(2026, 11, 25), 6.0),
        ],
    );
    assert_eq!(
        (s.completed, s.total, s.percentage),
        (v(13.5), v(10.0), 100)
    );
    let g = goal(3, Cadence::Weekly, MetricType::Duration, None);
    let s = goal_summary(&g, r, &[entry(&g, d(2026, 11, 24), 60.0)]);
    assert_eq!((s.total, s.percentage), (Decimal2::ZERO, 0));
    // Two weeks of a 3-times-a-week binary goal: total 6.
    let g = goal(4, Cadence::Weekly, MetricType::Binary, Some(3.0));
    let s = goal_summary(
        &g,
        range(d(2026, 11, 23), d(2026, 12, 6)),
        &[entry(&g, d(2026, 11, 23), 1.0)],
    );
    assert_eq!((s.completed, s.total, s.percentage), (v(1.0), v(6.0), 17));
}

#[test]
fn breakdown_counts_complete_periods() {
    let g = goal(1, Cadence::Weekly, MetricType::Binary, Some(2.0));
    let r = range(d(2026, 11, 23), d(2026, 12, 6));
    let entries = [
        entry(&g, d(2026, 11, 23), 1.0),
        entry(&g, d(2026, 11, 25), 1.0),
        entry(&g, d(2026, 12, 1), 1.0),
    ];
    let b = breakdown(&g, Some(r), &entries);
    assert_eq!((b.completed, b.total, b.percent), (1, 2, 50));
    let n = goal(2, Cadence::Daily, MetricType::Numeric, None);
    let b = breakdown(
        &n,
        Some(range(d(2026, 11, 23), d(2026, 11, 25))),
        &[entry(&n, d(2026, 11, 24), 0.5)],
    );
    assert_eq!((b.completed, b.total, b.percent), (1, 3, 33));
    assert_eq!(breakdown(&n, None, &[]).total, 0);
    assert_eq!(breakdown(&n, None, &[]).percent, 0);
    assert_eq!(
        clip_from(range(d(2026, 11, 1), d(2026, 11, 5)), d(2026, 11, 6)),
        None
    );
}

#[test]
fn daily_percent_and_logged_days() {
    let a = goal(1, Cadence::Daily, MetricType::Binary, None);
    let b = goal(2, Cadence::Daily, MetricType::Numeric, Some(5.0));
    let w = goal(3, Cadence::Weekly, MetricType::Binary, None);
    let goals = [a, b, w];
    let entries = [
        entry(&a, d(2026, 11, 23), 1.0),
        entry(&b, d(2026, 11, 23), 2.0),
        entry(&b, d(2026, 11, 23), 3.0),
        entry(&a, d(2026, 11, 24), 1.0),
        entry(&w, d(2026, 11, 25), 1.0),
    ];
    let days = DayBook::new(&goals, &entries);
    assert_eq!(days.percent(d(2026, 11, 23)), 100);
    assert_eq!(days.percent(d(2026, 11, 24)), 50);
    // Only the weekly goal was logged: 0 of 2 daily goals done.
    assert_eq!(days.percent(d(2026, 11, 25)), 0);
    assert!(days.logged(d(2026, 11, 25)));
    // No daily goal: a log makes the day 100.
    let only_weekly = [w];
    let days = DayBook::new(&only_weekly, &entries);
    assert_eq!(days.percent(d(2026, 11, 25)), 100);
    assert_eq!(days.percent(d(2026, 11, 26)), 0);
}

#[test]
fn streaks_skip_off_days_and_start_yesterday() {
    let mut g = goal(1, Cadence::Daily, MetricType::Binary, None);
    g.active_days = Some(ActiveDays::from_bits(62).unwrap());
    let goals = [g];
    // Logged Mon 16 … Fri 20 and Mon 23, Tue 24; weekend 21/22 is off.
    let mut entries: Vec<DayEntry> = (16..=20).map(|n| entry(&g, d(2026, 11, n), 1.0)).collect();
    entries.push(entry(&g, d(2026, 11, 23), 1.0));
    entries.push(entry(&g, d(2026, 11, 24), 1.0));
    let days = DayBook::new(&goals, &entries);
    assert!(days.skipped(d(2026, 11, 22)));
    assert!(!days.skipped(d(2026, 11, 23)));
    // Today Wed 25 without a log yet: the streak ends yesterday.
    assert_eq!(days.streaks(d(2026, 11, 25)), (7, 7));
    // Thursday 26 without logs on 25 and 26: broken.
    assert_eq!(days.streaks(d(2026, 11, 26)), (0, 7));
}

#[test]
fn streaks_without_daily_goals_count_every_date() {
    let g = goal(1, Cadence::Weekly, MetricType::Numeric, None);
    let goals = [g];
    let entries = [
        entry(&g, d(2026, 11, 20), 1.0),
        entry(&g, d(2026, 11, 21), 1.0),
        entry(&g, d(2026, 11, 22), 0.0), // zero does not count
        entry(&g, d(2026, 11, 24), 2.0),
        entry(&g, d(2026, 11, 25), 2.0),
    ];
    let days = DayBook::new(&goals, &entries);
    assert!(!days.skipped(d(2026, 11, 22)));
    assert_eq!(days.streaks(d(2026, 11, 25)), (2, 2));
    assert_eq!(days.streaks(d(2026, 11, 21)), (2, 2));
    assert_eq!(days.streaks(d(2026, 11, 23)), (0, 2));
}

#[test]
fn monday_and_years() {
    assert_eq!(monday_of(d(2026, 11, 25)), d(2026, 11, 23));
    assert_eq!(monday_of(d(2026, 11, 22)), d(2026, 11, 16));
    assert_eq!(monday_of(d(2027, 1, 1)), d(2026, 12, 28));
    let y = whole_years(range(d(2026, 3, 1), d(2027, 2, 1)));
    assert_eq!((y.start(), y.end()), (d(2026, 1, 1), d(2027, 12, 31)));
}

proptest! {
    #[test]
    fn weekly_periods_cover_the_range(start in 0i64..3000, len in 0i64..400) {
        let a = d(2020, 1, 1) + chrono::Duration::days(start);
        let b = a + chrono::Duration::days(len);
        let ps = periods_in(Cadence::Weekly, range(a, b));
        prop_assert!(ps.first().unwrap().contains(a));
        prop_assert!(ps.last().unwrap().contains(b));
        for w in ps.windows(2) {
            prop_assert_eq!(w[0].end().succ_opt().unwrap(), w[1].start());
        }
        // Partial weeks: between len/7 and len/7 + 2 weeks.
        let n = i64::try_from(ps.len()).unwrap();
        prop_assert!(n >= (len + 1 + 6) / 7 && n <= (len + 1) / 7 + 2);
    }

    #[test]
    fn summary_percentage_stays_within_0_100(ones in prop::collection::vec(any::<bool>(), 1..30)) {
        let g = goal(9, Cadence::Daily, MetricType::Journal, None);
        let start = d(2026, 1, 1);
        let entries: Vec<DayEntry> = ones
            .iter()
            .enumerate()
            .map(|(i, one)| entry(&g, start + chrono::Duration::days(i as i64), if *one { 1.0 } else { 0.0 }))
            .collect();
        let end = start + chrono::Duration::days(ones.len() as i64 - 1);
        let s = goal_summary(&g, range(start, end), &entries);
        let done = ones.iter().filter(|o| **o).count() as i64;
        prop_assert_eq!(s.completed.hundredths(), done * 100);
        prop_assert!((0..=100).contains(&s.percentage));
        prop_assert_eq!(s.percentage, ratio_percent(done, ones.len() as i64));
    }
}
