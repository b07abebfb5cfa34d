//! Branches of the progress-view use cases, with mocked ports.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{Cadence, MetricType};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::Period;
use pursue_domain::role::{Denied, Role};
use pursue_domain::subscription::Tier;
use pursue_ports::goals::{EntryRecord, GoalRecord, MockGoalRepository};
use pursue_ports::groups::{GroupRecord, MemberRecord, MockGroupRepository};
use pursue_ports::subscriptions::MockTierSource;
use pursue_ports::users::UserRecord;
use pursue_ports::views::{MockProgressViews, ReactionCount, TrackedGoal};
use uuid::Uuid;

use super::{HistoryQuery, InsightService, SheetNames, file_name, percent_1dp, range_check};
use crate::errors::CoreError;

fn uid(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn gid() -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(9))
}

fn caller() -> UserRecord {
    UserRecord {
        id: uid(1),
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        has_avatar: false,
        age_verified: true,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn goal(n: u128, cadence: Cadence) -> GoalRecord {
    GoalRecord {
        id: GoalId::from_uuid(Uuid::from_u128(n)),
        group_id: gid(),
        title: pursue_domain::goal::GoalTitle::stored(format!("goal{n}")),
        description: None,
        cadence,
        metric: MetricType::Binary,
        target_value: Some(Decimal2::ONE),
        unit: None,
        created_by_user_id: None,
        created_at: Utc::now() - Duration::days(400),
        archived_at: None,
        active_days: None,
        log_title_prompt: None,
    }
}

fn member(n: u128, name: &str) -> MemberRecord {
    MemberRecord {
        user_id: uid(n),
        display_name: pursue_domain::user::DisplayName::stored(name.into()),
        has_avatar: false,
        role: Role::Member,
        joined_at: Utc::now(),
    }
}

fn entry(n: u128, goal: u128, user: u128, date: NaiveDate) -> EntryRecord {
    EntryRecord {
        id: EntryId::from_uuid(Uuid::from_u128(n)),
        goal_id: GoalId::from_uuid(Uuid::from_u128(goal)),
        user_id: uid(user),
        value: Decimal2::ONE,
        note: None,
        period_start: date,
        logged_at: Utc::now() - Duration::minutes(i64::try_from(n).unwrap()),
        log_title: None,
    }
}

fn groups(role: Option<Role>, members: Vec<MemberRecord>) -> MockGroupRepository {
    let mut g = MockGroupRepository::new();
    g.expect_find_group().returning(|id| {
        Ok(Some(GroupRecord {
            id,
            name: pursue_domain::group::GroupName::stored("Runners".into()),
            description: None,
            icon_emoji: None,
            icon_color: None,
            has_icon: false,
            icon_url: None,
            creator_user_id: uid(1),
            member_count: 2,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }))
    });
    g.expect_role_of().returning(move |_, _| Ok(role));
    g.expect_membership_of().returning(|_, _| Ok(None));
    let found = members.clone();
    g.expect_find_member()
        .returning(move |_, u| Ok(found.iter().find(|m| m.user_id == u).cloned()));
    g.expect_list_members()
        .returning(move |_| Ok(members.clone()));
    g
}

fn tiers(tier: Tier) -> MockTierSource {
    let mut t = MockTierSource::new();
    t.expect_tier_of().returning(move |_| Ok(tier));
    t
}

fn service(
    g: MockGroupRepository,
    goals: MockGoalRepository,
    views: MockProgressViews,
    t: MockTierSource,
) -> InsightService {
    InsightService::new(Arc::new(g), Arc::new(goals), Arc::new(views), Arc::new(t))
}

fn query(days: i64) -> HistoryQuery {
    let end = Utc::now().date_naive();
    HistoryQuery {
        range: Period::new(end - Duration::days(days), end).unwrap(),
        limit: 2,
        cursor: None,
    }
}

#[tokio::test]
async fn history_checks_membership_target_and_tier_in_order() {
    let s = service(
        groups(None, vec![]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        MockTierSource::new(),
    );
    let err = s
        .member_history(&caller(), gid(), uid(2), query(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::Forbidden(Denied::NotMember)),
        "{err:?}"
    );

    let s = service(
        groups(Some(Role::Member), vec![]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        MockTierSource::new(),
    );
    let err = s
        .member_history(&caller(), gid(), uid(2), query(5))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::TargetNotAMember), "{err:?}");

    let s = service(
        groups(Some(Role::Member), vec![member(2, "Bob")]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        tiers(Tier::Free),
    );
    let err = s
        .member_history(&caller(), gid(), uid(2), query(31))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::SubscriptionRequired(_)), "{err:?}");

    let s = service(
        groups(Some(Role::Member), vec![member(2, "Bob")]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        tiers(Tier::Premium),
    );
    let err = s
        .member_history(&caller(), gid(), uid(2), query(730))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::InvalidDateRange(_)), "{err:?}");
}

