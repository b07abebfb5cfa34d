//! A private `redis-server` for one test, on a free loopback port, stopped on drop. When
//! the binary is missing, the project's `scripts/install-redis.sh` installs it first (once
//! per test process), so `cargo test` needs nothing installed by hand.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running `redis-server` owned by the test.
pub struct TestRedis {
    child: Child,
    /// `redis://127.0.0.1:<port>`.
    pub url: String,
    _dir: tempfile::TempDir,
}

fn find_binary() -> Option<String> {
    ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .into_iter()
        .find(|c| Path::new(c).exists())
        .map(str::to_owned)
}

/// The `redis-server` binary, installed by the project's script when missing.
fn binary() -> String {
    static BINARY: OnceLock<String> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Some(found) = find_binary() {
                return found;
            }
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-redis.sh");
            let status = Command::new("bash")
                .arg(&script)
                .stdin(Stdio::null())
                .status();
            assert!(
                matches!(status, Ok(s) if s.success()),
                "installing redis-server with {} failed",
                script.display()
            );
            find_binary().unwrap_or_else(|| "redis-server".to_owned())
        })
        .clone()
}

impl TestRedis {
    /// Starts the server and waits until it answers.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(binary())
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting redis-server (install it with scripts/install-redis.sh)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            url: format!("redis://127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
