use std::time::{Duration, Instant};

use pursue_fcm::FcmSender;
use pursue_ports::push::PushSender;

use crate::{harness_with, message};

#[tokio::test]
async fn no_more_sends_are_in_flight_than_configured() {
    let h = harness_with(|c| c.max_concurrency = 3).await;
    // Fetch the token first so that only sends are timed.
    h.sender.send(&message("warm-up")).await.unwrap();
    h.fake.set_delay(Duration::from_millis(300));

    let started = Instant::now();
    let sends = (0..9).map(|i| {
        let sender: &FcmSender = &h.sender;
        async move { sender.send(&message(&format!("device-{i}"))).await }
    });
    for result in futures_util::future::join_all(sends).await {
        result.unwrap();
    }
    let peak = h.fake.max_concurrent_sends();
    assert!(peak <= 3, "{peak} sends were in flight at once");
    assert!(peak >= 2, "sends did not run concurrently (peak {peak})");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "9 sends, 3 at a time"
    );
    assert_eq!(h.fake.messages().len(), 10);
}
