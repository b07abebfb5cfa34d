//! CORS, security headers and `/metrics`.

use crate::app::spawn_app_with;
use reqwest::Method;

use crate::support::{call, register};

const SITE: &str = "https://getpursue.app";

fn metric_value(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(name) && labels.iter().all(|want| l.contains(want)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn preflight_from_an_allowed_origin_is_answered() {
    let app = spawn_app_with(|_| {}).await;
    let res = app
        .client
        .request(Method::OPTIONS, app.url("/api/groups"))
        .header("Origin", SITE)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], SITE);
    assert_eq!(h["access-control-allow-credentials"], "true");
    let methods = h["access-control-allow-methods"].to_str().unwrap();
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let headers = h["access-control-allow-headers"].to_str().unwrap();
    assert!(headers.contains("Content-Type") && headers.contains("Authorization"));
}

#[tokio::test]
async fn preflight_from_another_origin_is_denied() {
    let app = spawn_app_with(|_| {}).await;
    let res = app
        .client
        .request(Method::OPTIONS, app.url("/api/groups"))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    assert!(res.headers().get("access-control-allow-methods").is_none());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "CORS_ORIGIN_NOT_ALLOWED");
}

#[tokio::test]
async fn simple_requests_echo_only_allowed_origins() {
    let app = spawn_app_with(|c| {
        c.cors_origins = vec!["https://staging.example".into()];
    })
    .await;
    let with_origin = |origin: &'static str| {
        app.client
            .get(app.url("/health"))
            .header("Origin", origin)
            .send()
    };
    let allowed = with_origin("https://staging.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://staging.example"
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let denied = with_origin(SITE).await.unwrap();
    assert_eq!(
        denied.status(),
        200,
        "the server still answers; the browser hides it"
    );
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let none = app.client.get(app.url("/health")).send().await.unwrap();
    assert!(none.headers().get("access-control-allow-origin").is_none());
    assert_eq!(none.headers()["x-frame-options"], "DENY");
    assert_eq!(none.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn request_counters_and_latency_histograms_move() {
    let app = spawn_app_with(|_| {}).await;
    let scrape = || async {
        let res = app.client.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        res.text().await.unwrap()
    };
    let before = scrape().await;
    let user = register(&app, "metered").await;
    let group_id = "00000000-0000-4000-8000-000000000001";
    for _ in 0..3 {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/groups/{group_id}"),
            Some(&user.token),
            None,
        )
        .await;
        assert_eq!(status, 404);
    }
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        Some(serde_json::json!({"email": "metered@example.com", "password": "Wrong1234"})),
    )
    .await;
    assert_eq!(status, 401);
    let after = scrape().await;
    let labels = [
        "method=\"GET\"",
        "route=\"/api/groups/{group_id}\"",
        "status=\"4xx\"",
    ];
    let count = |text: &str| metric_value(text, "http_requests_total{", &labels);
    assert!(count(&after) - count(&before) >= 3.0, "{after}");
    assert!(
        !after.contains(group_id),
        "raw paths must never become labels"
    );
    let hist = |text: &str| metric_value(text, "http_request_duration_seconds_count{", &labels);
    assert!(hist(&after) - hist(&before) >= 3.0);
    assert!(after.contains("http_request_duration_seconds_bucket{"));
    let created = ["route=\"/api/auth/register\"", "status=\"2xx\""];
    assert!(metric_value(&after, "http_requests_total{", &created) >= 1.0);
    let failed = ["method=\"password\"", "outcome=\"rejected\""];
    let sign_ins = |text: &str| metric_value(text, "sign_in_total{", &failed);
    assert!(sign_ins(&after) - sign_ins(&before) >= 1.0);
    assert!(metric_value(&after, "db_pool_max_connections", &[]) >= 1.0);
    // Register and the failed login each ran a job on the password-hashing pool.
    assert!(metric_value(&after, "password_hash_wait_seconds_count", &[]) >= 1.0);
    assert!(after.contains("password_hash_queue_depth"), "{after}");
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = spawn_app_with(|c| {
        c.metrics_token = Some(pursue_runtime::config::Secret::new("scrape-secret"));
    })
    .await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn every_documented_route_is_served_and_the_browser_loads() {
    let app = spawn_app_with(|_| {}).await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 30);
    for (path, item) in paths {
        let url = path
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "00000000-0000-0000-0000-000000000000"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (status, body) = call(&app, method.clone(), &url, None, None).await;
            assert_ne!(
                body["error"]["message"], "Route not found",
                "{method} {path} is documented but not served ({status})"
            );
        }
    }
    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let bare = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(bare.status(), 308);
}
