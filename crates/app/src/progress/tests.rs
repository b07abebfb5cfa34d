//! Branches of the progress use cases, with mocked ports.

use std::sync::Arc;

use chrono::{Duration, Utc};
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{Cadence, MetricType};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::UserDate;
use pursue_domain::role::{Denied, Role};
use pursue_ports::goals::{EntryRecord, GoalRecord, MockGoalRepository};
use pursue_ports::groups::{GroupRecord, MockGroupRepository};
use pursue_ports::progress::{LogError, LogOutcome, MockProgressRepository};
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::{LogProgress, ProgressService};
use crate::errors::CoreError;

fn caller() -> UserRecord {
    UserRecord {
        id: UserId::from_uuid(Uuid::from_u128(1)),
        email: "ann@example.com".into(),
        display_name: "Ann".into(),
        has_avatar: false,
        age_verified: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn goal(archived: bool) -> GoalRecord {
    GoalRecord {
        id: GoalId::from_uuid(Uuid::from_u128(5)),
        group_id: GroupId::from_uuid(Uuid::from_u128(9)),
        title: "Run".into(),
        description: None,
        cadence: Cadence::Daily,
        metric: MetricType::Binary,
        target_value: Some(Decimal2::ONE),
        unit: None,
        created_by_user_id: None,
        created_at: Utc::now(),
        archived_at: archived.then(Utc::now),
        active_days: None,
        log_title_prompt: None,
    }
}

fn entry(owner: u128) -> EntryRecord {
    EntryRecord {
        id: EntryId::from_uuid(Uuid::from_u128(7)),
        goal_id: goal(false).id,
        user_id: UserId::from_uuid(Uuid::from_u128(owner)),
        value: Decimal2::ONE,
        note: None,
        period_start: Utc::now().date_naive(),
        logged_at: Utc::now(),
        log_title: None,
    }
}

fn groups(role: Option<Role>) -> MockGroupRepository {
    let mut g = MockGroupRepository::new();
    g.expect_find_group().returning(|id| {
        Ok(Some(GroupRecord {
            id,
            name: "Runners".into(),
            description: None,
            icon_emoji: None,
            icon_color: None,
            has_icon: false,
            icon_url: None,
            creator_user_id: UserId::from_uuid(Uuid::from_u128(1)),
            member_count: 2,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }))
    });
    g.expect_role_of().returning(move |_, _| Ok(role));
    g.expect_membership_of().returning(|_, _| Ok(None));
    g
}

fn goals(archived: bool) -> MockGoalRepository {
    let mut g = MockGoalRepository::new();
    g.expect_find_goal()
        .returning(move |_| Ok(Some(goal(archived))));
    g
}

fn service(
    g: MockGroupRepository,
    goals: MockGoalRepository,
    p: MockProgressRepository,
) -> ProgressService {
    ProgressService::new(Arc::new(g), Arc::new(goals), Arc::new(p))
}

fn input(value: f64, days_ahead: i64, zone: &str) -> LogProgress {
    LogProgress {
        goal_id: goal(false).id,
        value,
        note: None,
        log_title: None,
        user_date: UserDate::from_date(Utc::now().date_naive() + Duration::days(days_ahead)),
        user_timezone: zone.into(),
        idempotency_key: Some("k1".into()),
    }
}

#[tokio::test]
async fn log_checks_goal_membership_zone_date_and_value() {
    let s = service(
        groups(Some(Role::Member)),
        goals(true),
        MockProgressRepository::new(),
    );
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0, "UTC")).await,
        Err(CoreError::NotFound)
    ));

    let s = service(groups(None), goals(false), MockProgressRepository::new());
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0, "UTC")).await,
        Err(CoreError::Forbidden(Denied::NotMember))
    ));

    for (value, ahead, zone, field) in [
        (1.0, 0, "Mars/Olympus", "user_timezone"),
        (1.0, 2, "UTC", "user_date"),
        (2.0, 0, "UTC", "value"),
    ] {
        let s = service(
            groups(Some(Role::Member)),
            goals(false),
            MockProgressRepository::new(),
        );
        let err = s
            .log_progress(&caller(), input(value, ahead, zone))
            .await
            .unwrap_err();
        assert!(
            matches!(err, CoreError::Invalid { field: f, .. } if f == field),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn log_passes_binary_days_keys_and_maps_outcomes() {
    let mut p = MockProgressRepository::new();
    p.expect_log_progress()
        .withf(|e, key, a, push| {
            e.one_per_day
                && key.as_ref().is_some_and(|k| k.key == "k1")
                && a.metadata["goal_title"] == "Run"
                && push.body == "Ann completed 'Run'"
        })
        .returning(|_, _, _, _| Ok(LogOutcome::Replayed(entry(1))));
    let s = service(groups(Some(Role::Member)), goals(false), p);
    let (_, created) = s
        .log_progress(&caller(), input(1.0, 0, "UTC"))
        .await
        .unwrap();
    assert!(!created);

    for (err, dup) in [(LogError::Duplicate, true), (LogError::KeyReused, false)] {
        let mut p = MockProgressRepository::new();
        let mut once = Some(err);
        p.expect_log_progress()
            .returning(move |_, _, _, _| Err(once.take().unwrap_or(LogError::Duplicate)));
        let s = service(groups(Some(Role::Member)), goals(false), p);
        let e = s
            .log_progress(&caller(), input(0.0, 0, "UTC"))
            .await
            .unwrap_err();
        if dup {
            assert!(matches!(e, CoreError::DuplicateEntry));
        } else {
            assert!(matches!(e, CoreError::KeyReused));
        }
    }
}

#[tokio::test]
async fn entries_are_deleted_by_owners_only() {
    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(2))));
    let s = service(groups(Some(Role::Admin)), goals(false), p);
    assert!(matches!(
        s.delete_entry(&caller(), entry(2).id).await,
        Err(CoreError::NotOwner)
    ));

    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(1))));
    p.expect_delete_entry().times(1).returning(|_| Ok(()));
    let s = service(groups(Some(Role::Member)), goals(false), p);
    assert!(s.delete_entry(&caller(), entry(1).id).await.is_ok());

    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(2))));
    let s = service(groups(None), goals(false), p);
    assert!(matches!(
        s.get_entry(&caller(), entry(2).id).await,
        Err(CoreError::Forbidden(Denied::NotMember))
    ));

    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(1))));
    let s = service(groups(None), goals(true), p);
    assert!(matches!(
        s.get_entry(&caller(), entry(1).id).await,
        Err(CoreError::NotFound)
    ));
}

