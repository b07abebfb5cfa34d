//! Pursue Resend adapter: transactional e-mail over the Resend HTTP API, and a development
//! mailer that writes e-mails to files when no API key is configured (decision D6).

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use pursue_ports::outbox::{DeliveryError, EmailMessage, Mailer};
use serde_json::json;

/// Settings of [`ResendMailer`].
#[derive(Clone)]
pub struct ResendConfig {
    /// Base URL; `/emails` is appended.
    pub base_url: String,
    /// API key (sent as a bearer token, never logged).
    pub api_key: String,
    /// Sender (`Name <address>`).
    pub from: String,
    /// Per-request time limit.
    pub timeout: Duration,
}

impl std::fmt::Debug for ResendConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResendConfig")
            .field("base_url", &self.base_url)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Sends through `POST {base_url}/emails`.
#[derive(Debug, Clone)]
pub struct ResendMailer {
    client: reqwest::Client,
    config: ResendConfig,
}

impl ResendMailer {
    /// A mailer with its own HTTP client.
    pub fn new(config: ResendConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self { client, config })
    }
}

#[async_trait]
impl Mailer for ResendMailer {
    async fn send(&self, email: &EmailMessage) -> Result<(), DeliveryError> {
        let url = format!("{}/emails", self.config.base_url.trim_end_matches('/'));
        let body = json!({
            "from": self.config.from,
            "to": [email.to],
            "subject": email.subject,
            "text": email.text,
            "html": email.html,
        });
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.config.api_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| DeliveryError::Transient(format!("resend request failed: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect();
        let error = format!("resend answered {}: {text}", status.as_u16());
        if status.as_u16() == 429 || status.is_server_error() || status.as_u16() == 408 {
            Err(DeliveryError::Transient(error))
        } else {
            Err(DeliveryError::Permanent(error))
        }
    }
}

/// Development mailer: writes each e-mail to `<dir>/<timestamp>-<id>.txt` and logs only
/// the recipient, subject and file (never the body, which may carry a reset token).
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    /// Writes into `dir` (created on first use).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: &EmailMessage) -> Result<(), DeliveryError> {
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| {
            DeliveryError::Transient(format!("creating {}: {e}", self.dir.display()))
        })?;
        let name = format!(
            "{}-{}.txt",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
            uuid::Uuid::new_v4().simple()
        );
        let path = self.dir.join(name);
        let content = format!(
            "To: {}\nSubject: {}\n\n{}\n\n--- HTML ---\n{}\n",
            email.to, email.subject, email.text, email.html
        );
        tokio::fs::write(&path, content)
            .await
            .map_err(|e| DeliveryError::Transient(format!("writing {}: {e}", path.display())))?;
        tracing::info!(to = %email.to, subject = %email.subject, file = %path.display(), "e-mail written to a file (no RESEND_API_KEY)");
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn mail() -> EmailMessage {
        EmailMessage {
            to: "ann@example.com".into(),
            subject: "Hi".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
        }
    }

    async fn mailer(server: &MockServer) -> ResendMailer {
        ResendMailer::new(ResendConfig {
            base_url: server.uri(),
            api_key: "re_test".into(),
            from: "Pursue <noreply@example.com>".into(),
            timeout: Duration::from_millis(500),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn posts_the_email_with_the_key() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/emails"))
            .and(header("authorization", "Bearer re_test"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
            .expect(1)
            .mount(&server)
            .await;
        mailer(&server).await.send(&mail()).await.unwrap();
        let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
            .body_json()
            .unwrap();
        assert_eq!(sent["to"], json!(["ann@example.com"]));
        assert_eq!(sent["from"], "Pursue <noreply@example.com>");
        assert_eq!(sent["subject"], "Hi");
    }

    #[tokio::test]
    async fn classifies_failures() {
        for (status, transient) in [
            (429, true),
            (500, true),
            (503, true),
            (422, false),
            (401, false),
        ] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status))
                .mount(&server)
                .await;
            let result = mailer(&server).await.send(&mail()).await;
            assert_eq!(
                matches!(result, Err(DeliveryError::Transient(_))),
                transient,
                "{status}: {result:?}"
            );
        }
    }

    #[tokio::test]
    async fn timeouts_are_transient() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
            .mount(&server)
            .await;
        let result = mailer(&server).await.send(&mail()).await;
        assert!(
            matches!(result, Err(DeliveryError::Transient(_))),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn the_file_mailer_writes_one_file_per_email() {
        let dir = tempfile::tempdir().unwrap();
        let m = FileMailer::new(dir.path().join("emails"));
        m.send(&mail()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("emails"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
        let content = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(content.contains("To: ann@example.com") && content.contains("text"));
    }
}
