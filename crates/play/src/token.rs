//! OAuth2 access tokens for the Android Publisher API: the JWT-bearer grant (RFC 7523) with
//! the service account's key, cached until 60 s before expiry, one fetch at a time.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pursue_fcm::ServiceAccount;
use pursue_ports::purchases::PurchaseError;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

/// The scope of the Android Publisher API.
pub const ANDROID_PUBLISHER_SCOPE: &str = "https://www.googleapis.com/auth/androidpublisher";

/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, form-encoded.
const GRANT_TYPE: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
/// Lifetime of the signed assertion (Google's maximum).
const ASSERTION_LIFETIME: u64 = 3600;
/// How long before expiry a cached token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

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

struct Cached {
    value: String,
    refresh_at: Instant,
}

/// Issues and caches access tokens for one service account.
pub(crate) struct TokenSource {
    http: reqwest::Client,
    client_email: String,
    token_uri: String,
    key_id: Option<String>,
    key: EncodingKey,
    cache: Mutex<Option<Cached>>,
}

fn unavailable(what: impl std::fmt::Display) -> PurchaseError {
    PurchaseError::Unavailable(anyhow::anyhow!("{what}"))
}

impl TokenSource {
    /// A source for `account`; fails when its key is not an RSA PEM key.
    pub fn new(
        http: reqwest::Client,
        account: &ServiceAccount,
    ) -> Result<Self, jsonwebtoken::errors::Error> {
        Ok(Self {
            http,
            client_email: account.client_email.clone(),
            token_uri: account.token_uri.clone(),
            key_id: account.private_key_id.clone(),
            key: EncodingKey::from_rsa_pem(account.private_key.as_bytes())?,
            cache: Mutex::new(None),
        })
    }

    /// A valid access token: the cached one or a new one.
    pub async fn token(&self) -> Result<String, PurchaseError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref()
            && Instant::now() < c.refresh_at
        {
            return Ok(c.value.clone());
        }
        let fresh = self.fetch().await?;
        let value = fresh.value.clone();
        *cache = Some(fresh);
        Ok(value)
    }

    /// Forgets `stale` if it is still cached (the API refused it).
    pub async fn invalidate(&self, stale: &str) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| c.value == stale) {
            *cache = None;
        }
    }

    async fn fetch(&self) -> Result<Cached, PurchaseError> {
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let claims = Claims {
            iss: &self.client_email,
            scope: ANDROID_PUBLISHER_SCOPE,
            aud: &self.token_uri,
            iat,
            exp: iat + ASSERTION_LIFETIME,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.key_id.clone();
        let assertion = jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| unavailable(format!("cannot sign the OAuth2 assertion: {e}")))?;
        let response = self
            .http
            .post(&self.token_uri)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(format!("grant_type={GRANT_TYPE}&assertion={assertion}"))
            .send()
            .await
            .map_err(|e| unavailable(format!("OAuth2 token endpoint: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unavailable(format!(
                "the OAuth2 token endpoint refused the service account {}: HTTP {status}",
                self.client_email
            )));
        }
        let parsed: TokenResponse = response
            .json()
            .await
            .map_err(|e| unavailable(format!("OAuth2 token response: {e}")))?;
        let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(3600));
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        let now = Instant::now();
        Ok(Cached {
            value: parsed.access_token,
            refresh_at: now.checked_add(lifetime - margin).unwrap_or(now),
        })
    }
}
