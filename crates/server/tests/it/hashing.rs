//! Password hashing under load: the bounded pool answers `503 SERVER_BUSY` beyond its queue,
//! and hashes of an older setting are replaced at sign-in.

use crate::app::{TestApp, spawn_app_on, spawn_app_with};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::json;

use crate::support::call;

async fn login(app: &TestApp, email: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": "Secret123"}))
        .send()
        .await
        .unwrap()
}

async fn register(app: &TestApp, email: &str) {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(
            json!({"email": email, "password": "Secret123", "display_name": "Hash",
            "date_of_birth": "1990-01-01", "consent_agreed": true}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

async fn stored_hash(app: &TestApp, email: &str) -> String {
    use pursue_postgres::schema::users;
    let mut conn = app.db.connect().await;
    let stored: Option<String> = users::table
        .filter(users::email.eq(email))
        .select(users::password_hash)
        .first(&mut conn)
        .await
        .unwrap();
    stored.unwrap()
}

/// One hashing thread, no queue, and a slow hash: of several sign-ins sent at once, the one
/// that gets the thread succeeds and the others are refused with the busy envelope.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_ins_beyond_the_hashing_queue_get_503_server_busy() {
    let app = spawn_app_with(|c| {
        c.password_hashing.iterations = 40;
        c.password_hashing.pool.size = 1;
        c.password_hashing.pool.queue = 0;
    })
    .await;
    register(&app, "busy@example.com").await;

    let attempts: Vec<_> = (0..6).map(|_| login(&app, "busy@example.com")).collect();
    let mut ok = 0;
    let mut busy = 0;
    for res in futures_util::future::join_all(attempts).await {
        match res.status().as_u16() {
            200 => ok += 1,
            503 => {
                busy += 1;
                assert_eq!(
                    res.headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()),
                    Some("1")
                );
                let body: serde_json::Value = res.json().await.unwrap();
                assert_eq!(body["error"]["code"], "SERVER_BUSY", "{body}");
                assert!(body["error"]["message"].is_string());
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(ok >= 1, "no sign-in got the hashing thread");
    assert!(busy >= 1, "no sign-in was refused ({ok} succeeded)");

    // Once the burst is over, signing in works again.
    assert_eq!(login(&app, "busy@example.com").await.status(), 200);
}

/// An account hashed with 19 MiB / t=2 signs in on a server configured with the default
/// cost; its hash is replaced once and then left alone.
#[tokio::test]
async fn hashes_of_an_older_setting_are_replaced_at_sign_in() {
    let old = spawn_app_with(|c| {
        c.password_hashing.memory_kib = 19 * 1024;
        c.password_hashing.iterations = 2;
    })
    .await;
    register(&old, "rehash@example.com").await;
    let before = stored_hash(&old, "rehash@example.com").await;
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{before}"
    );

    let new = spawn_app_on(old.db.alias(), |_| {}).await;
    assert_eq!(login(&new, "rehash@example.com").await.status(), 200);
    let after = stored_hash(&new, "rehash@example.com").await;
    assert!(
        after.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{after}"
    );

    assert_eq!(login(&new, "rehash@example.com").await.status(), 200);
    assert_eq!(stored_hash(&new, "rehash@example.com").await, after);
}
