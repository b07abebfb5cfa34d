//! Push delivery end to end (docs/PUSH.md, decision D6): HTTP change → outbox row in the
//! same transaction → worker → FCM HTTP v1 (a local fake) → one message per device.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::app::{TestApp, spawn_app, spawn_app_on, spawn_app_with};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use pursue_testkit::fakes::{FcmFake, FcmReply, ReceivedMessage};
use serde_json::json;

use crate::fcm_support::*;
use crate::support::*;

fn of_type<'a>(messages: &'a [ReceivedMessage], kind: &str) -> Vec<&'a ReceivedMessage> {
    messages
        .iter()
        .filter(|m| m.data.get("type").map(String::as_str) == Some(kind))
        .collect()
}

fn per_token(messages: &[&ReceivedMessage]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in messages {
        *counts.entry(m.token.clone()).or_insert(0) += 1;
    }
    counts
}

async fn add_device(app: &TestApp, user: &User, token: &str) {
    let (status, body) = post(
        app,
        "/api/devices/register",
        user,
        json!({"fcm_token": token, "platform": "android"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn numeric_goal(app: &TestApp, c: &Cast) -> String {
    create_goal(
        app,
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 1000, "unit": "pages"}),
    )
    .await
}

async fn pending_outbox(app: &TestApp) -> i64 {
    use pursue_postgres::schema::outbox;
    let mut conn = app.db.connect().await;
    outbox::table
        .filter(outbox::topic.eq("push"))
        .filter(outbox::status.eq("pending"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn progress_reaches_every_other_members_devices_once() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    add_device(&app, &c.creator, "creator-tablet").await;
    add_device(&app, &c.admin, "admin-phone").await;
    add_device(&app, &c.member, "member-phone").await;
    add_device(&app, &c.outsider, "outsider-phone").await;
    let goal = numeric_goal(&app, &c).await;

    let started = Instant::now();
    let (status, body) = log(&app, &c.member, &goal, 12.0, &today().to_string()).await;
    assert_eq!(status, 201, "{body}");
    let logged_at = Instant::now();
    assert!(
        eventually(Duration::from_secs(20), || {
            of_type(&fcm.messages(), "progress_logged").len() >= 3
        })
        .await,
        "progress pushes not delivered: {:?}",
        fcm.messages()
    );
    eprintln!(
        "push latency after the 201: {} ms (request {} ms)",
        logged_at.elapsed().as_millis(),
        (logged_at - started).as_millis()
    );
    // Let a duplicate, if any, arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages = fcm.messages();
    let progress = of_type(&messages, "progress_logged");
    assert_eq!(
        per_token(&progress),
        BTreeMap::from([
            ("admin-phone".to_string(), 1),
            ("creator-phone".to_string(), 1),
            ("creator-tablet".to_string(), 1),
        ]),
        "the actor and outsiders receive nothing; everyone else exactly once"
    );
    let m = progress[0];
    assert_eq!(m.title.as_deref(), Some("Runners"));
    assert_eq!(m.body.as_deref(), Some("member completed 'Read'"));
    assert_eq!(m.data["group_id"], c.group);
    assert_eq!(m.data["goal_id"], goal);
    assert_eq!(m.data["user_id"], c.member.id);
    assert!(
        m.raw["message"]["data"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_string()),
        "data values are strings: {}",
        m.raw
    );
    assert_eq!(pending_outbox(&app).await, 0);
}

#[tokio::test]
async fn an_unregistered_token_deletes_its_device_only() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "stale-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    fcm.unregister("stale-phone");
    let goal = numeric_goal(&app, &c).await;
    let (status, _) = log(&app, &c.member, &goal, 5.0, &today().to_string()).await;
    assert_eq!(status, 201);

    let mut gone = false;
    for _ in 0..200 {
        let (_, list) = get(&app, "/api/devices", &c.creator).await;
        if list["devices"].as_array().unwrap().is_empty() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "the unregistered device was not deleted");
    assert!(
        eventually(Duration::from_secs(10), || {
            per_token(&of_type(&fcm.messages(), "progress_logged")).get("admin-phone") == Some(&1)
        })
        .await
    );
    let (_, admins) = get(&app, "/api/devices", &c.admin).await;
    assert_eq!(admins["devices"].as_array().unwrap().len(), 1, "{admins}");
}

#[tokio::test]
async fn a_503_burst_is_retried_until_every_message_arrives_once() {
    let (fcm, _keys, app) = app_with_fcm().await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    let goal = numeric_goal(&app, &c).await;
    // Let the pushes of the set-up (joins, the goal) drain first, so the burst hits the
    // progress push; how many of them reached a phone depends on when the worker woke.
    let mut drained = false;
    for _ in 0..200 {
        if pending_outbox(&app).await == 0 {
            drained = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(drained, "the set-up pushes were not delivered");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = fcm.send_requests();
    fcm.enqueue(FcmReply::Unavailable, 3);

    let (status, _) = log(&app, &c.member, &goal, 3.0, &today().to_string()).await;
    assert_eq!(status, 201);
    assert!(
        eventually(Duration::from_secs(30), || {
            of_type(&fcm.messages(), "progress_logged").len() >= 2
        })
        .await,
        "not delivered after the burst"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let progress = per_token(&of_type(&fcm.messages(), "progress_logged"));
    assert_eq!(
        progress,
        BTreeMap::from([
            ("admin-phone".to_string(), 1),
            ("creator-phone".to_string(), 1)
        ])
    );
    assert!(
        fcm.send_requests() >= before + 2 + 3,
        "the 503s were really answered"
    );
}

/// Logs `count` entries as the member with the worker of `app` off, so they queue up.
async fn backlog(app: &TestApp, c: &Cast, goal: &str, count: usize) {
    for i in 0..count {
        let (status, body) = log(app, &c.member, goal, (i + 1) as f64, &today().to_string()).await;
        assert_eq!(status, 201, "{body}");
    }
    // The first log of the day also queued the silent daily pulse: not part of this backlog.
    let mut conn = app.db.connect().await;
    diesel::sql_query(
        "DELETE FROM outbox WHERE payload -> 'data' ->> 'type' = 'member_logged_today'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    assert_eq!(pending_outbox(app).await as usize, count);
}

/// Two recipients with one device each, a goal, and `count` queued progress pushes, on a
/// server whose worker is off.
async fn queued(count: usize) -> (TestApp, Cast, String) {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    add_device(&app, &c.admin, "admin-phone").await;
    let goal = numeric_goal(&app, &c).await;
    // Drop the join/goal rows: this test is about the progress backlog only.
    {
        use pursue_postgres::schema::outbox;
        let mut conn = app.db.connect().await;
        diesel::delete(outbox::table)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    backlog(&app, &c, &goal, count).await;
    (app, c, goal)
}

#[tokio::test]
async fn a_restart_mid_backlog_loses_and_duplicates_nothing() {
    const EVENTS: usize = 60;
    let (app, _c, _goal) = queued(EVENTS).await;
    let fcm = FcmFake::start().await;
    fcm.set_delay(Duration::from_millis(150));
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());

    let first = spawn_app_on(app.db.alias(), |c| use_fcm(c, &fcm, credentials.clone())).await;
    assert!(
        eventually(Duration::from_secs(30), || !fcm.messages().is_empty()).await,
        "the first worker sent nothing"
    );
    first.shutdown.trigger();
    first.stopped.await.unwrap().unwrap();
    let after_first = fcm.messages().len();
    let left = pending_outbox(&app).await;
    assert!(
        after_first < EVENTS * 2 && left > 0,
        "the restart was not mid-backlog ({after_first} sent, {left} rows left)"
    );

    fcm.set_delay(Duration::ZERO);
    let _second = spawn_app_on(app.db.alias(), |c| use_fcm(c, &fcm, credentials.clone())).await;
    assert!(
        eventually(Duration::from_secs(30), || fcm.messages().len()
            >= EVENTS * 2)
        .await,
        "only {} of {} messages after the restart",
        fcm.messages().len(),
        EVENTS * 2
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = per_token(&of_type(&fcm.messages(), "progress_logged"));
    assert_eq!(
        counts,
        BTreeMap::from([
            ("admin-phone".to_string(), EVENTS),
            ("creator-phone".to_string(), EVENTS)
        ])
    );
    assert_eq!(pending_outbox(&app).await, 0);
}

#[tokio::test]
async fn two_workers_on_one_database_send_each_message_once() {
    const EVENTS: usize = 60;
    let (app, _c, _goal) = queued(EVENTS).await;
    let fcm = FcmFake::start().await;
    fcm.set_delay(Duration::from_millis(20));
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());
    let _a = spawn_app_on(app.db.alias(), |c| use_fcm(c, &fcm, credentials.clone())).await;
    let _b = spawn_app_on(app.db.alias(), |c| use_fcm(c, &fcm, credentials.clone())).await;
    assert!(
        eventually(Duration::from_secs(30), || fcm.messages().len()
            >= EVENTS * 2)
        .await,
        "only {} of {} messages",
        fcm.messages().len(),
        EVENTS * 2
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fcm.messages().len(), EVENTS * 2, "no duplicates");
    let counts = per_token(&of_type(&fcm.messages(), "progress_logged"));
    assert_eq!(counts["admin-phone"], EVENTS);
    assert_eq!(counts["creator-phone"], EVENTS);
}

#[tokio::test]
async fn logging_stays_fast_while_fcm_hangs() {
    let (fcm, _keys, app) = app_with_fcm().await;
    fcm.set_delay(Duration::from_secs(30));
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    let goal = numeric_goal(&app, &c).await;
    for i in 0..5 {
        let started = Instant::now();
        let (status, body) =
            log(&app, &c.member, &goal, 1.0 + i as f64, &today().to_string()).await;
        let took = started.elapsed();
        assert_eq!(status, 201, "{body}");
        // FCM answers after 30 s (the adapter gives up after 10 s): a request that waited
        // on it could not come back this fast.
        assert!(took < Duration::from_secs(5), "logging took {took:?}");
    }
}

#[tokio::test]
async fn without_credentials_pushes_go_to_the_log_and_health_says_so() {
    let app = spawn_app_with(|c| {
        c.outbox_poll_ms = 50;
    })
    .await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    let health: serde_json::Value = res.json().await.unwrap();
    assert_eq!(health["checks"]["push"], "disabled", "{health}");
    assert_eq!(health["checks"]["email"], "disabled", "{health}");

    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    let goal = numeric_goal(&app, &c).await;
    let (status, _) = log(&app, &c.member, &goal, 2.0, &today().to_string()).await;
    assert_eq!(status, 201);
    let mut logged = 0i64;
    for _ in 0..200 {
        use pursue_postgres::schema::push_deliveries;
        let mut conn = app.db.connect().await;
        logged = push_deliveries::table
            .filter(push_deliveries::outcome.eq("logged"))
            .filter(push_deliveries::fcm_token.eq("creator-phone"))
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        if logged >= 1 && pending_outbox(&app).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(logged >= 1, "no delivered-to-log outcome recorded");
    assert_eq!(pending_outbox(&app).await, 0);
}

#[tokio::test]
async fn health_reports_push_enabled_with_credentials() {
    let (_fcm, _keys, app) = app_with_fcm().await;
    let health: serde_json::Value = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["checks"]["push"], "enabled", "{health}");
    let plain = spawn_app().await;
    let health: serde_json::Value = plain
        .client
        .get(plain.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["checks"]["push"], "disabled", "{health}");
}

/// Benchmark (`just bench-push`): commit-to-FCM latency with the default settings (the
/// worker woken by `LISTEN`, the 500 ms poll as fallback).
/// Prints figures; asserts only that every push arrived.
#[tokio::test]
#[ignore = "benchmark: run with `just bench-push`"]
async fn bench_push_latency_default_poll() {
    const ROUNDS: usize = 20;
    let fcm = FcmFake::start().await;
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());
    let app = spawn_app_with(|c| {
        c.google_application_credentials = Some(credentials);
        c.fcm_base_url = fcm.base_url();
    })
    .await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    let goal = numeric_goal(&app, &c).await;
    let mut latencies = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let before = of_type(&fcm.messages(), "progress_logged").len();
        let (status, _) = log(&app, &c.member, &goal, 1.0 + i as f64, &today().to_string()).await;
        assert_eq!(status, 201);
        let committed = Instant::now();
        // Observed every 5 ms, so the step adds at most 5 ms to a figure.
        while of_type(&fcm.messages(), "progress_logged").len() <= before {
            assert!(committed.elapsed() < Duration::from_secs(10), "no push");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies.push(committed.elapsed());
        // Land at a different point of the poll cycle each round.
        tokio::time::sleep(Duration::from_millis((i as u64 * 173) % 500)).await;
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "push latency after commit over {ROUNDS} logs (LISTEN, poll 500 ms as fallback, 5 ms observation step): p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(latencies[ROUNDS / 2]),
        ms(latencies[ROUNDS * 9 / 10]),
        ms(latencies[ROUNDS - 1])
    );
}

/// The worker wakes on the outbox's NOTIFY: with a one-minute poll, a push still leaves
/// within seconds of the commit.
#[tokio::test]
async fn a_new_outbox_row_wakes_the_worker_without_waiting_for_the_poll() {
    let fcm = FcmFake::start().await;
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());
    let app = spawn_app_with(|c| {
        use_fcm(c, &fcm, credentials);
        c.outbox_poll_ms = 60_000;
    })
    .await;
    let c = cast(&app).await;
    add_device(&app, &c.creator, "creator-phone").await;
    let goal = numeric_goal(&app, &c).await;
    // Let the worker go idle (its one-minute sleep) before the change commits.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = log(&app, &c.member, &goal, 2.0, &today().to_string()).await;
    assert_eq!(status, 201);
    assert!(
        eventually(Duration::from_secs(5), || {
            !of_type(&fcm.messages(), "progress_logged").is_empty()
        })
        .await,
        "the push waited for the poll"
    );
}

/// The worker's purge run also deletes delivered outbox rows older than a week; recent
/// delivered rows and pending ones stay.
#[tokio::test]
async fn the_worker_prunes_delivered_rows_older_than_a_week() {
    let app = spawn_app_with(|c| c.account_purge_interval_secs = 1).await;
    let mut conn = app.db.connect().await;
    let (old, recent, pending) = (
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    diesel::sql_query(format!(
        "INSERT INTO outbox (id, topic, payload, status, processed_at, available_at) VALUES \
         ('{old}', 'email', '{{}}', 'done', now() - interval '8 days', now()), \
         ('{recent}', 'email', '{{}}', 'done', now() - interval '6 days', now()), \
         ('{pending}', 'email', '{{}}', 'pending', NULL, now() + interval '1 hour')"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let ids = || {
        pursue_postgres::schema::outbox::table
            .filter(pursue_postgres::schema::outbox::id.eq_any([old, recent, pending]))
            .select(pursue_postgres::schema::outbox::id)
    };
    let start = Instant::now();
    loop {
        let left: Vec<uuid::Uuid> = ids().load(&mut conn).await.unwrap();
        if !left.contains(&old) {
            assert!(
                left.contains(&recent) && left.contains(&pending),
                "{left:?}"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "old delivered row not pruned"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
