//! Graceful drain of the real binary on SIGTERM: one process with a request in flight, and
//! a rolling restart of three processes sharing one database and one Redis.

use std::process::{Child, Command, Stdio};
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

/// A `pursue-server` process of its own.
struct Process {
    child: Child,
    base: String,
    _data_dir: tempfile::TempDir,
}

impl Process {
    /// Starts the binary on `database_url` (and Redis when given) and waits until
    /// `/health` answers 200.
    async fn start(database_url: &str, redis_url: Option<&str>) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_pursue-server"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("PORT", port.to_string())
            .env("PURSUE_DATA_DIR", data_dir.path())
            .env("JWT_SECRET", TEST_JWT_SECRET)
            .env("JWT_REFRESH_SECRET", TEST_JWT_REFRESH_SECRET)
            .env("SHUTDOWN_DELAY_SECS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(redis) = redis_url {
            // Shared state on; the limits themselves off, as the client below sends far
            // more than one user's per-minute budget (limits across instances are tested
            // in `instances.rs`).
            command.env("REDIS_URL", redis).env("RATE_LIMITS", "off");
        }
        let child = command.spawn().unwrap();
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
        Self {
            child,
            base,
            _data_dir: data_dir,
        }
    }

    fn sigterm(&self) {
        kill(Pid::from_raw(self.child.id() as i32), Signal::SIGTERM).unwrap();
    }

    /// Waits for the process to exit (within the 30 s drain budget and a margin) and
    /// asserts it exited 0.
    async fn exits_zero(mut self) -> Duration {
        let started = Instant::now();
        let deadline = started + Duration::from_secs(35);
        let exit = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit after draining"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(exit.success(), "exit status {exit:?}");
        started.elapsed()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_requests_then_exits_zero() {
    let db = fresh_database().await;
    let process = Process::start(&db.url, None).await;
    let base = process.base.clone();
    let client = reqwest::Client::new();

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

    process.sigterm();
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

    process.exits_zero().await;
}

/// Three processes on one database and one Redis are replaced one at a time — a new one
/// started, then the old one sent SIGTERM — while a client keeps sending through a
/// balancer that follows `/ready`: no request fails, and every old process exits 0 within
/// the drain budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_with_sigterm_fails_no_request() {
    let redis = pursue_testkit::redis::TestRedis::start().await;
    let db = fresh_database().await;
    let mut processes = Vec::new();
    for _ in 0..3 {
        processes.push(Process::start(&db.url, Some(&redis.url)).await);
    }
    let client = reqwest::Client::new();
    let token = {
        let response = client
            .post(format!("{}/api/auth/register", processes[0].base))
            .json(&serde_json::json!({
                "email": "rolling@example.com",
                "password": "Rolling-restart1",
                "display_name": "Rolling",
                "date_of_birth": "1990-01-01",
                "consent_agreed": true,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    };
    let balancer = crate::balancer::Balancer::start(
        processes.iter().map(|p| p.base.clone()).collect(),
        vec![token],
    );
    for slot in processes.iter_mut() {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let old = std::mem::replace(slot, Process::start(&db.url, Some(&redis.url)).await);
        balancer.add(&slot.base);
        old.sigterm();
        let old_base = old.base.clone();
        let took = old.exits_zero().await;
        assert!(took < Duration::from_secs(30), "drain took {took:?}");
        balancer.remove(&old_base);
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
