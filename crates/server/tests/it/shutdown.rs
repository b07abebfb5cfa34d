//! Graceful drain of the real binary on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::app::{TEST_JWT_REFRESH_SECRET, TEST_JWT_SECRET};
use diesel_async::RunQueryDsl;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pursue_testkit::fresh_database;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_requests_then_exits_zero() {
    let db = fresh_database().await;
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pursue-server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("PORT", port.to_string())
        .env("PURSUE_DATA_DIR", data_dir.path())
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .env("JWT_REFRESH_SECRET", TEST_JWT_REFRESH_SECRET)
        .env("SHUTDOWN_DELAY_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client
        .get(format!("{base}/health"))
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Make /health slow: its probe query waits for this lock.
    let mut locker = db.connect().await;
    diesel::sql_query("BEGIN")
        .execute(&mut locker)
        .await
        .unwrap();
    diesel::sql_query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .execute(&mut locker)
        .await
        .unwrap();
    // `/health` reuses a probe younger than a second: let the start-up probe age out.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let slow = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/health");
        async move { client.get(url).send().await.map(|r| r.status().as_u16()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ready = reqwest::Client::new()
        .get(format!("{base}/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503, "/ready turns 503 while draining");

    // Release the lock: the in-flight request finishes normally after SIGTERM.
    diesel::sql_query("ROLLBACK")
        .execute(&mut locker)
        .await
        .unwrap();
    let status = slow.await.unwrap().unwrap();
    assert_eq!(status, 200);

    let deadline = Instant::now() + Duration::from_secs(35);
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not exit after draining"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit:?}");
}
