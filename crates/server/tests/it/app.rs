//! `spawn_app()`: the real server on a random port against a fresh database (the server's
//! own test support; `pursue-testkit` holds only what adapters' tests share).

use std::collections::HashMap;

use pursue_runtime::{Config, Runtime};
use pursue_server::{Application, ShutdownHandle};
use pursue_testkit::{TestDatabase, fresh_database};

/// Fixed signing secrets for tests.
pub const TEST_JWT_SECRET: &str = "test-access-secret-0123456789-abcdefghijklmnop";
/// Fixed refresh signing secret for tests.
pub const TEST_JWT_REFRESH_SECRET: &str = "test-refresh-secret-9876543210-zyxwvutsrqponm";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The database behind it.
    pub db: TestDatabase,
    /// A client without cookies or redirects.
    pub client: reqwest::Client,
    /// Starts a graceful shutdown.
    pub shutdown: ShutdownHandle,
    /// Completes when the server has stopped.
    pub stopped: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// The data folder of this server (dev e-mails, secrets).
    pub data_dir: tempfile::TempDir,
}

impl TestApp {
    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

/// The consent e-mail hash salt of test servers.
pub const TEST_CONSENT_SALT: &str = "test-consent-salt-0123456789";

/// The test configuration: loopback, random port, fixed secrets, limits off.
pub fn test_config(db: &TestDatabase, data_dir: &std::path::Path) -> Config {
    let vars: HashMap<String, String> = [
        ("DATABASE_URL", db.url.as_str()),
        ("PORT", "0"),
        ("JWT_SECRET", TEST_JWT_SECRET),
        ("JWT_REFRESH_SECRET", TEST_JWT_REFRESH_SECRET),
        ("CONSENT_HASH_SALT", TEST_CONSENT_SALT),
        ("RATE_LIMITS", "off"),
        ("DB_POOL_SIZE", "5"),
        ("SHUTDOWN_DELAY_SECS", "0"),
        ("PURSUE_DATA_DIR", &data_dir.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::from_vars(&vars).expect("test configuration")
}

/// Starts the server with the test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the server after `customize` adjusts the test configuration.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_on(fresh_database().await, customize).await
}

/// Starts the server on `db` (e.g. [`TestDatabase::alias`] of another app's database, to
/// run two instances on one database) after `customize` adjusts the test configuration.
pub async fn spawn_app_on(db: TestDatabase, customize: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let mut config = test_config(&db, data_dir.path());
    customize(&mut config);
    let runtime = Runtime::start(config)
        .await
        .expect("starting the runtime on the test database");
    let app = Application::build(runtime).await.expect("building the app");
    let address = format!("http://{}", app.address());
    let shutdown = app.shutdown_handle();
    let stopped = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    TestApp {
        address,
        db,
        client,
        shutdown,
        stopped,
        data_dir,
    }
}
