//! OAuth2 access tokens for FCM: the JWT-bearer grant (RFC 7523) with the service
//! account's key, cached until shortly before expiry, fetched by one caller at a time.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pursue_ports::push::PushError;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::breaker::Clock;
use crate::classify::parse_retry_after;
use crate::credentials::ServiceAccount;
use crate::transport::transport_error;

/// The OAuth2 scope that allows sending FCM messages.
pub const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, form-encoded.
const GRANT_TYPE: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";

/// Lifetime requested for the signed assertion (Google's maximum).
const ASSERTION_LIFETIME: Duration = Duration::from_secs(3600);

/// How long before expiry a cached access token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Lifetime assumed when the token endpoint does not say.
const DEFAULT_EXPIRES_IN: u64 = 3600;

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize, Default)]
struct TokenErrorResponse {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

struct CachedToken {
    value: String,
    refresh_at: Instant,
}

/// Issues and caches FCM access tokens for one service account.
pub(crate) struct TokenSource {
    http: reqwest::Client,
    client_email: String,
    token_uri: String,
    key_id: Option<String>,
    key: EncodingKey,
    clock: Arc<dyn Clock>,
    cache: Mutex<Option<CachedToken>>,
}

impl TokenSource {
    /// A token source for `account`; fails when its private key is not an RSA PEM key.
    pub fn new(
        http: reqwest::Client,
        account: &ServiceAccount,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, jsonwebtoken::errors::Error> {
        let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes())?;
        Ok(TokenSource {
            http,
            client_email: account.client_email.clone(),
            token_uri: account.token_uri.clone(),
            key_id: account.private_key_id.clone(),
            key,
            clock,
            cache: Mutex::new(None),
        })
    }

    /// A valid access token: the cached one, or a new one (one fetch at a time; callers
    /// arriving during a fetch wait for its result).
    pub async fn token(&self) -> Result<String, PushError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && self.clock.now() < cached.refresh_at
        {
            return Ok(cached.value.clone());
        }
        let fresh = self.fetch().await?;
        let value = fresh.value.clone();
        *cache = Some(fresh);
        Ok(value)
    }

    /// Forgets `stale` if it is still the cached token (FCM refused it).
    pub async fn invalidate(&self, stale: &str) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|cached| cached.value == stale) {
            *cache = None;
        }
    }

    async fn fetch(&self) -> Result<CachedToken, PushError> {
        let assertion = self.assertion()?;
        let response = self
            .http
            .post(&self.token_uri)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("grant_type={GRANT_TYPE}&assertion={assertion}"))
            .send()
            .await
            .map_err(|e| transport_error("OAuth2 token endpoint", &e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let body = response
            .text()
            .await
            .map_err(|e| transport_error("OAuth2 token endpoint", &e))?;
        if status.is_success() {
            let parsed: TokenResponse = serde_json::from_str(&body).map_err(|e| {
                PushError::Unexpected(anyhow::anyhow!(
                    "the OAuth2 token endpoint answered without an access token: {e}"
                ))
            })?;
            let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(DEFAULT_EXPIRES_IN));
            let margin = REFRESH_MARGIN.min(lifetime / 2);
            let now = self.clock.now();
            let refresh_at = now.checked_add(lifetime - margin).unwrap_or(now);
            tracing::debug!(
                expires_in = lifetime.as_secs(),
                "fetched an FCM access token"
            );
            return Ok(CachedToken {
                value: parsed.access_token,
                refresh_at,
            });
        }
        let reason = describe_refusal(status.as_u16(), &body);
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(PushError::Retryable {
                retry_after,
                reason: format!("OAuth2 token endpoint: {reason}"),
            });
        }
        Err(PushError::Unexpected(anyhow::anyhow!(
            "the OAuth2 token endpoint refused the service account {}: {reason}",
            self.client_email
        )))
    }

    /// The signed JWT-bearer assertion.
    fn assertion(&self) -> Result<String, PushError> {
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let claims = Claims {
            iss: &self.client_email,
            scope: FCM_SCOPE,
            aud: &self.token_uri,
            iat,
            exp: iat + ASSERTION_LIFETIME.as_secs(),
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            PushError::Unexpected(anyhow::anyhow!("cannot sign the OAuth2 assertion: {e}"))
        })
    }
}

/// `HTTP 400 invalid_grant: Invalid JWT Signature.` from an OAuth2 error body.
fn describe_refusal(status: u16, body: &str) -> String {
    let parsed: TokenErrorResponse = serde_json::from_str(body).unwrap_or_default();
    match (parsed.error.is_empty(), parsed.error_description.is_empty()) {
        (true, _) => format!("HTTP {status}"),
        (false, true) => format!("HTTP {status} {}", parsed.error),
        (false, false) => format!(
            "HTTP {status} {}: {}",
            parsed.error, parsed.error_description
        ),
    }
}
