//! Reproductions of abuse found in testing (see docs/SECURITY.md): limits keyed on the
//! matched route, failed sign-ins reserved before the password check, forwarded-for
//! entries trusted only as far as the configured proxies, and clean text.

use crate::app::{TestApp, spawn_app, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{call, create_goal, create_group, log, patch, register, today};

async fn limited_app(trust_proxy: u8) -> TestApp {
    spawn_app_with(|c| {
        c.rate_limits = true;
        c.trust_proxy = trust_proxy;
    })
    .await
}

async fn login(app: &TestApp, path: &str, password: &str, forwarded: Option<&str>) -> u16 {
    let mut req = app
        .client
        .post(app.url(path))
        .json(&json!({"email": "ann@example.com", "password": password}));
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn percent_encoded_paths_fall_under_their_routes_limits() {
    let app = limited_app(0).await;
    let ann = register(&app, "ann").await;
    for _ in 0..5 {
        assert_eq!(
            login(&app, "/api/auth/login", "wrong-pass1", None).await,
            401
        );
    }
    assert_eq!(
        login(&app, "/api/auth/login", "wrong-pass1", None).await,
        429
    );
    // The router decodes `%6c` to `l`; the limiter must see the same route.
    assert_eq!(
        login(&app, "/api/auth/%6cogin", "Secret123", None).await,
        429
    );
    assert_eq!(
        login(&app, "/api/auth/l%6fgin", "wrong-pass1", None).await,
        429
    );

    let path = "/api/progress/67e55044-10b1-426f-9247-bb680e5fe0c8";
    let regain = std::time::Duration::from_secs(1);
    crate::support::spend_until_refused(60, regain, || {
        call(&app, Method::GET, path, Some(&ann.token), None)
    })
    .await;
    // The encoded path shares the spent budget: at most what time regained passes.
    let encoded = "/api/%70rogress/67e55044-10b1-426f-9247-bb680e5fe0c8";
    let body = crate::support::spend_until_refused(0, regain, || {
        call(&app, Method::GET, encoded, Some(&ann.token), None)
    })
    .await;
    assert_eq!(body["error"]["code"], json!("PROGRESS_RATE_LIMIT"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_failed_sign_ins_never_exceed_the_budget() {
    let app = limited_app(0).await;
    register(&app, "ann").await;
    let attempts: Vec<_> = (0..60)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/api/auth/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"email": "ann@example.com", "password": "wrong-pass1"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let processed = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((processed, refused), (5, 55), "{statuses:?}");
    // The right password is refused too until the window passes.
    assert_eq!(login(&app, "/api/auth/login", "Secret123", None).await, 429);
}

#[tokio::test]
async fn a_client_cannot_escape_the_limit_with_its_own_forwarded_for() {
    // One proxy that appends the peer it saw (127.0.0.17) to the client's header.
    let app = limited_app(1).await;
    for i in 0..5 {
        let forged = format!("10.9.{i}.1, 127.0.0.17");
        assert_eq!(
            login(&app, "/api/auth/login", "wrong-pass1", Some(&forged)).await,
            401
        );
    }
    for i in 5..12 {
        let forged = format!("10.9.{i}.1, 127.0.0.17");
        assert_eq!(
            login(&app, "/api/auth/login", "wrong-pass1", Some(&forged)).await,
            429
        );
    }
    // Another real client behind the same proxy has its own budget.
    assert_eq!(
        login(
            &app,
            "/api/auth/login",
            "wrong-pass1",
            Some("10.9.0.1, 127.0.0.18")
        )
        .await,
        401
    );

    // Two proxies: the client is the second entry from the right.
    let app = limited_app(2).await;
    for i in 0..12 {
        let forged = format!("10.9.{i}.1, 203.0.113.5, 10.0.0.1");
        let want = if i < 5 { 401 } else { 429 };
        assert_eq!(
            login(&app, "/api/auth/login", "wrong-pass1", Some(&forged)).await,
            want
        );
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn nul_characters_are_validation_errors_never_500() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let (status, body) = patch(
        &app,
        "/api/users/me",
        &ann,
        json!({"display_name": "a\u{0}b"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");

    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({"email": "b\u{0}b@example.com", "password": "Secret123", "display_name": "B"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");

    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({"email": "ann\u{0}@example.com", "password": "Secret123"})),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (401, "INVALID_CREDENTIALS"),
        "{body}"
    );

    let group = create_group(&app, &ann, "Runners").await;
    let (status, body) = patch(
        &app,
        &format!("/api/groups/{group}"),
        &ann,
        json!({"description": "x\u{0}y"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");

    let bob = register(&app, "bob").await;
    let (status, body) = crate::support::join(&app, &bob, "PURSUE-\u{0}").await;
    assert!(status < 500, "{status} {body}");
}

#[tokio::test]
async fn control_and_bidi_characters_are_refused_but_notes_keep_line_breaks() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    for name in [
        "\u{1b}[2J\u{202e}evil",
        "a\u{2028}b",
        "tab\there",
        "iso\u{2067}x",
    ] {
        let (status, body) =
            patch(&app, "/api/users/me", &ann, json!({"display_name": name})).await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_ERROR"),
            "{name:?}: {body}"
        );
    }
    let (status, body) = patch(
        &app,
        "/api/users/me",
        &ann,
        json!({"display_name": "שלום Ann"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let group = create_group(&app, &ann, "Runners").await;
    let goal = create_goal(
        &app,
        &group,
        &ann,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
    )
    .await;
    let date = today().to_string();
    let entry = |note: &str| json!({"goal_id": goal, "value": 1, "user_date": date, "user_timezone": "UTC", "note": note});
    let (status, body) =
        crate::support::post(&app, "/api/progress", &ann, entry("line one\r\n\tline two")).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) =
        crate::support::post(&app, "/api/progress", &ann, entry("bad\u{7}bell")).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
}

#[tokio::test]
async fn numeric_values_are_rounded_half_up_to_two_decimals() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let group = create_group(&app, &ann, "Readers").await;
    let goal = create_goal(
        &app,
        &group,
        &ann,
        json!({"title": "Pages", "cadence": "daily", "metric_type": "numeric", "target_value": 100}),
    )
    .await;
    let date = today().to_string();
    for (sent, stored) in [(12.345, 12.35), (0.300_000_000_000_000_04, 0.3)] {
        let (status, body) = log(&app, &ann, &goal, sent, &date).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["value"].as_f64(), Some(stored), "{body}");
    }
}

#[tokio::test]
async fn a_malformed_login_email_is_just_invalid_credentials() {
    let app = spawn_app().await;
    for email in ["not-an-email", "a@b", "@example.com", "ann@@example.com"] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": email, "password": "Secret123"})),
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (401, "INVALID_CREDENTIALS"),
            "{email}: {body}"
        );
    }
}

#[tokio::test]
async fn small_ones_truncated_jpegs_and_oversized_text_parts() {
    use crate::image_support::{jpeg, send_parts, upload_avatar};
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let whole = jpeg(600, 400);
    let (status, body) =
        upload_avatar(&app, &ann, &whole[..whole.len() * 2 / 3], "image/jpeg").await;
    assert_eq!((status, code(&body)), (400, "INVALID_IMAGE"), "{body}");

    let text = vec![b'a'; 200 * 1024];
    let (status, body) = send_parts(
        &app,
        Method::POST,
        "/api/users/me/avatar",
        &ann,
        &[
            ("note", None, &text),
            ("avatar", Some(("a.jpg", "image/jpeg")), &whole),
        ],
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
    assert_eq!(
        body["error"]["details"][0]["path"],
        json!(["note"]),
        "{body}"
    );

    let (status, body) = upload_avatar(&app, &ann, &whole, "image/jpeg").await;
    assert_eq!(status, 200, "{body}");
}
