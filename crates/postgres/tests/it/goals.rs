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

use crate::fixtures::{activity, group, guard, pool, push, user};

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
