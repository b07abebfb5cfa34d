//! Forgot/reset password through the outbox and a local Resend fake.

use std::time::Duration;

use crate::app::{spawn_app, spawn_app_with};
use pursue_testkit::fakes::resend::{API_KEY, ResendFake};
use serde_json::json;

use crate::auth_support::{code, post, register, s};

const MESSAGE: &str = "If an account exists with this email, a password reset link has been sent.";

fn token_from(text: &str) -> String {
    let i = text.find("reset-password?token=").unwrap() + "reset-password?token=".len();
    text[i..i + 64].to_string()
}

#[tokio::test]
async fn reset_link_is_mailed_through_resend_and_works_once() {
    let resend = ResendFake::start_failing(1, 429).await;
    let url = resend.base_url();
    let app = spawn_app_with(|c| {
        c.resend_api_key = Some(pursue_runtime::config::Secret::new(API_KEY));
        c.resend_base_url = url;
        c.frontend_url = "https://app.example".into();
    })
    .await;
    let ann = register(&app, "ann@example.com").await;

    let (status, body) = post(
        &app,
        "/api/auth/forgot-password",
        json!({"email": "ANN@example.com"}),
    )
    .await;
    assert_eq!((status, body["message"].as_str()), (200, Some(MESSAGE)));
    // unknown e-mail: same answer, nothing sent
    let (status, body) = post(
        &app,
        "/api/auth/forgot-password",
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!((status, body["message"].as_str()), (200, Some(MESSAGE)));

    // first attempt answered 429, the retry 200
    let requests = resend.wait_for_requests(2, Duration::from_secs(15)).await;
    assert_eq!(requests.len(), 2);
    let (auth, mail) = &requests[1];
    assert_eq!(auth, &format!("Bearer {API_KEY}"));
    assert_eq!(mail["to"], json!(["ann@example.com"]));
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("https://app.example/reset-password?token="));
    let token = token_from(text);

    let (status, body) = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": token, "new_password": "weak"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, pair) = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": token, "new_password": "Newpass123"}),
    )
    .await;
    assert_eq!(status, 200, "{pair}");
    assert!(pair["access_token"].is_string() && pair["refresh_token"].is_string());
    // used once; old sessions revoked; new password works
    let (status, body) = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": token, "new_password": "Newpass123"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_RESET_TOKEN"));
    let (status, _) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&pair, "refresh_token")}),
    )
    .await;
    assert_eq!(status, 200);
    // the pre-reset session was revoked (presenting it now also trips reuse detection)
    let (status, _) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&ann, "refresh_token")}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Newpass123"}),
    )
    .await;
    assert_eq!(status, 200);

    // the outbox row is done after 2 attempts
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        status: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        attempts: i32,
    }
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.connect().await;
    let rows: Vec<Row> = diesel::sql_query("SELECT status, attempts FROM outbox")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].status.as_str(), rows[0].attempts), ("done", 2));
}

#[tokio::test]
async fn unknown_and_expired_tokens_are_refused_and_files_hold_dev_mail() {
    let app = spawn_app().await;
    register(&app, "ann@example.com").await;
    let (status, body) = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": "0".repeat(64), "new_password": "Newpass123"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_RESET_TOKEN"));
    let (status, body) = post(
        &app,
        "/api/auth/reset-password",
        json!({"new_password": "Newpass123"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));

    let (status, _) = post(
        &app,
        "/api/auth/forgot-password",
        json!({"email": "ann@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    // without RESEND_API_KEY the e-mail lands in PURSUE_DATA_DIR/emails
    let dir = app.data_dir.path().join("emails");
    let start = std::time::Instant::now();
    let file = loop {
        if let Some(f) = std::fs::read_dir(&dir).ok().and_then(|mut d| d.next()) {
            break f.unwrap().path();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no e-mail file");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let token = token_from(&std::fs::read_to_string(file).unwrap());
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.connect().await;
    diesel::sql_query("UPDATE password_reset_tokens SET expires_at = NOW() - interval '1 minute'")
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, body) = post(
        &app,
        "/api/auth/reset-password",
        json!({"token": token, "new_password": "Newpass123"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_RESET_TOKEN"));
}