fn journal_goals() -> MockGoalRepository {
    let mut g = MockGoalRepository::new();
    g.expect_find_goal().returning(|_| {
        let mut j = goal(false);
        j.metric = MetricType::Journal;
        j.target_value = None;
        Ok(Some(j))
    });
    g
}

#[tokio::test]
async fn journal_logs_need_a_title_and_follow_the_binary_rules() {
    let s = service(
        groups(Some(Role::Member)),
        journal_goals(),
        MockProgressRepository::new(),
    );
    let err = s
        .log_progress(&caller(), input(1.0, 0, "UTC"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Invalid {
                field: "log_title",
                ..
            }
        ),
        "{err:?}"
    );
    let mut titled = input(2.0, 0, "UTC");
    titled.log_title = Some(pursue_domain::progress::LogTitle::parse("Read ch. 3").unwrap());
    let err = s.log_progress(&caller(), titled.clone()).await.unwrap_err();
    assert!(
        matches!(err, CoreError::Invalid { field: "value", .. }),
        "{err:?}"
    );

    let mut p = MockProgressRepository::new();
    p.expect_log_progress()
        .withf(|e, _, a, _| {
            e.one_per_day
                && e.log_title.as_deref() == Some("Read ch. 3")
                && a.metadata["log_title"] == "Read ch. 3"
                && a.metadata["progress_entry_id"] == e.id.to_string()
                && a.metadata["value"] == 1.0
        })
        .returning(|_, _, _, _| Ok(LogOutcome::Created(entry(1))));
    let s = service(groups(Some(Role::Member)), journal_goals(), p);
    titled.value = 1.0;
    assert!(s.log_progress(&caller(), titled).await.unwrap().1);
}

#[tokio::test]
async fn writes_run_the_subscription_write_check_after_membership() {
    use crate::subscriptions::fixtures::{read_only_until, store};
    use pursue_domain::subscription_state::WriteDenied;
    let group = goal(false).group_id;
    let other = GroupId::from_uuid(Uuid::from_u128(77));
    let with = |g, p, st| service(g, goals(false), p).with_subscriptions(Arc::new(st));

    // Not a member: 403 FORBIDDEN comes first.
    let s = with(
        groups(None),
        MockProgressRepository::new(),
        store(false, 2, None),
    );
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0, "UTC")).await,
        Err(CoreError::Forbidden(Denied::NotMember))
    ));
    // Free, two groups, nothing kept: a selection is required, even for a bad value.
    let s = with(
        groups(Some(Role::Member)),
        MockProgressRepository::new(),
        store(false, 2, None),
    );
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 5, "UTC")).await,
        Err(CoreError::WriteDenied(WriteDenied::SelectionRequired))
    ));
    // Another group kept: read-only until downgrade + 30 days, for logging and deleting.
    let s = with(
        groups(Some(Role::Member)),
        MockProgressRepository::new(),
        store(false, 2, Some(other)),
    );
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0, "UTC")).await,
        Err(CoreError::WriteDenied(WriteDenied::ReadOnly { until })) if until == read_only_until()
    ));
    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(1))));
    p.expect_delete_entry().never();
    let s = with(groups(Some(Role::Member)), p, store(false, 2, Some(other)));
    assert!(matches!(
        s.delete_entry(&caller(), entry(1).id).await,
        Err(CoreError::WriteDenied(WriteDenied::ReadOnly { .. }))
    ));
    // Someone else's entry: the owner rule answers before the subscription.
    let mut p = MockProgressRepository::new();
    p.expect_find_entry().returning(|_| Ok(Some(entry(2))));
    let s = with(groups(Some(Role::Member)), p, store(false, 2, None));
    assert!(matches!(
        s.delete_entry(&caller(), entry(2).id).await,
        Err(CoreError::NotOwner)
    ));
    // The kept group, and premium users, write.
    for st in [store(false, 2, Some(group)), store(true, 5, None)] {
        let mut p = MockProgressRepository::new();
        p.expect_log_progress()
            .times(1)
            .returning(|_, _, _, _| Ok(LogOutcome::Created(entry(1))));
        p.expect_find_entry().returning(|_| Ok(Some(entry(1))));
        p.expect_delete_entry().times(1).returning(|_| Ok(()));
        let s = with(groups(Some(Role::Member)), p, st);
        assert!(
            s.log_progress(&caller(), input(1.0, 0, "UTC"))
                .await
                .is_ok()
        );
        assert!(s.delete_entry(&caller(), entry(1).id).await.is_ok());
    }
}
