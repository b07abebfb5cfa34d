//! Goal use cases at a fixed instant (clock and id ports).

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use pursue_domain::goal::Cadence;
use pursue_domain::ids::GoalId;
use pursue_domain::period::{Period, Timezone};
use pursue_domain::role::Role;
use pursue_ports::clock::MockClock;
use pursue_ports::goals::{GoalFilter, MockGoalRepository};
use pursue_ports::groups::MockGroupRepository;
use uuid::Uuid;

use super::GoalService;
use super::tests::{caller, gid, goal, member};

#[tokio::test]
async fn progress_is_counted_in_the_periods_that_contain_the_clock_day_in_the_zone() {
    // 00:30 UTC on 1 January is still 31 December in New York: last year's periods.
    let mut clock = MockClock::new();
    clock
        .expect_now()
        .returning(|| Utc.with_ymd_and_hms(2026, 1, 1, 0, 30, 0).unwrap());
    let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let mut groups = MockGroupRepository::new();
    groups
        .expect_list_members()
        .returning(|_| Ok(vec![member(1, Role::Creator)]));
    let mut goals = MockGoalRepository::new();
    goals
        .expect_list_goals()
        .returning(|_, _| Ok(vec![goal(5, Cadence::Weekly), goal(6, Cadence::Yearly)]));
    goals
        .expect_entries_between()
        .times(1)
        .withf(move |ids, _, from, to| {
            let year = Period::containing(day, Cadence::Yearly);
            let week = Period::containing(day, Cadence::Weekly);
            ids == &[
                GoalId::from_uuid(Uuid::from_u128(5)),
                GoalId::from_uuid(Uuid::from_u128(6)),
            ] && *from == Some(year.start().min(week.start()))
                && *to == Some(year.end().max(week.end()))
                && year.start() == NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        })
        .returning(|_, _, _, _| Ok(Vec::new()));
    let service = GoalService::new(Arc::new(groups), Arc::new(goals)).with_clock(Arc::new(clock));
    let zone = Timezone::parse("America/New_York").unwrap();
    let views = service
        .list_goals(&caller(), gid(), GoalFilter::default(), true, &zone)
        .await
        .unwrap();
    assert_eq!(views.len(), 2);
}
