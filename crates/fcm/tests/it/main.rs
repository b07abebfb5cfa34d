//! FCM adapter tests over real HTTP against `pursue_testkit::fakes::FcmFake`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod breaker;
mod concurrency;
mod errors;
mod send;
mod token;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use pursue_fcm::{BreakerConfig, FcmConfig, FcmSender, ManualClock, ServiceAccount};
use pursue_ports::push::PushMessage;
use pursue_testkit::fakes::FcmFake;

/// Cool-down of the breaker in these tests (time is driven by the manual clock).
pub const COOLDOWN: Duration = Duration::from_secs(30);

/// A fake, a sender configured against it, and the sender's clock.
pub struct Harness {
    pub fake: FcmFake,
    pub sender: FcmSender,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// A harness with the test defaults: 5 s timeout, 4 concurrent sends, the breaker
/// opening after 3 consecutive failures for [`COOLDOWN`].
pub async fn harness() -> Harness {
    harness_with(|_| {}).await
}

/// A harness whose configuration `adjust` may change first.
pub async fn harness_with(adjust: impl FnOnce(&mut FcmConfig)) -> Harness {
    let fake = FcmFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = fake.write_service_account(dir.path());
    let mut config = FcmConfig::new(ServiceAccount::from_file(&file).unwrap());
    config.base_url = fake.base_url();
    config.timeout = Duration::from_secs(5);
    config.max_concurrency = 4;
    config.breaker = BreakerConfig {
        failure_threshold: 3,
        cooldown: COOLDOWN,
    };
    adjust(&mut config);
    let clock = Arc::new(ManualClock::new());
    let sender = FcmSender::with_clock(config, clock.clone()).unwrap();
    Harness {
        fake,
        sender,
        clock,
        _dir: dir,
    }
}

/// A "member joined" push to `token`.
pub fn message(token: &str) -> PushMessage {
    PushMessage {
        token: token.to_string(),
        title: "Morning Runners".into(),
        body: "Ann joined the group".into(),
        data: BTreeMap::from([
            ("type".to_string(), "member_joined".to_string()),
            (
                "group_id".to_string(),
                "0b7c6f1e-2a4d-4c4e-9a53-5d1f0f2f8a11".to_string(),
            ),
            (
                "user_id".to_string(),
                "5f0e8a3c-8d0b-4a53-b1c4-3f2e1d0c9b8a".to_string(),
            ),
        ]),
        idempotency_key: Some("outbox-42".into()),
    }
}
