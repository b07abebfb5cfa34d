//! Branches of the progress use cases, with mocked ports.

use std::sync::Arc;

use chrono::{Duration, Utc};
use pursue_domain::decimal::Decimal2;
use pursue_domain::goal::{Cadence, MetricType};
use pursue_domain::ids::{EntryId, GoalId, GroupId, UserId};
use pursue_domain::period::{Timezone, UserDate};
use pursue_domain::progress::LogTitle;
use pursue_domain::role::{Denied, Membership, Role};
use pursue_ports::goals::{EntryRecord, GoalRecord, MockGoalRepository};
use pursue_ports::groups::{GroupRecord, MockGroupRepository};
use pursue_ports::progress::{
    LogContext, LogError, LogOutcome, LogRequest, LogWrite, MockProgressRepository,
};
use pursue_ports::users::UserRecord;
use uuid::Uuid;

use super::{LogProgress, ProgressService};
use crate::errors::CoreError;
use crate::subscriptions::fixtures::{facts, read_only_until, store};

fn caller() -> UserRecord {
    UserRecord {
        id: UserId::from_uuid(Uuid::from_u128(1)),
        email: pursue_domain::user::Email::stored("ann@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
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
        title: pursue_domain::goal::GoalTitle::stored("Run".into()),
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
            name: pursue_domain::group::GroupName::stored("Runners".into()),
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

fn input(value: f64, days_ahead: i64) -> LogProgress {
    LogProgress {
        goal_id: goal(false).id,
        value,
        note: None,
        log_title: None,
        user_date: UserDate::from_date(Utc::now().date_naive() + Duration::days(days_ahead)),
        user_timezone: Timezone::utc(),
        idempotency_key: Some("k1".into()),
    }
}

/// What the adapter reads for an active member (or `membership`) of a one-group free user.
fn context(metric: MetricType, membership: Option<Membership>) -> LogContext {
    let g = goal(false);
    LogContext {
        goal_id: g.id,
        group_id: g.group_id,
        goal_title: g.title,
        metric,
        archived: false,
        group_name: pursue_domain::group::GroupName::stored("Runners".into()),
        membership,
        subscription: facts(false, 1, None),
        is_challenge: false,
    }
}

fn member() -> Option<Membership> {
    Some(Membership::active(Role::Member))
}

/// A repository that runs the rules on `ctx` once: a refusal is returned as the adapter
/// returns it, a write is checked by `check` and answered with `outcome`.
fn repo(
    ctx: LogContext,
    check: impl Fn(&LogRequest, &LogWrite) -> bool + Send + 'static,
    outcome: Result<LogOutcome, LogError>,
) -> MockProgressRepository {
    let mut p = MockProgressRepository::new();
    let mut outcome = Some(outcome);
    p.expect_log_progress()
        .times(1)
        .returning(move |req, rules| {
            let write = rules(&ctx).map_err(LogError::Refused)?;
            assert!(check(&req, &write), "{write:?}");
            outcome.take().unwrap_or(Err(LogError::Duplicate))
        });
    p
}

fn refused(ctx: LogContext) -> MockProgressRepository {
    repo(ctx, |_, _| false, Err(LogError::Duplicate))
}

fn service_of(p: MockProgressRepository) -> ProgressService {
    service(MockGroupRepository::new(), MockGoalRepository::new(), p)
}

#[tokio::test]
async fn log_checks_goal_membership_date_and_value_in_order() {
    let mut archived = context(MetricType::Binary, member());
    archived.archived = true;
    let s = service_of(refused(archived));
    assert!(matches!(
        s.log_progress(&caller(), input(2.0, 2)).await,
        Err(CoreError::NotFound)
    ));

    // A stranger with a bad value and date: 403 first.
    let s = service_of(refused(context(MetricType::Binary, None)));
    assert!(matches!(
        s.log_progress(&caller(), input(2.0, 2)).await,
        Err(CoreError::Forbidden(Denied::NotMember))
    ));
    let pending = Some(Membership::pending(Role::Member));
    let s = service_of(refused(context(MetricType::Binary, pending)));
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0)).await,
        Err(CoreError::Forbidden(Denied::PendingApproval))
    ));

    for (value, ahead, field) in [(2.0, 2, "user_date"), (2.0, 0, "value")] {
        let s = service_of(refused(context(MetricType::Binary, member())));
        let err = s
            .log_progress(&caller(), input(value, ahead))
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
    let p = repo(
        context(MetricType::Binary, member()),
        |req, w| {
            w.entry.one_per_day
                && w.entry.user_timezone == Timezone::utc()
                && req.key.as_ref().is_some_and(|k| k.key == "k1")
                && w.activity.metadata["goal_title"] == "Run"
                && w.activity.metadata["progress_entry_id"] == w.entry.id.to_string()
                && w.push.body == "Ann completed 'Run'"
                && w.push.data.get("goal_id") == Some(&goal(false).id.to_string())
        },
        Ok(LogOutcome::Replayed(entry(1))),
    );
    let (_, created) = service_of(p)
        .log_progress(&caller(), input(1.0, 0))
        .await
        .unwrap();
    assert!(!created);

    for (err, dup) in [(LogError::Duplicate, true), (LogError::KeyReused, false)] {
        let p = repo(
            context(MetricType::Numeric, member()),
            |_, _| true,
            Err(err),
        );
        let e = service_of(p)
            .log_progress(&caller(), input(0.0, 0))
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
async fn journal_logs_need_a_title_and_follow_the_binary_rules() {
    let journal = || context(MetricType::Journal, member());
    let err = service_of(refused(journal()))
        .log_progress(&caller(), input(1.0, 0))
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
    let mut titled = input(2.0, 0);
    titled.log_title = Some(LogTitle::parse("Read ch. 3").unwrap());
    let err = service_of(refused(journal()))
        .log_progress(&caller(), titled.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::Invalid { field: "value", .. }),
        "{err:?}"
    );

    let p = repo(
        journal(),
        |_, w| {
            w.entry.one_per_day
                && w.entry.log_title.as_ref().map(LogTitle::as_str) == Some("Read ch. 3")
                && w.activity.metadata["log_title"] == "Read ch. 3"
                && w.activity.metadata["value"] == 1.0
        },
        Ok(LogOutcome::Created(entry(1))),
    );
    titled.value = 1.0;
    assert!(
        service_of(p)
            .log_progress(&caller(), titled)
            .await
            .unwrap()
            .1
    );
}

#[tokio::test]
async fn logs_run_the_subscription_write_check_after_membership() {
    use pursue_domain::subscription_state::WriteDenied;
    let group = goal(false).group_id;
    let other = GroupId::from_uuid(Uuid::from_u128(77));
    let with = |membership, facts| {
        let mut ctx = context(MetricType::Binary, membership);
        ctx.subscription = facts;
        ctx
    };
    // Not a member: 403 FORBIDDEN comes first.
    let s = service_of(refused(with(None, facts(false, 2, None))));
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0)).await,
        Err(CoreError::Forbidden(Denied::NotMember))
    ));
    // Free, two groups, nothing kept: a selection is required, even for a bad date.
    let s = service_of(refused(with(member(), facts(false, 2, None))));
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 5)).await,
        Err(CoreError::WriteDenied(WriteDenied::SelectionRequired))
    ));
    // Another group kept: read-only until downgrade + 30 days.
    let s = service_of(refused(with(member(), facts(false, 2, Some(other)))));
    assert!(matches!(
        s.log_progress(&caller(), input(1.0, 0)).await,
        Err(CoreError::WriteDenied(WriteDenied::ReadOnly { until })) if until == read_only_until()
    ));
    // The kept group, premium users and challenge groups write.
    let mut challenge = with(member(), facts(false, 2, None));
    challenge.is_challenge = true;
    for ctx in [
        with(member(), facts(false, 2, Some(group))),
        with(member(), facts(true, 5, None)),
        challenge,
    ] {
        let p = repo(ctx, |_, _| true, Ok(LogOutcome::Created(entry(1))));
        assert!(
            service_of(p)
                .log_progress(&caller(), input(1.0, 0))
                .await
                .is_ok()
        );
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

#[tokio::test]
async fn deletes_run_the_subscription_write_check_after_the_owner_rule() {
    use pursue_domain::subscription_state::WriteDenied;
    let group = goal(false).group_id;
    let other = GroupId::from_uuid(Uuid::from_u128(77));
    let with = |g, p, st| service(g, goals(false), p).with_subscriptions(Arc::new(st));
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
    // The kept group, and premium users, delete.
    for st in [store(false, 2, Some(group)), store(true, 5, None)] {
        let mut p = MockProgressRepository::new();
        p.expect_find_entry().returning(|_| Ok(Some(entry(1))));
        p.expect_delete_entry().times(1).returning(|_| Ok(()));
        let s = with(groups(Some(Role::Member)), p, st);
        assert!(s.delete_entry(&caller(), entry(1).id).await.is_ok());
    }
}

#[tokio::test]
async fn logs_are_judged_and_stamped_at_the_clock_instant() {
    use chrono::TimeZone;
    use pursue_ports::clock::MockClock;

    // A day years ahead of the system clock is "today" for this clock, so it is accepted.
    let at = Utc.with_ymd_and_hms(2031, 6, 1, 12, 0, 0).unwrap();
    let mut clock = MockClock::new();
    clock.expect_now().return_const(at);
    let p = repo(
        context(MetricType::Binary, member()),
        move |req, w| req.now == at && w.entry.user_date == at.date_naive(),
        Ok(LogOutcome::Created(entry(1))),
    );
    let mut today = input(1.0, 0);
    today.user_date = UserDate::from_date(at.date_naive());
    let (_, created) = service_of(p)
        .with_clock(Arc::new(clock))
        .log_progress(&caller(), today)
        .await
        .unwrap();
    assert!(created);
}
