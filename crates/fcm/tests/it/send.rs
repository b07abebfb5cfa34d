use pursue_fcm::LogPushSender;
use pursue_ports::push::{PushReceipt, PushSender};
use serde_json::json;

use crate::{harness, message};

#[tokio::test]
async fn sends_the_contracts_message_shape_to_one_device() {
    let h = harness().await;
    let receipt = h.sender.send(&message("device-a")).await.unwrap();
    assert_eq!(
        receipt,
        PushReceipt::Sent {
            message_id: "projects/pursue-test/messages/1".into()
        }
    );
    let received = h.fake.messages();
    assert_eq!(received.len(), 1);
    let m = &received[0];
    assert_eq!(m.token, "device-a");
    assert_eq!(m.title.as_deref(), Some("Morning Runners"));
    assert_eq!(m.body.as_deref(), Some("Ann joined the group"));
    assert_eq!(m.data, message("device-a").data);
    assert_eq!(m.raw["message"]["android"], json!({"priority": "high"}));
    assert!(
        m.raw["message"]["data"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_string())
    );
    assert_eq!(
        m.raw["message"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["android", "data", "notification", "token"]
    );
}

#[tokio::test]
async fn reports_push_as_enabled_and_builds_the_send_url() {
    let h = harness().await;
    assert!(h.sender.is_enabled());
    assert_eq!(
        h.sender.send_url(),
        format!(
            "{}/v1/projects/pursue-test/messages:send",
            h.fake.base_url()
        )
    );
    assert!(!LogPushSender.is_enabled());
    let as_port: std::sync::Arc<dyn PushSender> = std::sync::Arc::new(h.sender);
    assert!(as_port.is_enabled());
}
