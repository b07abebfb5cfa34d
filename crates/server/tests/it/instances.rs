//! Three server instances on one database and one Redis (see docs/SECURITY.md, "Several
//! instances"): limits hold across them, each push leaves once, and a rolling restart —
//! each instance stopped gracefully in turn (in-process, as SIGTERM would) and replaced
//! while a client keeps sending through a ready-checking balancer — fails no request. The
//! same restart with real processes and SIGTERM is in `shutdown.rs`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::app::{TestApp, spawn_app_on};
use pursue_runtime::config::Secret;
use pursue_server::Config;
use pursue_testkit::fakes::FcmFake;
use pursue_testkit::fresh_database;
use pursue_testkit::redis::TestRedis;
use serde_json::json;

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

async fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// Instances in rotation: address and whether `/ready` last said yes.
type Rotation = Arc<Mutex<Vec<(String, bool)>>>;

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
    let rotation: Rotation = Arc::new(Mutex::new(
        apps.iter().map(|a| (a.address.clone(), true)).collect(),
    ));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let checker = {
        let (rotation, stop, client) = (rotation.clone(), stop.clone(), client.clone());
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let addresses: Vec<String> = rotation
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|(a, _)| a.clone())
                    .collect();
                for address in addresses {
                    let ready = client
                        .get(format!("{address}/ready"))
                        .timeout(Duration::from_millis(500))
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 200);
                    for entry in rotation.lock().unwrap().iter_mut() {
                        if entry.0 == address {
                            entry.1 = ready;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let sender = {
        let (rotation, stop, client) = (rotation.clone(), stop.clone(), client.clone());
        tokio::spawn(async move {
            let (mut sent, mut failures) = (0usize, Vec::new());
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let target = {
                    let live: Vec<String> = rotation
                        .lock()
                        .unwrap()
                        .iter()
                        .filter(|(_, ready)| *ready)
                        .map(|(a, _)| a.clone())
                        .collect();
                    live.get(sent % live.len().max(1)).cloned()
                };
                let Some(address) = target else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let user = &users[sent % users.len()];
                match client
                    .get(format!("{address}/api/users/me"))
                    .bearer_auth(&user.token)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => {}
                    Ok(r) => failures.push(format!("{address}: {}", r.status())),
                    Err(e) => failures.push(format!("{address}: {e}")),
                }
                sent += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            (sent, failures)
        })
    };
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
        rotation.lock().unwrap().push((slot.address.clone(), false));
        old.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(30), old.stopped)
            .await
            .expect("stopped within the budget")
            .unwrap()
            .unwrap();
        rotation.lock().unwrap().retain(|(a, _)| *a != old.address);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (sent, failures) = sender.await.unwrap();
    checker.await.unwrap();
    assert!(sent > 50, "only {sent} requests");
    assert!(
        failures.is_empty(),
        "{} of {sent} failed: {failures:?}",
        failures.len()
    );
}
