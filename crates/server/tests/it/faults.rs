//! Database faults and draining (see docs/SECURITY.md, "Faults"): a killed or frozen
//! database is answered with 503 (never 500, never a hang), a timed-out write is rolled
//! back, and shutdown tells kept-alive clients to reconnect.

use std::time::{Duration, Instant};

use crate::app::{TestApp, spawn_app_on, spawn_app_with};
use diesel_async::RunQueryDsl;
use pursue_testkit::faults::FaultyCluster;
use reqwest::Method;
use serde_json::json;

use crate::support::{call, create_goal, create_group, get, log, register, today};

async fn app_on(cluster: &FaultyCluster, timeout_secs: u64) -> TestApp {
    spawn_app_on(cluster.database(), |c| {
        c.request_timeout_secs = timeout_secs;
        c.statement_timeout_ms = 1_500;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_killed_mid_query_answers_503_and_recovers() {
    let mut cluster = FaultyCluster::start().await;
    let app = app_on(&cluster, 5).await;
    let ann = register(&app, "ann").await;
    let load = |app: &TestApp| {
        let client = app.client.clone();
        let url = app.url("/api/users/me/groups");
        let token = ann.token.clone();
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            let until = Instant::now() + Duration::from_millis(1_500);
            while Instant::now() < until {
                let res = client.get(&url).bearer_auth(&token).send().await.unwrap();
                statuses.push(res.status().as_u16());
            }
            statuses
        })
    };
    let workers: Vec<_> = (0..8).map(|_| load(&app)).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.kill_immediately();
    let mut statuses = Vec::new();
    for w in workers {
        statuses.extend(w.await.unwrap());
    }
    assert!(!statuses.contains(&500), "{statuses:?}");
    assert!(statuses.contains(&503), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);

    cluster.restart().await;
    if cluster.url != app.db.url {
        return; // another port: this pool cannot follow (not what this test is about)
    }
    let started = Instant::now();
    loop {
        let (status, _) = get(&app, "/api/users/me", &ann).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(started.elapsed() < Duration::from_secs(15), "no recovery");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_frozen_database_times_requests_out_instead_of_hanging() {
    let cluster = FaultyCluster::start().await;
    let app = app_on(&cluster, 2).await;
    let ann = register(&app, "ann").await;
    let group = create_group(&app, &ann, "Runners").await;
    let goal = create_goal(
        &app,
        &group,
        &ann,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let date = today().to_string();

    cluster.freeze();
    let started = Instant::now();
    let (status, body) = log(&app, &ann, &goal, 1.0, &date).await;
    let took = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "SERVICE_UNAVAILABLE");
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    // Held past the request's deadline, as in the reproduction.
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.thaw();

    let started = Instant::now();
    loop {
        let (status, body) = log(&app, &ann, &goal, 1.0, &date).await;
        if status == 201 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(started.elapsed() < Duration::from_secs(20), "no recovery");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_whose_request_timed_out_is_rolled_back() {
    let app = spawn_app_with(|c| {
        c.request_timeout_secs = 2;
        c.statement_timeout_ms = 3_000;
    })
    .await;
    let ann = register(&app, "ann").await;
    let group = create_group(&app, &ann, "Runners").await;
    let goal = create_goal(
        &app,
        &group,
        &ann,
        json!({"title": "Run", "cadence": "daily", "metric_type": "binary"}),
    )
    .await;
    let date = today().to_string();

    // Another session holds the (user, goal, day) slot uncommitted, so the request's INSERT
    // waits on it inside its transaction until the request's deadline passes.
    let mut blocker = app.db.connect().await;
    diesel::sql_query("BEGIN")
        .execute(&mut blocker)
        .await
        .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO progress_entries (id, goal_id, user_id, value, logged_at, period_start, \
         created_at, binary_log_date) VALUES (gen_random_uuid(), '{goal}', '{}', 1, now(), \
         '{date}', now(), '{date}')",
        ann.id
    ))
    .execute(&mut blocker)
    .await
    .unwrap();
    let started = Instant::now();
    let (status, body) = log(&app, &ann, &goal, 1.0, &date).await;
    assert_eq!(status, 503, "{body}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // Let the abandoned INSERT go through inside its transaction, then wait past the
    // server-side idle-in-transaction limit.
    diesel::sql_query("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;

    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM progress_entries")
        .get_result(&mut blocker)
        .await
        .unwrap();
    assert_eq!(count.n, 0, "the abandoned write was committed");
    let (status, body) = log(&app, &ann, &goal, 1.0, &date).await;
    assert_eq!(status, 201, "the slot is free again: {body}");
}

#[tokio::test]
async fn slow_request_bodies_are_cut_at_the_deadline() {
    use std::io::{Read, Write};
    let app = spawn_app_with(|c| c.request_timeout_secs = 2).await;
    let ann = register(&app, "ann").await;
    let address = app.address.trim_start_matches("http://").to_owned();
    // A 1 600-byte body that trickles in at 32 bytes a second.
    let (took, answer) = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let head = format!(
            "PATCH /api/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 1600\r\n\r\n",
            ann.token
        );
        stream.write_all(head.as_bytes()).unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        while started.elapsed() < Duration::from_secs(20) {
            if stream.write_all(&[b' '; 16]).is_err() {
                break;
            }
            let mut buf = [0u8; 4096];
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    break;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(400)),
            }
        }
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    })
    .await
    .unwrap();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("SERVICE_UNAVAILABLE"), "{answer}");
}

#[tokio::test]
async fn responses_during_the_shutdown_delay_close_the_connection() {
    let app = spawn_app_with(|c| c.shutdown_delay_secs = 3).await;
    let ann = register(&app, "ann").await;
    let before = app.client.get(app.url("/health")).send().await.unwrap();
    assert!(
        before
            .headers()
            .get("connection")
            .is_none_or(|v| v != "close")
    );
    let started = Instant::now();
    app.shutdown.trigger();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = call(&app, Method::GET, "/api/users/me", Some(&ann.token), None).await;
    assert_eq!(status, 200);
    let during = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(
        during
            .headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close")
    );
    tokio::time::timeout(Duration::from_secs(30), app.stopped)
        .await
        .expect("shutdown within its 30 s budget")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
}
