//! The cap triggers of the migrations: the database refuses rows beyond the caps even
//! when a writer skips the application's checks.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_postgres::schema::{goals, group_memberships, groups};
use pursue_testkit::fresh_database;
use uuid::Uuid;

use crate::fixtures::user;

async fn raw_group(conn: &mut AsyncPgConnection, creator: Uuid) -> QueryResult<Uuid> {
    diesel::insert_into(groups::table)
        .values((groups::name.eq("G"), groups::creator_user_id.eq(creator)))
        .returning(groups::id)
        .get_result(conn)
        .await
}

async fn raw_member(conn: &mut AsyncPgConnection, group: Uuid, user: Uuid) -> QueryResult<usize> {
    diesel::insert_into(group_memberships::table)
        .values((
            group_memberships::group_id.eq(group),
            group_memberships::user_id.eq(user),
            group_memberships::role.eq("member"),
        ))
        .execute(conn)
        .await
}

fn message(e: diesel::result::Error) -> String {
    e.to_string()
}

#[tokio::test]
async fn the_database_refuses_an_eleventh_group_of_one_creator() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await.as_uuid();
    for _ in 0..10 {
        raw_group(&mut conn, ann).await.unwrap();
    }
    let err = raw_group(&mut conn, ann).await.unwrap_err();
    assert!(message(err).starts_with("USER_GROUP_LIMIT_EXCEEDED"));
}

#[tokio::test]
async fn the_database_refuses_an_eleventh_membership_and_a_fifty_first_member() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let owner = user(&mut conn, "owner").await.as_uuid();
    let mut owned = Vec::new();
    for _ in 0..10 {
        owned.push(raw_group(&mut conn, owner).await.unwrap());
    }
    let ann = user(&mut conn, "ann").await.as_uuid();
    for g in &owned {
        raw_member(&mut conn, *g, ann).await.unwrap();
    }
    let other = user(&mut conn, "other").await.as_uuid();
    let extra = raw_group(&mut conn, other).await.unwrap();
    let err = raw_member(&mut conn, extra, ann).await.unwrap_err();
    assert!(message(err).starts_with("USER_GROUP_MEMBERSHIP_LIMIT_EXCEEDED"));

    for i in 0..50 {
        let u = user(&mut conn, &format!("m{i}")).await.as_uuid();
        raw_member(&mut conn, extra, u).await.unwrap();
    }
    let late = user(&mut conn, "late").await.as_uuid();
    let err = raw_member(&mut conn, extra, late).await.unwrap_err();
    assert!(message(err).starts_with("GROUP_MEMBER_LIMIT_EXCEEDED"));
}

#[tokio::test]
async fn the_database_refuses_a_hundred_and_first_active_goal() {
    let db = fresh_database().await;
    let mut conn = db.connect().await;
    let ann = user(&mut conn, "ann").await.as_uuid();
    let g = raw_group(&mut conn, ann).await.unwrap();
    let goal = |n: usize| {
        (
            goals::group_id.eq(g),
            goals::title.eq(format!("goal {n}")),
            goals::cadence.eq("daily"),
            goals::metric_type.eq("binary"),
        )
    };
    let rows: Vec<_> = (0..100).map(goal).collect();
    diesel::insert_into(goals::table)
        .values(rows)
        .execute(&mut conn)
        .await
        .unwrap();
    let err = diesel::insert_into(goals::table)
        .values(goal(100))
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(message(err).starts_with("GROUP_GOALS_LIMIT_EXCEEDED"));

    // an archived goal frees its place
    diesel::update(goals::table.filter(goals::title.eq("goal 0")))
        .set(goals::deleted_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::insert_into(goals::table)
        .values(goal(100))
        .execute(&mut conn)
        .await
        .unwrap();
}
