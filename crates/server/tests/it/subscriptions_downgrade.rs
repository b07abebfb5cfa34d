//! The daily downgrade job and the users cache after membership changes (docs/API.md,
//! Subscriptions).

use diesel_async::RunQueryDsl;

use crate::support::{approve, create_group, delete, invite, join, make_premium, register};

const G2: &str = "00000000-0000-0000-0000-0000000000b2";
const G3: &str = "00000000-0000-0000-0000-0000000000b3";
const D2: &str = "00000000-0000-0000-0000-0000000000d2";
const E2: &str = "00000000-0000-0000-0000-0000000000e2";

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(conn: &mut diesel_async::AsyncPgConnection, sql: String) -> i64 {
    diesel::sql_query(sql)
        .get_result::<N>(conn)
        .await
        .unwrap()
        .n
}

async fn memberships(conn: &mut diesel_async::AsyncPgConnection, user: &str) -> i64 {
    count(
        conn,
        format!("SELECT COUNT(*) AS n FROM group_memberships WHERE user_id = '{user}'"),
    )
    .await
}

async fn cached_count(conn: &mut diesel_async::AsyncPgConnection, user: &str) -> i64 {
    count(
        conn,
        format!("SELECT current_group_count::BIGINT AS n FROM users WHERE id = '{user}'"),
    )
    .await
}

async fn run_sql(conn: &mut diesel_async::AsyncPgConnection, sql: String) {
    diesel::sql_query(sql).execute(conn).await.unwrap();
}

#[tokio::test]
async fn the_downgrade_job_leaves_the_other_groups_once_across_instances() {
    let db = pursue_testkit::fresh_database().await;
    // Two instances share the database; both run the job every second.
    let app = crate::app::spawn_app_on(db.alias(), |c| {
        c.accounts.downgrade_interval_secs = 1;
    })
    .await;
    let _other = crate::app::spawn_app_on(db.alias(), |c| {
        c.accounts.downgrade_interval_secs = 1;
    })
    .await;
    let mut conn = db.connect().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let cat = register(&app, "cat").await;
    let dan = register(&app, "dan").await;
    let eve = register(&app, "eve").await;
    let kept = create_group(&app, &ann, "Kept").await;
    let d1 = create_group(&app, &dan, "Dan one").await;
    make_premium(&app, &eve).await;
    let e1 = create_group(&app, &eve, "Eve one").await;
    // G2: bob's group, ann and dan are members. G3: ann's group, cat a member (promoted
    // to creator when ann leaves). D2, E2: second groups of dan and eve.
    run_sql(
        &mut conn,
        format!(
            "INSERT INTO groups (id, name, creator_user_id) VALUES ('{G2}', 'Bob', '{}'), \
             ('{G3}', 'Ann two', '{}'), ('{D2}', 'Dan two', '{}'), ('{E2}', 'Eve two', '{}')",
            bob.id, ann.id, dan.id, eve.id
        ),
    )
    .await;
    run_sql(
        &mut conn,
        format!(
            "INSERT INTO group_memberships (group_id, user_id, role) VALUES \
             ('{G2}', '{bob}', 'creator'), ('{G2}', '{ann}', 'member'), \
             ('{G3}', '{ann}', 'creator'), ('{G3}', '{cat}', 'member'), \
             ('{D2}', '{dan}', 'creator'), ('{E2}', '{eve}', 'creator')",
            bob = bob.id,
            ann = ann.id,
            cat = cat.id,
            dan = dan.id,
            eve = eve.id
        ),
    )
    .await;
    // Ann chose 31 days ago, dan 5 days ago; eve (premium) 40 days ago.
    run_sql(
        &mut conn,
        format!(
            "INSERT INTO subscription_downgrade_history (user_id, downgrade_date, previous_tier, \
             groups_before_downgrade, kept_group_id, removed_group_ids) VALUES \
             ('{}', NOW() - interval '31 days', 'premium', 3, '{kept}', ARRAY['{G2}', '{G3}']::uuid[]), \
             ('{}', NOW() - interval '5 days', 'premium', 2, '{d1}', ARRAY['{D2}']::uuid[]), \
             ('{}', NOW() - interval '40 days', 'premium', 2, '{e1}', ARRAY['{E2}']::uuid[])",
            ann.id, dan.id, eve.id
        ),
    )
    .await;
    let start = std::time::Instant::now();
    while memberships(&mut conn, &ann.id).await > 1 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "the downgrade job did not run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Further runs on both instances change nothing.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        count(
            &mut conn,
            format!(
                "SELECT COUNT(*) AS n FROM group_memberships WHERE user_id = '{}' AND group_id = '{kept}'",
                ann.id
            )
        )
        .await,
        1
    );
    assert_eq!(memberships(&mut conn, &ann.id).await, 1);
    for (group, kind, n) in [
        (G2, "member_left", 1),
        (G3, "member_left", 1),
        (G3, "member_promoted", 1),
        (G2, "member_promoted", 0),
    ] {
        assert_eq!(
            count(
                &mut conn,
                format!(
                    "SELECT COUNT(*) AS n FROM group_activities WHERE group_id = '{group}' \
                     AND activity_type = '{kind}'"
                )
            )
            .await,
            n,
            "{kind} in {group}"
        );
    }
    // Cat took over G3 as its creator; bob still runs G2.
    assert_eq!(
        count(
            &mut conn,
            format!(
                "SELECT COUNT(*) AS n FROM groups g JOIN group_memberships m ON m.group_id = g.id \
                 AND m.user_id = g.creator_user_id WHERE g.id = '{G3}' AND g.creator_user_id = '{}' \
                 AND m.role = 'creator'",
                cat.id
            )
        )
        .await,
        1
    );
    assert_eq!(memberships(&mut conn, &bob.id).await, 1);
    // A recent selection and a premium user are untouched.
    assert_eq!(memberships(&mut conn, &dan.id).await, 2);
    assert_eq!(memberships(&mut conn, &eve.id).await, 2);
    assert_eq!(cached_count(&mut conn, &ann.id).await, 1);
}

#[tokio::test]
async fn the_users_cache_follows_approve_and_leave() {
    let app = crate::app::spawn_app().await;
    let mut conn = app.db.connect().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let group = create_group(&app, &ann, "Cache").await;
    assert_eq!(cached_count(&mut conn, &ann.id).await, 1);
    let code = invite(&app, &group, &ann).await;
    let (status, body) = join(&app, &bob, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(cached_count(&mut conn, &bob.id).await, 0);
    let (status, body) = approve(&app, &group, &ann, &bob).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(cached_count(&mut conn, &bob.id).await, 1);
    let (status, body) = delete(&app, &format!("/api/groups/{group}/members/me"), &bob).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(cached_count(&mut conn, &bob.id).await, 0);
}
