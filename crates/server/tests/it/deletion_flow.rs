//! Account deletion: the app's body for every account, memberships and the creator
//! hand-over at deletion time, hashed consents, and a purge that other tables cannot block.

use std::time::{Duration, Instant};

use crate::app::{TEST_CONSENT_SALT, spawn_app, spawn_app_with};
use diesel::sql_types::{BigInt, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use reqwest::Method;
use serde_json::json;

use crate::support::{User, create_group, get, register};

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut AsyncPgConnection, sql: String) -> i64 {
    diesel::sql_query(sql)
        .get_result::<N>(conn)
        .await
        .unwrap()
        .n
}

async fn delete_account(
    app: &crate::app::TestApp,
    user: &User,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    crate::support::call(
        app,
        Method::DELETE,
        "/api/users/me",
        Some(&user.token),
        Some(body),
    )
    .await
}

/// Adds `who` as an active member with `role`, joined `days_ago` days ago.
async fn join(app: &crate::app::TestApp, group: &str, who: &User, role: &str, days_ago: i32) {
    let mut conn = app.db.connect().await;
    diesel::sql_query(format!(
        "INSERT INTO group_memberships (group_id, user_id, role, joined_at) \
         VALUES ('{group}', '{}', '{role}', NOW() - make_interval(days => {days_ago}))",
        who.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_apps_body_deletes_password_accounts_and_rules_hold() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    for (body, want) in [
        (json!({}), (400, "VALIDATION_ERROR")),
        (
            json!({"confirmation": "yes"}),
            (400, "INVALID_CONFIRMATION"),
        ),
        (json!({"confirmation": ""}), (400, "INVALID_CONFIRMATION")),
        (json!({"password": "Wrong1234"}), (400, "INVALID_PASSWORD")),
        (
            json!({"confirmation": "delete", "password": "Wrong1234"}),
            (400, "INVALID_PASSWORD"),
        ),
        (
            json!({"confirmation": "nope", "password": "Secret123"}),
            (400, "INVALID_CONFIRMATION"),
        ),
    ] {
        let (status, res) = delete_account(&app, &ann, body.clone()).await;
        assert_eq!(
            (status, res["error"]["code"].as_str().unwrap_or("")),
            want,
            "{body}"
        );
    }
    let (status, _) = delete_account(&app, &ann, json!({"confirmation": "DeLeTe"})).await;
    assert_eq!(status, 204);
    let bob = register(&app, "bob").await;
    let (status, _) = delete_account(
        &app,
        &bob,
        json!({"confirmation": "delete", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn deletion_hands_groups_over_at_once_without_pushes_and_hashes_consents() {
    let app = spawn_app().await;
    let (ann, bob, cat, dan) = (
        register(&app, "ann").await,
        register(&app, "bob").await,
        register(&app, "cat").await,
        register(&app, "dan").await,
    );
    crate::support::make_premium(&app, &ann).await;
    crate::support::make_premium(&app, &bob).await;
    let shared = create_group(&app, &ann, "Runners").await;
    // Bob joined first but Cat and Dan are admins; Cat has been one longer.
    join(&app, &shared, &bob, "member", 9).await;
    join(&app, &shared, &cat, "admin", 5).await;
    join(&app, &shared, &dan, "admin", 2).await;
    let solo = create_group(&app, &ann, "Solo").await;
    let bobs = create_group(&app, &bob, "Bob's").await;
    join(&app, &bobs, &ann, "member", 1).await;

    let mut conn = app.db.connect().await;
    let pushes_before = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM outbox WHERE topic <> 'email'".into(),
    )
    .await;
    let (status, _) = delete_account(&app, &ann, json!({"confirmation": "delete"})).await;
    assert_eq!(status, 204);

    // Runners: Cat (the admin) is now creator in both places.
    #[derive(diesel::QueryableByName)]
    struct Owner {
        #[diesel(sql_type = SqlUuid)]
        creator: uuid::Uuid,
        #[diesel(sql_type = Text)]
        role: String,
    }
    let o: Owner = diesel::sql_query(format!(
        "SELECT g.creator_user_id AS creator, m.role FROM groups g JOIN group_memberships m \
         ON m.group_id = g.id AND m.user_id = g.creator_user_id WHERE g.id = '{shared}'"
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        (o.creator.to_string(), o.role.as_str()),
        (cat.id.clone(), "creator")
    );
    // The deleted user holds no memberships; Solo is gone; Bob's group stays Bob's.
    assert_eq!(
        count(
            &mut conn,
            format!(
                "SELECT COUNT(*) AS n FROM group_memberships WHERE user_id = '{}'",
                ann.id
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &mut conn,
            format!("SELECT COUNT(*) AS n FROM groups WHERE id = '{solo}'")
        )
        .await,
        0
    );
    let (status, body) = get(&app, &format!("/api/groups/{bobs}"), &bob).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_count"], 1);
    let (_, members) = get(&app, &format!("/api/groups/{shared}/members"), &bob).await;
    assert_eq!(members["members"].as_array().unwrap().len(), 3, "{members}");
    // `member_left` activities in both surviving groups, and no pushes.
    assert_eq!(
        count(&mut conn, format!(
            "SELECT COUNT(*) AS n FROM group_activities WHERE user_id = '{}' AND activity_type = 'member_left' \
             AND metadata = '{{}}'::jsonb", ann.id)).await,
        2
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM outbox WHERE topic <> 'email'".into()
        )
        .await,
        pushes_before
    );
    // Consent rows keep the salted hash of the e-mail.
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = Nullable<Text>)]
        email_hash: Option<String>,
    }
    let hashes: Vec<Hash> = diesel::sql_query(format!(
        "SELECT email_hash FROM user_consents WHERE user_id = '{}'",
        ann.id
    ))
    .load(&mut conn)
    .await
    .unwrap();
    let want = pursue_domain::user::consent_email_hash("ann@example.com", TEST_CONSENT_SALT);
    assert_eq!(hashes.len(), 2);
    assert!(
        hashes
            .iter()
            .all(|h| h.email_hash.as_deref() == Some(want.as_str()))
    );
}

#[tokio::test]
async fn purge_is_not_blocked_by_upstream_tables_and_keeps_consents_hashed() {
    let app = spawn_app_with(|c| {
        c.account_purge_days = 0;
        c.account_purge_interval_secs = 1;
    })
    .await;
    let mut conn = app.db.connect().await;
    // Tables of the upstream server that reference users without an ON DELETE action.
    for sql in [
        "CREATE TABLE content_reports (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), \
         reporter_user_id UUID NOT NULL REFERENCES users(id), reason TEXT)",
        "CREATE TABLE focus_sessions (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), \
         host_user_id UUID NOT NULL REFERENCES users(id))",
        "CREATE TABLE focus_session_participants (session_id UUID REFERENCES focus_sessions(id) ON DELETE CASCADE, \
         user_id UUID NOT NULL REFERENCES users(id))",
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    for sql in [
        format!(
            "INSERT INTO content_reports (reporter_user_id, reason) VALUES ('{}', 'spam'), ('{}', 'x')",
            ann.id, bob.id
        ),
        format!(
            "INSERT INTO focus_sessions (host_user_id) VALUES ('{}')",
            ann.id
        ),
        format!(
            "INSERT INTO focus_session_participants (session_id, user_id) SELECT id, '{}' FROM focus_sessions",
            ann.id
        ),
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let (status, _) = delete_account(&app, &ann, json!({"confirmation": "delete"})).await;
    assert_eq!(status, 204);
    let start = Instant::now();
    while count(
        &mut conn,
        format!("SELECT COUNT(*) AS n FROM users WHERE id = '{}'", ann.id),
    )
    .await
        > 0
    {
        assert!(start.elapsed() < Duration::from_secs(15), "user not purged");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM content_reports".into()
        )
        .await,
        1
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM focus_sessions".into()).await,
        0
    );
    // Consent rows survive the purge, detached, with the hash.
    let want = pursue_domain::user::consent_email_hash("ann@example.com", TEST_CONSENT_SALT);
    assert_eq!(
        count(&mut conn, format!(
            "SELECT COUNT(*) AS n FROM user_consents WHERE user_id IS NULL AND email_hash = '{want}'"
        )).await,
        2
    );
    let _ = bob;
}
