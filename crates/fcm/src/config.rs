//! Typed configuration of the FCM adapter (the server's start-up fills it from D12's
//! environment variables).

use std::time::Duration;

use crate::breaker::BreakerConfig;
use crate::credentials::ServiceAccount;

/// Google's FCM endpoint; `/v1/projects/{id}/messages:send` is appended.
pub const DEFAULT_BASE_URL: &str = "https://fcm.googleapis.com";

/// Settings of [`crate::FcmSender`].
#[derive(Debug, Clone)]
pub struct FcmConfig {
    /// Base URL of the FCM API (`FCM_BASE_URL`).
    pub base_url: String,
    /// Firebase project (`FCM_PROJECT_ID`); `None` uses the service account's.
    pub project_id: Option<String>,
    /// Service-account credentials (`GOOGLE_APPLICATION_CREDENTIALS`).
    pub credentials: ServiceAccount,
    /// Time limit of one HTTP request (token or send), connection included.
    pub timeout: Duration,
    /// Most sends in flight at once; more callers wait for a slot.
    pub max_concurrency: usize,
    /// When to stop calling FCM while it fails, and for how long.
    pub breaker: BreakerConfig,
}

impl FcmConfig {
    /// Defaults for everything but the credentials: Google's endpoint, the account's
    /// project, 10 s per request, 16 concurrent sends, 5 failures open the circuit for 30 s.
    pub fn new(credentials: ServiceAccount) -> Self {
        FcmConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            project_id: None,
            credentials,
            timeout: Duration::from_secs(10),
            max_concurrency: 16,
            breaker: BreakerConfig::default(),
        }
    }
}

/// Why the FCM adapter could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum FcmSetupError {
    /// Neither `FCM_PROJECT_ID` nor the service account names a project.
    #[error("no Firebase project: set FCM_PROJECT_ID or use a service account with project_id")]
    NoProjectId,
    /// The project id cannot be part of a URL path.
    #[error("invalid Firebase project id `{0}`")]
    InvalidProjectId(String),
    /// The base URL is not an http(s) URL.
    #[error("the FCM base URL must be an http(s) URL, not `{0}`")]
    InvalidBaseUrl(String),
    /// The service account's private key is not a usable RSA key.
    #[error("the service account's private key is not an RSA PEM key: {0}")]
    InvalidKey(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

/// `{base}/v1/projects/{project}/messages:send` from the configuration.
pub(crate) fn send_url(config: &FcmConfig) -> Result<String, FcmSetupError> {
    let base = config.base_url.trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(FcmSetupError::InvalidBaseUrl(config.base_url.clone()));
    }
    let project = config
        .project_id
        .as_deref()
        .or(config.credentials.project_id.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or(FcmSetupError::NoProjectId)?;
    let valid = project
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if !valid || project.chars().all(|c| c == '.') {
        return Err(FcmSetupError::InvalidProjectId(project.to_string()));
    }
    Ok(format!("{base}/v1/projects/{project}/messages:send"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str, project: Option<&str>, account_project: Option<&str>) -> FcmConfig {
        let mut config = FcmConfig::new(ServiceAccount {
            client_email: "push@example.iam.gserviceaccount.com".into(),
            private_key: String::new(),
            private_key_id: None,
            token_uri: crate::credentials::DEFAULT_TOKEN_URI.into(),
            project_id: account_project.map(str::to_string),
        });
        config.base_url = base.into();
        config.project_id = project.map(str::to_string);
        config
    }

    #[test]
    fn the_explicit_project_wins_over_the_accounts() {
        let url = send_url(&config("http://127.0.0.1:9/", Some("explicit"), Some("sa"))).unwrap();
        assert_eq!(url, "http://127.0.0.1:9/v1/projects/explicit/messages:send");
        let url = send_url(&config(DEFAULT_BASE_URL, None, Some("sa"))).unwrap();
        assert_eq!(
            url,
            "https://fcm.googleapis.com/v1/projects/sa/messages:send"
        );
    }

    #[test]
    fn refuses_missing_or_unsafe_projects_and_bad_urls() {
        assert!(matches!(
            send_url(&config(DEFAULT_BASE_URL, None, None)),
            Err(FcmSetupError::NoProjectId)
        ));
        assert!(matches!(
            send_url(&config(DEFAULT_BASE_URL, Some("a/../b"), None)),
            Err(FcmSetupError::InvalidProjectId(_))
        ));
        assert!(matches!(
            send_url(&config("fcm.googleapis.com", Some("p"), None)),
            Err(FcmSetupError::InvalidBaseUrl(_))
        ));
    }
}
