//! [`FcmSender`]: the [`PushSender`] over FCM HTTP v1.

use std::sync::Arc;

use async_trait::async_trait;
use pursue_ports::push::{PushError, PushMessage, PushReceipt, PushSender, redact_token};
use reqwest::header::RETRY_AFTER;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::breaker::{BreakerState, CircuitBreaker, Clock, Outcome, SystemClock};
use crate::classify::{FcmFailure, parse_retry_after};
use crate::config::{FcmConfig, FcmSetupError, send_url};
use crate::token::TokenSource;
use crate::transport::transport_error;

/// Data keys FCM reserves (it refuses messages that use them).
const RESERVED_KEYS: [&str; 3] = ["from", "notification", "message_type"];

/// Sends push notifications through FCM HTTP v1, one device per request.
///
/// Holds an HTTP client, the cached access token, a semaphore bounding concurrent sends
/// and a circuit breaker; share one instance (as `Arc<dyn PushSender>`).
pub struct FcmSender {
    http: reqwest::Client,
    send_url: String,
    tokens: TokenSource,
    permits: Semaphore,
    breaker: CircuitBreaker,
}

/// What one POST to the send endpoint produced.
enum Posted {
    Sent(PushReceipt),
    Failed(FcmFailure, Option<std::time::Duration>),
}

#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    name: String,
}

