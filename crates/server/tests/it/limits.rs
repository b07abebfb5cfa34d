//! Rate limits (docs/API.md, Rate limits) over HTTP (the test configuration turns them off; these
//! tests turn them on).

use crate::app::{TestApp, spawn_app, spawn_app_with};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{call, get, register};

async fn limited_app() -> TestApp {
    spawn_app_with(|c| c.rate_limits = true).await
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn code_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn the_general_limit_is_100_a_minute_per_user_with_headers() {
    let app = limited_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let first = raw(&app, Method::GET, "/api/users/me", Some(&ann.token), None).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "ratelimit-limit").as_deref(), Some("100"));
    assert_eq!(header(&first, "ratelimit-remaining").as_deref(), Some("99"));
    assert!(header(&first, "ratelimit-reset").is_some());
    assert!(header(&first, "x-ratelimit-limit").is_none());
    // 100 a minute: one regained every 0.6 s, so a slow machine may pass a few more.
    let started = std::time::Instant::now();
    let mut passed = 1usize;
    let refused = loop {
        let res = raw(&app, Method::GET, "/api/users/me", Some(&ann.token), None).await;
        if res.status() == 429 {
            break res;
        }
        assert_eq!(res.status(), 200);
        passed += 1;
        let regained = (started.elapsed().as_secs_f64() / 0.6).ceil() as usize;
        assert!(
            passed <= 100 + regained,
            "{passed} passed: the budget does not hold"
        );
    };
    assert!(passed >= 100, "refused after {passed}");
    let retry_after: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(
        header(&refused, "ratelimit-remaining").as_deref(),
        Some("0")
    );
    assert_eq!(
        code_of(refused).await,
        (429, "RATE_LIMIT_EXCEEDED".to_owned())
    );

    // Another user (same IP) has a budget of their own; /health is never limited.
    assert_eq!(get(&app, "/api/users/me", &bob).await.0, 200);
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn five_failed_sign_ins_block_the_sixth_but_successes_do_not_count() {
    let app = limited_app().await;
    register(&app, "ann").await;
    let login = |password: &'static str| json!({"email": "ann@example.com", "password": password});
    for _ in 0..8 {
        let res = raw(
            &app,
            Method::POST,
            "/api/auth/login",
            None,
            Some(login("Secret123")),
        )
        .await;
        assert_eq!(res.status(), 200, "successful logins are not counted");
    }
    for _ in 0..4 {
        let res = raw(
            &app,
            Method::POST,
            "/api/auth/login",
            None,
            Some(login("wrong-pass1")),
        )
        .await;
        assert_eq!(res.status(), 401);
    }
    // The fifth failure comes from a registration (counted too).
    let dup = raw(
        &app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({"email": "ann@example.com", "password": "Secret123", "display_name": "A", "date_of_birth": "1990-01-01", "consent_agreed": true})),
    )
    .await;
    assert_eq!(dup.status(), 409);
    let blocked = raw(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        Some(login("Secret123")),
    )
    .await;
    assert!(header(&blocked, "retry-after").is_some());
    assert_eq!(
        code_of(blocked).await,
        (429, "AUTH_RATE_LIMIT_EXCEEDED".to_owned())
    );
}

#[tokio::test]
async fn password_reset_requests_are_limited_to_three() {
    let app = limited_app().await;
    for _ in 0..3 {
        let res = raw(
            &app,
            Method::POST,
            "/api/auth/forgot-password",
            None,
            Some(json!({"email": "nobody@example.com"})),
        )
        .await;
        assert_eq!(res.status(), 200);
    }
    let res = raw(
        &app,
        Method::POST,
        "/api/auth/forgot-password",
        None,
        Some(json!({"email": "nobody@example.com"})),
    )
    .await;
    assert_eq!(
        code_of(res).await,
        (429, "PASSWORD_RESET_RATE_LIMIT".to_owned())
    );
}

#[tokio::test]
async fn progress_is_limited_to_60_a_minute_per_user() {
    let app = limited_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let path = "/api/progress/67e55044-10b1-426f-9247-bb680e5fe0c8";
    let refused = crate::support::spend_until_refused(60, Duration::from_secs(1), || {
        call(&app, Method::GET, path, Some(&ann.token), None)
    })
    .await;
    assert_eq!(refused["error"]["code"], "PROGRESS_RATE_LIMIT");
    let res = raw(&app, Method::GET, path, Some(&bob.token), None).await;
    assert_eq!(res.status(), 404, "bob has his own budget");
}

#[tokio::test]
async fn uploads_are_limited_to_ten_per_user() {
    let app = limited_app().await;
    let ann = register(&app, "ann").await;
    for _ in 0..10 {
        let res = raw(
            &app,
            Method::POST,
            "/api/users/me/avatar",
            Some(&ann.token),
            None,
        )
        .await;
        assert_eq!(res.status(), 400, "no file: refused but counted");
        assert_eq!(header(&res, "ratelimit-limit").as_deref(), Some("10"));
    }
    let res = raw(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        Some(&ann.token),
        None,
    )
    .await;
    assert_eq!(
        code_of(res).await,
        (429, "UPLOAD_RATE_LIMIT_EXCEEDED".to_owned())
    );
    // Reading the avatar is not an upload.
    let res = raw(
        &app,
        Method::GET,
        &format!("/api/users/{}/avatar", ann.id),
        None,
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn limits_are_off_in_the_test_configuration() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    for _ in 0..120 {
        let res = raw(&app, Method::GET, "/api/users/me", Some(&ann.token), None).await;
        assert_eq!(res.status(), 200);
        assert!(header(&res, "ratelimit-limit").is_none());
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for() {
    let app = spawn_app_with(|c| {
        c.rate_limits = true;
        c.trust_proxy = 1;
    })
    .await;
    let attempt = |ip: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", ip)
            .json(&json!({"email": "nobody@example.com", "password": "wrong-pass1"}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("203.0.113.7").await.unwrap().status(), 401);
    }
    let blocked = attempt("203.0.113.7").await.unwrap();
    assert_eq!(
        code_of(blocked).await,
        (429, "AUTH_RATE_LIMIT_EXCEEDED".to_owned())
    );
    assert_eq!(
        attempt("198.51.100.9").await.unwrap().status(),
        401,
        "another client"
    );
}
