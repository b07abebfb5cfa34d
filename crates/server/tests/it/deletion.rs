//! DELETE /users/me and the purge job.

use std::time::{Duration, Instant};

use crate::app::{spawn_app, spawn_app_with};
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, post, register, s};

#[tokio::test]
async fn delete_me_checks_what_is_sent_and_ends_every_session() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"password": "Wrong1234"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_PASSWORD"));
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"confirmation": "remove"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_CONFIRMATION"));
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"confirmation": "DELETE", "password": "Wrong1234"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_PASSWORD"));
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let mut conn = app.db.connect().await;
    diesel::sql_query(
        "INSERT INTO devices (user_id, fcm_token, platform) SELECT id, 'fcm-1', 'android' FROM users",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"password": "Secret123"})),
    )
    .await;
    assert_eq!(status, 204);

    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        devices: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        open_sessions: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        resets: i64,
    }
    // forgot-password for a deleted account stores and sends nothing
    let (status, _) = post(
        &app,
        "/api/auth/forgot-password",
        json!({"email": "ann@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let c: Counts = diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM devices) AS devices, \
         (SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL) AS open_sessions, \
         (SELECT COUNT(*) FROM password_reset_tokens) AS resets",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!((c.devices, c.open_sessions, c.resets), (0, 0, 0));

    let (status, body) = call(&app, Method::GET, "/api/users/me", Some(t), None).await;
    assert_eq!((status, code(&body)), (401, "INVALID_TOKEN"));
    let (status, body) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&ann, "refresh_token")}),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "INVALID_REFRESH_TOKEN"));
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = post(
        &app,
        "/api/auth/register",
        json!({"email": "ann@example.com", "password": "Secret123", "display_name": "A", "date_of_birth": "1990-01-01", "consent_agreed": true}),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "EMAIL_EXISTS"));
}

#[tokio::test]
async fn passwordless_accounts_confirm_with_delete() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let mut conn = app.db.connect().await;
    diesel::sql_query("UPDATE users SET password_hash = NULL")
        .execute(&mut conn)
        .await
        .unwrap();
    let t = s(&ann, "access_token");
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"confirmation": "delete"})),
    )
    .await;
    assert_eq!(status, 204);
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = SqlUuid)]
    creator: uuid::Uuid,
}

#[tokio::test]
async fn purge_hands_groups_over_and_removes_the_user() {
    let app = spawn_app_with(|c| {
        c.account_purge_days = 0;
        c.account_purge_interval_secs = 1;
    })
    .await;
    let ann = register(&app, "ann@example.com").await;
    let bob = register(&app, "bob@example.com").await;
    let cat = register(&app, "cat@example.com").await;
    let id =
        |v: &serde_json::Value| uuid::Uuid::parse_str(v["user"]["id"].as_str().unwrap()).unwrap();
    let (ann_id, bob_id, cat_id) = (id(&ann), id(&bob), id(&cat));
    let mut conn = app.db.connect().await;
    let shared = uuid::Uuid::new_v4();
    let alone = uuid::Uuid::new_v4();
    for sql in [
        format!(
            "INSERT INTO groups (id, name, creator_user_id) VALUES ('{shared}', 'Runners', '{ann_id}'), ('{alone}', 'Solo', '{ann_id}')"
        ),
        format!(
            "INSERT INTO group_memberships (group_id, user_id, role, joined_at) VALUES \
                 ('{shared}', '{ann_id}', 'creator', NOW() - interval '3 days'), \
                 ('{shared}', '{bob_id}', 'member', NOW() - interval '2 days'), \
                 ('{shared}', '{cat_id}', 'admin', NOW() - interval '1 day'), \
                 ('{alone}', '{ann_id}', 'creator', NOW())"
        ),
        format!(
            "INSERT INTO invite_codes (group_id, code, created_by_user_id) VALUES ('{shared}', 'ABC123', '{ann_id}')"
        ),
        format!(
            "INSERT INTO goals (group_id, title, cadence, metric_type, created_by_user_id) VALUES ('{shared}', 'Run', 'daily', 'binary', '{ann_id}')"
        ),
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(s(&ann, "access_token")),
        Some(json!({"password": "Secret123"})),
    )
    .await;
    assert_eq!(status, 204);

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let start = Instant::now();
    loop {
        let c: Count = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM users WHERE id = '{ann_id}'"
        ))
        .get_result(&mut conn)
        .await
        .unwrap();
        if c.n == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "user not purged");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // the shared group survives with the earliest-joined admin as creator
    let row: Row = diesel::sql_query(format!(
        "SELECT m.role, g.creator_user_id AS creator FROM groups g JOIN group_memberships m \
         ON m.group_id = g.id AND m.user_id = g.creator_user_id WHERE g.id = '{shared}'"
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!((row.role.as_str(), row.creator), ("creator", cat_id));
    let c: Count = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM groups WHERE id = '{alone}'"
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(c.n, 0);
    let _ = bob_id;
}
