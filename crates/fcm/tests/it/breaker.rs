use std::time::Duration;

use pursue_fcm::BreakerState;
use pursue_ports::push::{PushError, PushSender};
use pursue_testkit::fakes::FcmReply;

use crate::{COOLDOWN, harness, message};

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures_and_closes_after_a_good_probe() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::Unavailable, 3);
    for _ in 0..3 {
        assert!(
            h.sender
                .send(&message("a"))
                .await
                .unwrap_err()
                .is_retryable()
        );
    }
    assert_eq!(h.fake.send_requests(), 3);
    assert!(matches!(
        h.sender.breaker_state(),
        BreakerState::Open { .. }
    ));

    // While open: refused at once, nothing reaches FCM.
    for _ in 0..5 {
        let err = h.sender.send(&message("a")).await.unwrap_err();
        let PushError::Retryable {
            retry_after,
            reason,
        } = err
        else {
            panic!("expected Retryable, got {err:?}");
        };
        assert_eq!(retry_after, Some(COOLDOWN));
        assert!(reason.contains("circuit"), "{reason}");
    }
    h.clock.advance(Duration::from_secs(10));
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(
        matches!(err, PushError::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(20))
    );
    assert_eq!(h.fake.send_requests(), 3);

    // After the cool-down one probe goes through; FCM answers, the circuit closes.
    h.clock.advance(Duration::from_secs(20));
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::HalfOpen { probing: false }
    );
    h.sender.send(&message("a")).await.unwrap();
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::Closed { failures: 0 }
    );
    h.sender.send(&message("b")).await.unwrap();
    assert_eq!(h.fake.send_requests(), 5);
}

#[tokio::test]
async fn a_failed_probe_keeps_fcm_alone_for_another_cooldown() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::Unavailable, 4);
    for _ in 0..3 {
        let _ = h.sender.send(&message("a")).await;
    }
    h.clock.advance(COOLDOWN);
    assert!(
        h.sender
            .send(&message("a"))
            .await
            .unwrap_err()
            .is_retryable()
    );
    assert_eq!(h.fake.send_requests(), 4);
    assert!(matches!(
        h.sender.breaker_state(),
        BreakerState::Open { .. }
    ));
    assert!(
        h.sender
            .send(&message("a"))
            .await
            .unwrap_err()
            .is_retryable()
    );
    assert_eq!(h.fake.send_requests(), 4);
    h.clock.advance(COOLDOWN);
    h.sender.send(&message("a")).await.unwrap();
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::Closed { failures: 0 }
    );
}

#[tokio::test]
async fn refusals_of_single_messages_do_not_open_the_circuit() {
    let h = harness().await;
    h.fake.unregister("gone");
    h.fake.enqueue(FcmReply::InvalidArgument, 2);
    for _ in 0..6 {
        assert!(
            !h.sender
                .send(&message("gone"))
                .await
                .unwrap_err()
                .is_retryable()
        );
    }
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::Closed { failures: 0 }
    );
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::Unavailable, 2);
    for _ in 0..2 {
        let _ = h.sender.send(&message("a")).await;
    }
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::Closed { failures: 2 }
    );
    h.sender.send(&message("a")).await.unwrap();
    assert_eq!(
        h.sender.breaker_state(),
        BreakerState::Closed { failures: 0 }
    );
}

#[tokio::test]
async fn callers_queued_behind_a_failing_send_do_not_reach_fcm_once_the_circuit_opens() {
    let h = crate::harness_with(|c| {
        c.max_concurrency = 1;
        c.breaker.failure_threshold = 1;
    })
    .await;
    h.sender.send(&message("warm-up")).await.unwrap();
    h.fake.set_delay(Duration::from_millis(200));
    h.fake.enqueue(FcmReply::Unavailable, 1);
    let queued = message("a");
    let sends = (0..3).map(|_| h.sender.send(&queued));
    let results = futures_util::future::join_all(sends).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(e) if e.is_retryable()))
    );
    assert_eq!(
        h.fake.send_requests(),
        2,
        "the warm-up and the one failing send"
    );
}
