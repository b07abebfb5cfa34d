use std::time::Duration;

use pursue_ports::push::{PushError, PushSender};
use pursue_testkit::fakes::FcmReply;

use crate::{harness, harness_with, message};

#[tokio::test]
async fn unregistered_and_invalid_tokens_say_delete_the_device() {
    let h = harness().await;
    h.fake.unregister("gone");
    h.fake.mark_invalid("garbage");
    let err = h.sender.send(&message("gone")).await.unwrap_err();
    assert!(
        matches!(&err, PushError::InvalidToken(r) if r.contains("UNREGISTERED")),
        "{err:?}"
    );
    let err = h.sender.send(&message("garbage")).await.unwrap_err();
    assert!(matches!(err, PushError::InvalidToken(_)), "{err:?}");
    h.sender.send(&message("alive")).await.unwrap();
}

#[tokio::test]
async fn server_errors_are_retryable() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::Unavailable, 1);
    h.fake.enqueue(FcmReply::Internal, 1);
    for _ in 0..2 {
        let err = h.sender.send(&message("a")).await.unwrap_err();
        assert!(
            matches!(
                err,
                PushError::Retryable {
                    retry_after: None,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn quota_errors_are_retryable_after_the_servers_delay() {
    let h = harness().await;
    h.fake.enqueue(
        FcmReply::QuotaExceeded {
            retry_after_secs: Some(17),
        },
        1,
    );
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(
        matches!(err, PushError::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(17)),
        "{err:?}"
    );
}

#[tokio::test]
async fn other_client_errors_reject_the_message() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::InvalidArgument, 1);
    h.fake.enqueue(FcmReply::SenderIdMismatch, 1);
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(
        matches!(&err, PushError::Rejected(r) if r.contains("INVALID_ARGUMENT")),
        "{err:?}"
    );
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(
        matches!(&err, PushError::Rejected(r) if r.contains("SENDER_ID_MISMATCH")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_timeout_is_retryable() {
    let h = harness_with(|c| c.timeout = Duration::from_millis(300)).await;
    h.sender.send(&message("a")).await.unwrap();
    h.fake.set_delay(Duration::from_secs(3));
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(
        matches!(&err, PushError::Retryable { reason, .. } if reason.contains("timed out")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_fcm_is_retryable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let h = harness_with(|c| c.base_url = base).await;
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_wrong_project_never_deletes_devices() {
    let h = harness_with(|c| c.project_id = Some("other-project".into())).await;
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(matches!(err, PushError::Unexpected(_)), "{err:?}");
}

#[tokio::test]
async fn reserved_data_keys_are_rejected_without_a_request() {
    let h = harness().await;
    let mut bad = message("a");
    bad.data.insert("google.c.a.e".into(), "1".into());
    let err = h.sender.send(&bad).await.unwrap_err();
    assert!(matches!(err, PushError::Rejected(_)), "{err:?}");
    assert_eq!(h.fake.send_requests(), 0);
}
