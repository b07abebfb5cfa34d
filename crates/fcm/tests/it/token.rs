use std::time::Duration;

use pursue_fcm::FcmSender;
use pursue_ports::push::{PushError, PushSender};
use pursue_testkit::fakes::FcmReply;

use crate::{harness, harness_with, message};

#[tokio::test]
async fn the_access_token_is_fetched_once_and_reused() {
    let h = harness().await;
    for token in ["a", "b", "c"] {
        h.sender.send(&message(token)).await.unwrap();
    }
    assert_eq!(h.fake.token_requests(), 1);
    let used: Vec<_> = h
        .fake
        .messages()
        .into_iter()
        .map(|m| m.access_token)
        .collect();
    assert_eq!(used, ["fake-access-1"; 3]);
}

#[tokio::test]
async fn concurrent_first_sends_share_one_token_fetch() {
    let h = harness().await;
    let sends = (0..8).map(|i| {
        let sender: &FcmSender = &h.sender;
        async move { sender.send(&message(&format!("device-{i}"))).await }
    });
    for result in futures_util::future::join_all(sends).await {
        result.unwrap();
    }
    assert_eq!(h.fake.token_requests(), 1);
    assert_eq!(h.fake.messages().len(), 8);
}

#[tokio::test]
async fn the_token_is_renewed_a_minute_before_it_expires() {
    let h = harness().await;
    h.sender.send(&message("a")).await.unwrap();
    h.clock.advance(Duration::from_secs(3600 - 61));
    h.sender.send(&message("a")).await.unwrap();
    assert_eq!(h.fake.token_requests(), 1);
    h.clock.advance(Duration::from_secs(1));
    h.sender.send(&message("a")).await.unwrap();
    assert_eq!(h.fake.token_requests(), 2);
    assert_eq!(h.fake.messages()[2].access_token, "fake-access-2");
}

#[tokio::test]
async fn a_refused_access_token_is_renewed_and_the_send_retried_once() {
    let h = harness().await;
    h.sender.send(&message("a")).await.unwrap();
    h.fake.revoke_access_tokens();
    h.sender.send(&message("b")).await.unwrap();
    assert_eq!(h.fake.token_requests(), 2);
    assert_eq!(h.fake.send_requests(), 3);
    assert_eq!(h.fake.messages()[1].access_token, "fake-access-2");
    h.sender.send(&message("c")).await.unwrap();
    assert_eq!(h.fake.token_requests(), 2, "the new token is cached");
}

#[tokio::test]
async fn a_second_401_in_a_row_is_not_retried_again() {
    let h = harness().await;
    h.fake.enqueue(FcmReply::Unauthenticated, 2);
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(matches!(err, PushError::Unexpected(_)), "{err:?}");
    assert_eq!(h.fake.send_requests(), 2);
    assert_eq!(h.fake.token_requests(), 2);
}

#[tokio::test]
async fn a_token_endpoint_outage_is_retryable() {
    let h = harness().await;
    h.fake.fail_token_requests(503, 1);
    let err = h.sender.send(&message("a")).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(h.fake.send_requests(), 0);
    h.sender.send(&message("a")).await.unwrap();
}

#[tokio::test]
async fn a_refused_service_account_is_a_configuration_error() {
    let h = harness_with(|c| c.credentials.client_email = "someone@else.example".into()).await;
    let err = h.sender.send(&message("a")).await.unwrap_err();
    let PushError::Unexpected(cause) = err else {
        panic!("expected Unexpected, got {err:?}");
    };
    assert!(cause.to_string().contains("invalid_grant"), "{cause}");
    assert_eq!(h.fake.send_requests(), 0);
}