#[tokio::test]
async fn history_pages_with_a_cursor_and_attaches_reactions() {
    let today = Utc::now().date_naive();
    let mut goals = MockGoalRepository::new();
    goals
        .expect_list_goals()
        .returning(|_, _| Ok(vec![goal(5, Cadence::Daily)]));
    goals
        .expect_entries_between()
        .returning(move |_, _, _, _| Ok((1..=3).map(|n| entry(n, 5, 2, today)).collect()));
    let mut views = MockProgressViews::new();
    views
        .expect_entry_page()
        .withf(|_, u, _, _, after, limit| *u == uid(2) && after.is_none() && *limit == 3)
        .returning(move |_, _, _, _, _, _| Ok((1..=3).map(|n| entry(n, 5, 2, today)).collect()));
    views.expect_entry_reactions().returning(|ids| {
        assert_eq!(ids.len(), 2);
        Ok(vec![ReactionCount {
            entry_id: ids[0],
            emoji: "🔥".into(),
            count: 2,
        }])
    });
    let s = service(
        groups(Some(Role::Member), vec![member(2, "Bob")]),
        goals,
        views,
        tiers(Tier::Free),
    );
    let h = s
        .member_history(&caller(), gid(), uid(2), query(30))
        .await
        .unwrap();
    assert_eq!(h.log.len(), 2);
    assert_eq!(h.total, 3);
    let cursor = h.next_cursor.unwrap();
    assert_eq!(cursor.entry_id, h.log[1].entry.id);
    assert_eq!(h.log[0].reactions, vec![("🔥".to_string(), 2)]);
    assert_eq!(h.summaries[0].1.completed, Decimal2::ONE);
    assert_eq!(h.summaries[0].1.total.hundredths(), 3100);
}

#[tokio::test]
async fn members_pulse_uses_the_primary_cadence() {
    let today = Utc::now().date_naive();
    let mut goals = MockGoalRepository::new();
    goals
        .expect_list_goals()
        .returning(|_, _| Ok(vec![goal(5, Cadence::Weekly), goal(6, Cadence::Daily)]));
    goals
        .expect_entries_between()
        .returning(move |_, _, from, to| {
            assert_eq!((from, to), (Some(today), Some(today)));
            Ok(vec![entry(1, 5, 2, today)])
        });
    let mut views = MockProgressViews::new();
    views
        .expect_timezones()
        .returning(|users| Ok(users.into_iter().map(|u| (u, Some("UTC".into()))).collect()));
    let s = service(
        groups(Some(Role::Member), vec![member(1, "Ann"), member(2, "Bob")]),
        goals,
        views,
        MockTierSource::new(),
    );
    let pulse = s.members(&caller(), gid()).await.unwrap();
    assert_eq!(pulse[0].last_log_at, None);
    assert!(pulse[1].last_log_at.is_some());

    // No daily or weekly goal: nobody has a period, nothing more is read.
    let mut goals = MockGoalRepository::new();
    goals
        .expect_list_goals()
        .returning(|_, _| Ok(vec![goal(5, Cadence::Monthly)]));
    let s = service(
        groups(Some(Role::Member), vec![member(2, "Bob")]),
        goals,
        MockProgressViews::new(),
        MockTierSource::new(),
    );
    assert_eq!(
        s.members(&caller(), gid()).await.unwrap()[0].last_log_at,
        None
    );
}

