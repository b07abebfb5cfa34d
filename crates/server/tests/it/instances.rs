//! Three server instances on one database and one Redis (see docs/SECURITY.md, "Several
//! instances"): limits hold across them, each push leaves once, and a rolling restart —
//! each instance stopped gracefully in turn (in-process, as SIGTERM would) and replaced
//! while a client keeps sending through a ready-checking balancer — fails no request. The
//! same restart with real processes and SIGTERM is in `shutdown.rs`.

use std::path::PathBuf;
use std::time::Duration;

use crate::app::{TestApp, spawn_app_on};
use pursue_runtime::config::Secret;
use pursue_server::Config;
use pursue_testkit::fakes::FcmFake;
use pursue_testkit::fresh_database;
use pursue_testkit::redis::TestRedis;
use serde_json::json;

use crate::fcm_support::*;
use crate::support::{User, cast, create_goal, post, register};

fn configure(redis: &str, fcm: &FcmFake, credentials: PathBuf) -> impl FnOnce(&mut Config) {
    let (redis, base) = (redis.to_owned(), fcm.base_url());
    move |c: &mut Config| {
        c.rate_limits = true;
        c.redis_url = Some(Secret::new(redis));
        c.google_application_credentials = Some(credentials);
        c.fcm_base_url = base;
        c.outbox_poll_ms = 50;
        c.outbox_retry_base_ms = 50;
        c.shutdown_delay_secs = 1;
    }
}

async fn login_status(client: &reqwest::Client, app: &TestApp, password: &str) -> u16 {
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "creator@example.com", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_share_limits_push_once_and_restart_without_failures() {
    let redis = TestRedis::start().await;
    let fcm = FcmFake::start().await;
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());
    let owner = fresh_database().await;
    let mut apps = Vec::new();
    for _ in 0..3 {
        let setup = configure(&redis.url, &fcm, credentials.clone());
        apps.push(spawn_app_on(owner.alias(), setup).await);
    }
    let client = reqwest::Client::new();

    // Sign-ups first: after the failures below, this IP may not register any more.
    let c = cast(&apps[0]).await;
    let mut users: Vec<User> = Vec::new();
    for name in ["r1", "r2", "r3", "r4", "r5"] {
        users.push(register(&apps[0], name).await);
    }

    // Limits: five failed sign-ins spread over three instances spend the one budget.
    for i in 0..5 {
        assert_eq!(
            login_status(&client, &apps[i % 3], "wrong-pass1").await,
            401
        );
    }
    for app in &apps {
        assert_eq!(login_status(&client, app, "wrong-pass1").await, 429);
    }

    // Pushes: progress logged through every instance reaches the member's phone once each.
    let (status, body) = post(
        &apps[1],
        "/api/devices/register",
        &c.member,
        json!({"fcm_token": "member-phone", "platform": "android"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let goal = create_goal(
        &apps[0],
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 1000}),
    )
    .await;
    const LOGS: usize = 9;
    let date = chrono::Utc::now().date_naive().to_string();
    for i in 0..LOGS {
        let (status, body) = post(
            &apps[i % 3],
            "/api/progress",
            &c.creator,
            json!({"goal_id": goal, "value": 1, "user_date": date, "user_timezone": "UTC"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let to_member = || {
        fcm.messages()
            .iter()
            .filter(|m| m.token == "member-phone")
            .filter(|m| m.data.get("type").map(String::as_str) == Some("progress_logged"))
            .count()
    };
    assert!(eventually(Duration::from_secs(30), || to_member() >= LOGS).await);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(to_member(), LOGS, "each push exactly once");

    // Rolling restart behind a balancer that follows /ready.
    let balancer = crate::balancer::Balancer::start(
        apps.iter().map(|a| a.address.clone()).collect(),
        users.iter().map(|u| u.token.clone()).collect(),
    );
    for slot in apps.iter_mut() {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let old = std::mem::replace(
            slot,
            spawn_app_on(
                owner.alias(),
                configure(&redis.url, &fcm, credentials.clone()),
            )
            .await,
        );
        balancer.add(&slot.address);
        old.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(30), old.stopped)
            .await
            .expect("stopped within the budget")
            .unwrap()
            .unwrap();
        balancer.remove(&old.address);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (sent, failures) = balancer.finish().await;
    assert!(sent > 50, "only {sent} requests");
    assert!(
        failures.is_empty(),
        "{} of {sent} failed: {failures:?}",
        failures.len()
    );
}