impl FcmSender {
    /// An FCM sender on the real clock.
    ///
    /// Errors: see [`FcmSetupError`]; nothing is sent while building.
    pub fn new(config: FcmConfig) -> Result<Self, FcmSetupError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// An FCM sender whose breaker and token cache read time from `clock` (for tests).
    ///
    /// Errors: see [`FcmSetupError`].
    pub fn with_clock(config: FcmConfig, clock: Arc<dyn Clock>) -> Result<Self, FcmSetupError> {
        let send_url = send_url(&config)?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("pursue-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FcmSetupError::Http(e.to_string()))?;
        let tokens = TokenSource::new(http.clone(), &config.credentials, clock.clone())
            .map_err(|e| FcmSetupError::InvalidKey(e.to_string()))?;
        Ok(FcmSender {
            http,
            send_url,
            tokens,
            permits: Semaphore::new(config.max_concurrency.max(1)),
            breaker: CircuitBreaker::with_clock(config.breaker, clock),
        })
    }

    /// The endpoint messages are POSTed to.
    pub fn send_url(&self) -> &str {
        &self.send_url
    }

    /// The circuit breaker's current state (for logs and metrics).
    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    /// Token, POST, and one retry with a fresh token when FCM refuses ours.
    async fn deliver(&self, body: &serde_json::Value) -> Result<PushReceipt, PushError> {
        let token = self.tokens.token().await?;
        let (failure, retry_after) = match self.post(body, &token).await? {
            Posted::Sent(receipt) => return Ok(receipt),
            Posted::Failed(failure, _) if failure.wants_new_access_token() => {
                tracing::info!("FCM refused the access token; fetching a new one");
                self.tokens.invalidate(&token).await;
                let token = self.tokens.token().await?;
                match self.post(body, &token).await? {
                    Posted::Sent(receipt) => return Ok(receipt),
                    Posted::Failed(failure, retry_after) => (failure, retry_after),
                }
            }
            Posted::Failed(failure, retry_after) => (failure, retry_after),
        };
        Err(failure.into_error(retry_after))
    }

    async fn post(&self, body: &serde_json::Value, token: &str) -> Result<Posted, PushError> {
        let response = self
            .http
            .post(&self.send_url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|e| transport_error("FCM", &e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let text = response
            .text()
            .await
            .map_err(|e| transport_error("FCM", &e))?;
        if status.is_success() {
            let message_id = serde_json::from_str::<SendResponse>(&text)
                .map(|r| r.name)
                .unwrap_or_default();
            return Ok(Posted::Sent(PushReceipt::Sent { message_id }));
        }
        Ok(Posted::Failed(
            FcmFailure::parse(status.as_u16(), &text),
            retry_after,
        ))
    }
}

#[async_trait]
impl PushSender for FcmSender {
    fn is_enabled(&self) -> bool {
        true
    }

    async fn send(&self, message: &PushMessage) -> Result<PushReceipt, PushError> {
        let body = payload(message)?;
        // The slot first, then the breaker: callers that queued while FCM was failing
        // see the circuit open instead of all hitting FCM once more.
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| PushError::Unexpected(e.into()))?;
        let attempt = self
            .breaker
            .try_acquire()
            .map_err(|wait| PushError::Retryable {
                retry_after: Some(wait),
                reason: "FCM circuit breaker is open after repeated failures".into(),
            })?;
        let result = self.deliver(&body).await;
        attempt.finish(match &result {
            Ok(_) | Err(PushError::InvalidToken(_) | PushError::Rejected(_)) => Outcome::Success,
            Err(PushError::Retryable { .. }) => Outcome::Failure,
            Err(PushError::Unexpected(_)) => Outcome::Neutral,
        });
        log_result(message, &result);
        result
    }
}

/// The HTTP v1 request body for `message`; refuses what FCM would refuse anyway.
fn payload(message: &PushMessage) -> Result<serde_json::Value, PushError> {
    if message.token.trim().is_empty() {
        return Err(PushError::InvalidToken(
            "the registration token is empty".into(),
        ));
    }
    if let Some(key) = message.data.keys().find(|key| {
        RESERVED_KEYS.contains(&key.as_str())
            || key.starts_with("google.")
            || key.starts_with("gcm.")
    }) {
        return Err(PushError::Rejected(format!(
            "data key `{key}` is reserved by FCM"
        )));
    }
    // A silent push (`data.silent = "true"`) is data-only: no notification block, so the
    // app handles it without showing anything (see docs/PUSH.md).
    if message.data.get("silent").map(String::as_str) == Some("true") {
        return Ok(json!({
            "message": {
                "token": message.token,
                "data": message.data,
                "android": {"priority": "high"},
            }
        }));
    }
    let mut notification = json!({"title": message.title, "body": message.body});
    // Milestone pushes carry their preview picture (see docs/PUSH.md).
    if let Some(image) = message.data.get("image_url") {
        notification["image"] = json!(image);
    }
    Ok(json!({
        "message": {
            "token": message.token,
            "notification": notification,
            "data": message.data,
            "android": {"priority": "high"},
        }
    }))
}

fn log_result(message: &PushMessage, result: &Result<PushReceipt, PushError>) {
    let token = redact_token(&message.token);
    let key = message.idempotency_key.as_deref().unwrap_or("-");
    match result {
        Ok(PushReceipt::Sent { message_id }) => {
            tracing::debug!(token, key, message_id, "push sent");
        }
        Ok(PushReceipt::Logged) => {}
        Err(PushError::InvalidToken(reason)) => {
            tracing::info!(token, key, reason, "push: device token is no longer valid");
        }
        Err(error) => tracing::warn!(token, key, %error, "push not delivered"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn message(data: &[(&str, &str)]) -> PushMessage {
        PushMessage {
            token: "device-token".into(),
            title: "Runners".into(),
            body: "Ann completed 'Run 5 km'".into(),
            data: data
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            idempotency_key: None,
        }
    }

    #[test]
    fn the_payload_has_the_contracts_shape() {
        let body = payload(&message(&[("type", "progress_logged"), ("group_id", "g1")])).unwrap();
        assert_eq!(
            body,
            json!({"message": {
                "token": "device-token",
                "notification": {"title": "Runners", "body": "Ann completed 'Run 5 km'"},
                "data": {"group_id": "g1", "type": "progress_logged"},
                "android": {"priority": "high"},
            }})
        );
    }

    #[test]
    fn silent_pushes_are_data_only_with_high_priority() {
        let body = payload(&message(&[
            ("type", "member_logged_today"),
            ("group_id", "g1"),
            ("silent", "true"),
        ]))
        .unwrap();
        assert_eq!(
            body,
            json!({"message": {
                "token": "device-token",
                "data": {"group_id": "g1", "silent": "true", "type": "member_logged_today"},
                "android": {"priority": "high"},
            }})
        );
    }

    #[test]
    fn reserved_data_keys_and_empty_tokens_are_refused_locally() {
        for key in ["from", "notification", "message_type", "google.x", "gcm.y"] {
            assert!(matches!(
                payload(&message(&[(key, "v")])),
                Err(PushError::Rejected(_))
            ));
        }
        let mut empty = message(&[]);
        empty.token = " ".into();
        assert!(matches!(payload(&empty), Err(PushError::InvalidToken(_))));
    }
}