#[tokio::test]
async fn my_progress_windows_and_streaks() {
    let mut views = MockProgressViews::new();
    views
        .expect_timezones()
        .returning(|_| Ok(vec![(uid(1), Some("Not/AZone".into()))]));
    views.expect_tracked_goals().returning(|_| {
        Ok(vec![TrackedGoal {
            group_name: pursue_domain::group::GroupName::stored("Runners".into()),
            goal: goal(5, Cadence::Daily),
        }])
    });
    let today = Utc::now().date_naive();
    let mut goals = MockGoalRepository::new();
    goals.expect_entries_between().returning(move |_, u, _, _| {
        assert_eq!(u, Some(uid(1)));
        Ok(vec![
            entry(1, 5, 1, today - Duration::days(1)),
            entry(2, 5, 1, today - Duration::days(2)),
        ])
    });
    let s = service(groups(None, vec![]), goals, views, MockTierSource::new());
    let p = s
        .my_progress(&caller(), super::MyProgressQuery::default())
        .await
        .unwrap();
    assert_eq!((p.current_streak, p.longest_streak), (2, 2));
    assert_eq!(p.heatmap.len(), 30);
    assert_eq!(p.window.end(), today);
    assert_eq!(p.week.len(), 7);
    assert_eq!(p.breakdown[0].total, 30);
    assert_eq!(p.breakdown[0].completed, 2);

    let s = service(
        groups(None, vec![]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        MockTierSource::new(),
    );
    let q = super::MyProgressQuery {
        start: Some(today - Duration::days(90)),
        end: Some(today),
        zone: Some(pursue_domain::period::Timezone::utc()),
    };
    let err = s.my_progress(&caller(), q).await.unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Invalid {
                field: "end_date",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn export_refuses_ranges_over_the_tier() {
    let today = Utc::now().date_naive();
    let s = service(
        groups(Some(Role::Member), vec![]),
        MockGoalRepository::new(),
        MockProgressViews::new(),
        tiers(Tier::Free),
    );
    let range = Period::new(today - Duration::days(30), today).unwrap();
    let err = s.export_report(&caller(), gid(), range).await.unwrap_err();
    assert!(matches!(err, CoreError::SubscriptionRequired(ref m) if m.starts_with("Free tier")));
    let check = s.check_export_range(&caller(), gid(), range).await.unwrap();
    assert_eq!(
        check.error.map(|e| e.0),
        Some("date_range_exceeds_tier_limit")
    );
    assert_eq!((check.max_days_allowed, check.requested_days), (30, 31));
}

#[test]
fn range_checks_sheet_names_and_file_names() {
    assert_eq!(range_check(Tier::Free, 30).error, None);
    assert_eq!(range_check(Tier::Premium, 365).error, None);
    let over = range_check(Tier::Premium, 366);
    assert_eq!(
        over.error,
        Some((
            "date_range_exceeds_tier_limit",
            "Export range exceeds 12 months."
        ))
    );
    let abs = range_check(Tier::Premium, 731);
    assert_eq!(abs.max_days_allowed, 730);
    assert_eq!(abs.error.map(|e| e.0), Some("absolute_maximum_exceeded"));

    let mut names = SheetNames::default();
    assert_eq!(names.next("Ann: [x]/y?"), "Ann xy");
    assert_eq!(names.next("ann xy"), "ann xy (2)");
    assert_eq!(names.next("***"), "Sheet");
    assert_eq!(names.next(""), "Sheet (2)");
    let long = "x".repeat(40);
    assert_eq!(names.next(&long).chars().count(), 31);
    assert_eq!(names.next(&long), format!("{} (2)", "x".repeat(27)));

    let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let e = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(
        file_name("Run Club! 🏃", d, e),
        "Run_Club____Progress_2026-11-01_to_2026-11-25.xlsx"
    );
    assert_eq!(percent_1dp(1, 3), "33.3%");
    assert_eq!(percent_1dp(2, 3), "66.7%");
    assert_eq!(percent_1dp(0, 0), "0.0%");
    assert_eq!(percent_1dp(5, 5), "100.0%");
}
