//! A Resend API fake: accepts `POST /emails` and records what was sent.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The API key tests configure.
pub const API_KEY: &str = "re_test_key";

/// The fake Resend server.
pub struct ResendFake {
    /// The wiremock server.
    pub server: MockServer,
}

impl ResendFake {
    /// Answers every e-mail with 200.
    pub async fn start() -> Self {
        Self::start_failing(0, 500).await
    }

    /// Answers the first `failures` e-mails with `status`, then 200.
    pub async fn start_failing(failures: u64, status: u16) -> Self {
        let server = MockServer::start().await;
        if failures > 0 {
            Mock::given(method("POST"))
                .and(path("/emails"))
                .respond_with(
                    ResponseTemplate::new(status)
                        .set_body_json(json!({"name": "rate_limit_exceeded"})),
                )
                .up_to_n_times(failures)
                .with_priority(1)
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path("/emails"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": uuid::Uuid::new_v4()})),
            )
            .with_priority(5)
            .mount(&server)
            .await;
        Self { server }
    }

    /// The URL to configure as `RESEND_BASE_URL`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// Every request received: `(authorization header, JSON body)`.
    pub async fn requests(&self) -> Vec<(String, Value)> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let auth = r
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                (auth, r.body_json().unwrap_or(Value::Null))
            })
            .collect()
    }

    /// Waits until at least `n` requests arrived (panics after `timeout`).
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<(String, Value)> {
        let start = Instant::now();
        loop {
            let got = self.requests().await;
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < timeout,
                "expected {n} e-mail request(s), got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
