//! Branches of the goal use cases, with mocked ports.

use std::sync::Arc;

use chrono::Utc;
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{Cadence, MetricType};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::{Period, Timezone};
use pursue_domain::role::{Denied, Role};
use pursue_ports::goals::{EntryRecord, GoalFilter, GoalRecord, MockGoalRepository};
use pursue_ports::groups::{GroupRecord, MemberRecord, MockGroupRepository};
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::GoalService;
use crate::errors::CoreError;

fn uid(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

pub(super) fn gid() -> GroupId {
    GroupId::from_uuid(Uuid::from_u128(9))
}

pub(super) fn caller() -> UserRecord {
    UserRecord {
        id: uid(1),
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
        has_avatar: false,
        age_verified: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

pub(super) fn goal(n: u128, cadence: Cadence) -> GoalRecord {
    GoalRecord {
        id: GoalId::from_uuid(Uuid::from_u128(n)),
        group_id: gid(),
        title: pursue_domain::goal::GoalTitle::stored("Run".into()),
        description: None,
        cadence,
        metric: MetricType::Binary,
        target_value: Some(Decimal2::from_hundredths(300)),
        unit: None,
        created_by_user_id: None,
        created_at: Utc::now(),
        archived_at: None,
        active_days: None,
        log_title_prompt: None,
    }
}

pub(super) fn member(n: u128, role: Role) -> MemberRecord {
    MemberRecord {
        user_id: uid(n),
        display_name: pursue_domain::user::DisplayName::stored(format!("user{n}")),
        has_avatar: n == 2,
        role,
        joined_at: Utc::now(),
    }
}

fn group() -> GroupRecord {
    GroupRecord {
        id: gid(),
        name: pursue_domain::group::GroupName::stored("Runners".into()),
        description: None,
        icon_emoji: None,
        icon_color: None,
        has_icon: false,
        icon_url: None,
        creator_user_id: uid(2),
        member_count: 2,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[tokio::test]
async fn list_with_progress_uses_members_goals_and_one_entry_read() {
    let mut groups = MockGroupRepository::new();
    groups
        .expect_list_members()
        .times(1)
        .returning(|_| Ok(vec![member(2, Role::Creator), member(1, Role::Member)]));
    let mut goals = MockGoalRepository::new();
    goals
        .expect_list_goals()
        .times(1)
        .returning(|_, _| Ok(vec![goal(5, Cadence::Weekly), goal(6, Cadence::Yearly)]));
    let today = Utc::now().date_naive();
    goals
        .expect_entries_between()
        .times(1)
        .withf(move |ids, user, from, to| {
            let year = Period::containing(today, Cadence::Yearly);
            let week = Period::containing(today, Cadence::Weekly);
            ids.len() == 2
                && user.is_none()
                && *from == Some(year.start().min(week.start()))
                && *to == Some(year.end().max(week.end()))
        })
        .returning(move |_, _, _, _| {
            Ok(vec![EntryRecord {
                id: EntryId::from_uuid(Uuid::from_u128(70)),
                goal_id: GoalId::from_uuid(Uuid::from_u128(5)),
                user_id: uid(1),
                value: Decimal2::ONE,
                note: None,
                period_start: today,
                logged_at: Utc::now(),
                log_title: None,
            }])
        });
    let service = GoalService::new(Arc::new(groups), Arc::new(goals));
    let views = service
        .list_goals(
            &caller(),
            gid(),
            GoalFilter::default(),
            true,
            &Timezone::utc(),
        )
        .await
        .unwrap();
    let weekly = views[0].progress.as_ref().unwrap();
    assert_eq!(weekly.user.aggregate.percentage, 33);
    assert_eq!(weekly.members.len(), 2);
    assert_eq!(weekly.members[0].aggregate.percentage, 0);
    assert_eq!(weekly.members[1].aggregate.completed, Decimal2::ONE);
    let yearly = views[1].progress.as_ref().unwrap();
    assert_eq!(yearly.user.aggregate.completed, Decimal2::ZERO);
}

#[tokio::test]
async fn list_refuses_outsiders_and_missing_groups() {
    for (exists, forbidden) in [(true, true), (false, false)] {
        let mut groups = MockGroupRepository::new();
        groups
            .expect_list_members()
            .returning(|_| Ok(vec![member(2, Role::Creator)]));
        groups
            .expect_find_group()
            .returning(move |_| Ok(exists.then(group)));
        groups.expect_membership_of().returning(|_, _| Ok(None));
        let service = GoalService::new(Arc::new(groups), Arc::new(MockGoalRepository::new()));
        let err = service
            .list_goals(
                &caller(),
                gid(),
                GoalFilter::default(),
                false,
                &Timezone::utc(),
            )
            .await
            .unwrap_err();
        if forbidden {
            assert!(matches!(err, CoreError::Forbidden(Denied::NotMember)));
        } else {
            assert!(matches!(err, CoreError::NotFound));
        }
    }
}

#[tokio::test]
async fn archiving_needs_an_admin_and_an_active_goal() {
    let mut goals = MockGoalRepository::new();
    goals.expect_find_goal().returning(|_| {
        let mut g = goal(5, Cadence::Daily);
        g.archived_at = Some(Utc::now());
        Ok(Some(g))
    });
    let service = GoalService::new(Arc::new(MockGroupRepository::new()), Arc::new(goals));
    let err = service
        .archive_goal(&caller(), GoalId::from_uuid(Uuid::from_u128(5)))
        .await;
    assert!(matches!(err, Err(CoreError::NotFound)));

    let mut goals = MockGoalRepository::new();
    goals
        .expect_find_goal()
        .returning(|_| Ok(Some(goal(5, Cadence::Daily))));
    let mut groups = MockGroupRepository::new();
    groups.expect_find_group().returning(|_| Ok(Some(group())));
    groups
        .expect_role_of()
        .returning(|_, _| Ok(Some(Role::Member)));
    let service = GoalService::new(Arc::new(groups), Arc::new(goals));
    let err = service
        .archive_goal(&caller(), GoalId::from_uuid(Uuid::from_u128(5)))
        .await;
    assert!(matches!(err, Err(CoreError::Forbidden(Denied::RoleTooLow))));

    let mut goals = MockGoalRepository::new();
    goals
        .expect_find_goal()
        .returning(|_| Ok(Some(goal(5, Cadence::Daily))));
    goals
        .expect_archive_goal()
        .withf(|guard, _, actor, a, push| {
            guard.action == pursue_domain::role::GroupAction::ManageGoals
                && guard.user == uid(1)
                && *actor == uid(1)
                && a.metadata["goal_title"] == "Run"
                && push.body == "Goal archived"
                && push.data.contains_key("goal_id")
        })
        .returning(|_, _, _, _, _| Ok(true));
    let mut groups = MockGroupRepository::new();
    groups.expect_find_group().returning(|_| Ok(Some(group())));
    groups
        .expect_role_of()
        .returning(|_, _| Ok(Some(Role::Admin)));
    let service = GoalService::new(Arc::new(groups), Arc::new(goals));
    assert!(
        service
            .archive_goal(&caller(), GoalId::from_uuid(Uuid::from_u128(5)))
            .await
            .is_ok()
    );
}

fn admin_groups() -> MockGroupRepository {
    let mut g = MockGroupRepository::new();
    g.expect_role_of().returning(|_, _| Ok(Some(Role::Admin)));
    g.expect_find_group().returning(|_| Ok(Some(group())));
    g
}

#[tokio::test]
async fn active_days_patches_record_only_changes_on_daily_goals() {
    use pursue_domain::goal::ActiveDays;
    use pursue_ports::goals::GoalPatch;

    let weekdays = ActiveDays::from_bits(62).unwrap();
    // Weekly goal: setting days is refused before any write.
    let mut goals = MockGoalRepository::new();
    goals
        .expect_find_goal()
        .returning(|_| Ok(Some(goal(5, Cadence::Weekly))));
    let s = GoalService::new(Arc::new(admin_groups()), Arc::new(goals));
    let patch = GoalPatch {
        active_days: Some(Some(weekdays)),
        ..GoalPatch::default()
    };
    let err = s
        .update_goal(&caller(), goal(5, Cadence::Weekly).id, patch)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Invalid {
                field: "active_days",
                ..
            }
        ),
        "{err:?}"
    );

    // Daily goal: a change writes goal_updated with arrays; the same value writes nothing.
    for (new, expect_activity) in [(Some(weekdays), true), (None, false)] {
        let mut goals = MockGoalRepository::new();
        goals
            .expect_find_goal()
            .returning(|_| Ok(Some(goal(5, Cadence::Daily))));
        goals
            .expect_update_goal()
            .times(1)
            .withf(move |_, _, p, act| {
                p.active_days == Some(new)
                    && act.is_some() == expect_activity
                    && act.as_ref().is_none_or(|a| {
                        a.metadata["field"] == "active_days"
                            && a.metadata["old_value"].is_null()
                            && a.metadata["new_value"] == serde_json::json!([1, 2, 3, 4, 5])
                    })
            })
            .returning(|_, _, _, _| Ok(Some(goal(5, Cadence::Daily))));
        let s = GoalService::new(Arc::new(admin_groups()), Arc::new(goals));
        let patch = GoalPatch {
            active_days: Some(new),
            ..GoalPatch::default()
        };
        assert!(
            s.update_goal(&caller(), goal(5, Cadence::Daily).id, patch)
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn goal_writes_run_the_subscription_write_check_after_the_role() {
    use crate::subscriptions::fixtures::{read_only_until, store};
    use pursue_domain::goal::{GoalTitle, NewGoalSpec};
    use pursue_domain::subscription_state::WriteDenied;
    use pursue_ports::goals::GoalPatch;
    let spec = || {
        NewGoalSpec::new(
            GoalTitle::parse("Run").unwrap(),
            None,
            Cadence::Daily,
            MetricType::Binary,
            None,
            None,
        )
        .unwrap()
    };
    let found = || {
        let mut goals = MockGoalRepository::new();
        goals
            .expect_find_goal()
            .returning(|_| Ok(Some(goal(5, Cadence::Daily))));
        goals
    };
    let id = goal(5, Cadence::Daily).id;
    let other = GroupId::from_uuid(Uuid::from_u128(77));

    // A plain member: the role answers before the subscription.
    let mut groups = MockGroupRepository::new();
    groups.expect_find_group().returning(|_| Ok(Some(group())));
    groups
        .expect_role_of()
        .returning(|_, _| Ok(Some(Role::Member)));
    let s = GoalService::new(Arc::new(groups), Arc::new(found()))
        .with_subscriptions(Arc::new(store(false, 2, None)));
    assert!(matches!(
        s.create_goal(&caller(), gid(), spec()).await,
        Err(CoreError::Forbidden(Denied::RoleTooLow))
    ));

    // No selection: every goal write asks for one; nothing is written.
    let s = GoalService::new(Arc::new(admin_groups()), Arc::new(found()))
        .with_subscriptions(Arc::new(store(false, 2, None)));
    let denied = |r: Result<(), CoreError>, read_only: bool| match r {
        Err(CoreError::WriteDenied(WriteDenied::ReadOnly { until })) => {
            read_only && until == read_only_until()
        }
        Err(CoreError::WriteDenied(WriteDenied::SelectionRequired)) => !read_only,
        _ => false,
    };
    assert!(denied(
        s.create_goal(&caller(), gid(), spec()).await.map(drop),
        false
    ));
    assert!(denied(
        s.update_goal(&caller(), id, GoalPatch::default())
            .await
            .map(drop),
        false
    ));
    assert!(denied(s.archive_goal(&caller(), id).await, false));

    // Another group kept: read-only.
    let s = GoalService::new(Arc::new(admin_groups()), Arc::new(found()))
        .with_subscriptions(Arc::new(store(false, 2, Some(other))));
    assert!(denied(
        s.create_goal(&caller(), gid(), spec()).await.map(drop),
        true
    ));
    assert!(denied(
        s.update_goal(&caller(), id, GoalPatch::default())
            .await
            .map(drop),
        true
    ));
    assert!(denied(s.archive_goal(&caller(), id).await, true));

    // The kept group writes.
    let mut goals = found();
    goals
        .expect_archive_goal()
        .times(1)
        .returning(|_, _, _, _, _| Ok(true));
    let s = GoalService::new(Arc::new(admin_groups()), Arc::new(goals))
        .with_subscriptions(Arc::new(store(false, 2, Some(gid()))));
    assert!(s.archive_goal(&caller(), id).await.is_ok());
}
