//! `GET /api/users/me/data`: every key, the caller's rows only, no secrets, the download
//! name, and the 5-per-hour limit.

use crate::app::{spawn_app, spawn_app_with};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{User, create_group, register};

async fn export(app: &crate::app::TestApp, user: &User) -> reqwest::Response {
    app.client
        .get(app.url("/api/users/me/data"))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_export_holds_every_key_and_only_the_callers_data() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let group = create_group(&app, &ann, "Runners").await;
    let _other = create_group(&app, &bob, "Bob's").await;
    let (status, goal) = crate::support::post(
        &app,
        &format!("/api/groups/{group}/goals"),
        &ann,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    assert_eq!(status, 201, "{goal}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let (status, entry) = crate::support::post(
        &app,
        "/api/progress",
        &ann,
        json!({"goal_id": goal["id"], "value": 1, "note": "easy", "user_date": today,
               "user_timezone": "UTC"}),
    )
    .await;
    assert_eq!(status, 201, "{entry}");
    let mut conn = app.db.connect().await;
    diesel::sql_query(format!(
        "INSERT INTO devices (user_id, fcm_token, platform, device_name) VALUES ('{}', 'secret-fcm', 'android', 'Pixel')",
        ann.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();

    let res = export(&app, &ann).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"pursue-data-{today}.json\"").as_str()
    );
    let text = res.text().await.unwrap();
    for secret in ["secret-fcm", "token_hash", "password"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let doc: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "format_version",
        "exported_at",
        "user",
        "auth_providers",
        "sessions",
        "devices",
        "consents",
        "subscription",
        "subscriptions",
        "downgrade_history",
        "memberships",
        "goals_created",
        "progress_entries",
        "activities",
        "reactions",
        "nudges_sent",
        "nudges_received",
        "notifications",
        "milestones",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    assert_eq!(doc["format_version"], 1);
    let user = &doc["user"];
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["has_date_of_birth"], true);
    assert_eq!(user["avatar_url"], Value::Null);
    assert_eq!(doc["auth_providers"][0]["provider"], "email");
    assert_eq!(doc["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(doc["devices"][0]["device_name"], "Pixel");
    assert!(doc["devices"][0].get("fcm_token").is_none());
    assert_eq!(doc["consents"].as_array().unwrap().len(), 2);
    assert_eq!(doc["consents"][0]["ip_address"], "127.0.0.1");
    let memberships = doc["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1, "only Ann's memberships");
    assert_eq!(memberships[0]["group_name"], "Runners");
    assert_eq!(memberships[0]["status"], "active");
    assert_eq!(doc["goals_created"][0]["title"], "Run");
    assert_eq!(doc["progress_entries"][0]["goal_title"], "Run");
    assert_eq!(doc["progress_entries"][0]["note"], "easy");
    let kinds: Vec<_> = doc["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"progress_logged".to_string()), "{kinds:?}");
    for empty in [
        "subscriptions",
        "downgrade_history",
        "reactions",
        "nudges_sent",
    ] {
        assert_eq!(doc[empty], json!([]), "{empty}");
    }
    // The worker grants the first-log milestone right after the commit (it is woken by the
    // outbox row), so the export may already hold it: only Ann's, for her goal.
    for milestone in doc["milestones"].as_array().unwrap() {
        assert_eq!(milestone["goal_id"], goal["id"], "{milestone}");
        assert_eq!(milestone["milestone_key"], "first_log", "{milestone}");
    }
}

#[tokio::test]
async fn five_exports_per_hour_per_user() {
    let app = spawn_app_with(|c| c.rate_limits = true).await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    for _ in 0..5 {
        assert_eq!(export(&app, &ann).await.status(), 200);
    }
    let res = export(&app, &ann).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "EXPORT_RATE_LIMIT_EXCEEDED");
    assert_eq!(export(&app, &bob).await.status(), 200);
    let (status, _) =
        crate::support::call(&app, Method::GET, "/api/users/me", Some(&ann.token), None).await;
    assert_eq!(status, 200);
}
