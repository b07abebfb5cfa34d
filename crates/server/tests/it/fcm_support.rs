//! Servers pointed at the local FCM fake, and waiting for what the worker delivers.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pursue_server::Config;
use pursue_testkit::fakes::FcmFake;

use crate::app::{TestApp, spawn_app_with};

/// Points `config` at the fake with fast polling and retries.
pub fn use_fcm(config: &mut Config, fcm: &FcmFake, credentials: PathBuf) {
    config.google_application_credentials = Some(credentials);
    config.fcm_base_url = fcm.base_url();
    config.outbox_poll_ms = 50;
    config.outbox_retry_base_ms = 50;
}

/// A server pointed at a fresh FCM fake; keep the key folder alive with the app.
pub async fn app_with_fcm() -> (FcmFake, tempfile::TempDir, TestApp) {
    let fcm = FcmFake::start().await;
    let keys = tempfile::tempdir().unwrap();
    let credentials = fcm.write_service_account(keys.path());
    let app = spawn_app_with(|c| use_fcm(c, &fcm, credentials)).await;
    (fcm, keys, app)
}

/// Polls `done` every 50 ms for at most `limit`; false on time-out.
pub async fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}
