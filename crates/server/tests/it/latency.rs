//! Password hashing runs off the request workers: a login storm does not stall others.

use std::time::{Duration, Instant};

use crate::app::spawn_app;
use serde_json::json;

use crate::auth_support::{post, register};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_logins_leave_other_requests_fast() {
    let app = std::sync::Arc::new(spawn_app().await);
    register(&app, "ann@example.com").await;
    let mut logins = Vec::new();
    for _ in 0..20 {
        let app = app.clone();
        logins.push(tokio::spawn(async move {
            post(
                &app,
                "/api/auth/login",
                json!({"email": "ann@example.com", "password": "Secret123"}),
            )
            .await
            .0
        }));
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut worst = Duration::ZERO;
    for _ in 0..10 {
        let start = Instant::now();
        let res = app.client.get(app.url("/ready")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        worst = worst.max(start.elapsed());
    }
    for l in logins {
        assert_eq!(l.await.unwrap(), 200);
    }
    assert!(
        worst < Duration::from_millis(500),
        "a request took {worst:?} during the login storm"
    );
}
