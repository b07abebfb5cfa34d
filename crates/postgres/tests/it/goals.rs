//! Goal writes through the port.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_domain::activity::ActivityType;
use pursue_domain::goal::{Cadence, GoalTitle, MetricType, NewGoalSpec};
use pursue_domain::ids::GoalId;
use pursue_domain::role::GroupAction;
use pursue_ports::goals::GoalRepository;
use pursue_ports::groups::CapError;
use pursue_postgres::schema::{goals, groups};
use pursue_postgres::{PgGoals, PgGroups};
use pursue_testkit::fresh_database;
use uuid::Uuid;

use crate::fixtures::{activity, group, guard, pool, prepared_statements, push, user};

fn spec() -> NewGoalSpec {
    NewGoalSpec::new(
        GoalTitle::parse("Run").unwrap(),
        None,
        Cadence::Daily,
        MetricType::Binary,
        None,
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn a_goal_for_a_group_deleted_meanwhile_is_group_gone_and_writes_nothing() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await;
    let g = group(&PgGroups::new(pool(&db)), ann, 1).await.unwrap();
    let repo = PgGoals::new(pool(&db));
    let created = repo
        .create_goal(
            guard(g.id, ann, GroupAction::ManageGoals),
            GoalId::from_uuid(Uuid::new_v4()),
            spec(),
            activity(ActivityType::GoalAdded, ann),
            push(),
        )
        .await;
    assert!(created.is_ok(), "{created:?}");

    diesel::update(groups::table.filter(groups::id.eq(g.id.as_uuid())))
        .set(groups::deleted_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .unwrap();
    let refused = repo
        .create_goal(
            guard(g.id, ann, GroupAction::ManageGoals),
            GoalId::from_uuid(Uuid::new_v4()),
            spec(),
            activity(ActivityType::GoalAdded, ann),
            push(),
        )
        .await;
    assert!(matches!(refused, Err(CapError::GroupGone)), "{refused:?}");
    let count: i64 = goals::table
        .filter(goals::group_id.eq(g.id.as_uuid()))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(count, 1, "only the first goal exists");
}

/// The goal list's reads (goals under any filter, entries with or without a member and
/// open ends, members or one member) keep their filters and are static statements:
/// prepared once per connection instead of parsed and planned on every call.
#[tokio::test]
async fn the_goal_list_reads_filter_and_stay_prepared() {
    use chrono::NaiveDate;
    use pursue_ports::goals::GoalFilter;
    use pursue_ports::groups::GroupRepository;

    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await;
    let g = group(&PgGroups::new(pool(&db)), ann, 1).await.unwrap();
    let settings = pursue_postgres::PoolSettings {
        max_size: 1,
        ..Default::default()
    };
    let one = pursue_postgres::build_pool(&db.url, &settings).unwrap();
    let repo = PgGoals::new(one.clone());
    let groups = PgGroups::new(one.clone());
    let (daily, weekly) = (Uuid::new_v4(), Uuid::new_v4());
    for (id, cadence, archived) in [(daily, "daily", false), (weekly, "weekly", true)] {
        diesel::insert_into(goals::table)
            .values((
                goals::id.eq(id),
                goals::group_id.eq(g.id.as_uuid()),
                goals::title.eq("Run"),
                goals::cadence.eq(cadence),
                goals::metric_type.eq("binary"),
                goals::deleted_at.eq(archived.then(chrono::Utc::now)),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    diesel::sql_query(format!(
        "INSERT INTO progress_entries (goal_id, user_id, value, period_start) VALUES \
         ('{daily}', '{ann}', 1, DATE '2026-01-01'), ('{daily}', '{ann}', 1, DATE '2026-03-01')",
        ann = ann.as_uuid()
    ))
    .execute(&mut conn)
    .await
    .unwrap();

    let ids = |goals: Vec<pursue_ports::goals::GoalRecord>| -> Vec<Uuid> {
        goals.into_iter().map(|g| g.id.as_uuid()).collect()
    };
    for _ in 0..2 {
        let all = GoalFilter {
            cadence: None,
            include_archived: true,
        };
        assert_eq!(ids(repo.list_goals(g.id, all).await.unwrap()).len(), 2);
        let live = GoalFilter::default();
        assert_eq!(ids(repo.list_goals(g.id, live).await.unwrap()), [daily]);
        let weekly_only = GoalFilter {
            cadence: Some(Cadence::Weekly),
            include_archived: true,
        };
        assert_eq!(
            ids(repo.list_goals(g.id, weekly_only).await.unwrap()),
            [weekly]
        );

        let goal = vec![GoalId::from_uuid(daily)];
        let open = repo
            .entries_between(goal.clone(), None, None, None)
            .await
            .unwrap();
        assert_eq!(open.len(), 2);
        let march = NaiveDate::from_ymd_opt(2026, 2, 1);
        let mine = repo
            .entries_between(goal, Some(ann), march, None)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);

        assert_eq!(groups.list_members(g.id).await.unwrap().len(), 1);
        assert!(groups.find_member(g.id, ann).await.unwrap().is_some());
    }

    let count = prepared_statements(&one).await;
    assert_eq!(count("FROM \"goals\" WHERE"), 1, "one goal list shape");
    assert_eq!(
        count("FROM \"progress_entries\" WHERE"),
        2,
        "entries with and without a member"
    );
    assert_eq!(
        count("FROM (\"group_memberships\" INNER JOIN \"users\""),
        2,
        "members and one member"
    );
}
