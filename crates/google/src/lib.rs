//! Pursue Google adapter: verifies Google ID tokens (RS256) against the keys published at
//! `GOOGLE_JWKS_URL`. Keys are cached for the response's `Cache-Control: max-age`, fetched
//! again when a token names an unknown `kid` (at most once per `min_refetch`), and the
//! claims `iss`, `aud` (any configured client id) and `exp` are checked.

mod jwks;
pub mod picture;

use std::time::Duration;

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, Validation, decode, decode_header};
use pursue_ports::google::{GoogleError, GoogleIdentity, GoogleVerifier};
use serde::Deserialize;
use serde_json::Value;

use jwks::KeyCache;
pub use jwks::parse_max_age;
pub use picture::{HttpPictureFetcher, MAX_PICTURE_BYTES};

/// Issuers Google uses.
pub const GOOGLE_ISSUERS: [&str; 2] = ["accounts.google.com", "https://accounts.google.com"];

/// Settings of [`GoogleIdTokens`].
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    /// JWKS endpoint.
    pub jwks_url: String,
    /// Accepted audiences (OAuth client ids); must not be empty.
    pub client_ids: Vec<String>,
    /// Shortest interval between two fetches triggered by unknown key ids.
    pub min_refetch: Duration,
    /// Cache lifetime when the response has no `max-age`.
    pub default_max_age: Duration,
    /// Time limit of a JWKS fetch.
    pub timeout: Duration,
}

impl GoogleConfig {
    /// Defaults for `jwks_url` and `client_ids`.
    pub fn new(jwks_url: impl Into<String>, client_ids: Vec<String>) -> Self {
        Self {
            jwks_url: jwks_url.into(),
            client_ids,
            min_refetch: Duration::from_secs(30),
            default_max_age: Duration::from_secs(300),
            timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    email: Option<String>,
    #[serde(default)]
    email_verified: Value,
    name: Option<String>,
    picture: Option<String>,
}

/// Google ID-token verifier.
pub struct GoogleIdTokens {
    validation: Validation,
    keys: KeyCache,
}

impl std::fmt::Debug for GoogleIdTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleIdTokens").finish_non_exhaustive()
    }
}

impl GoogleIdTokens {
    /// A verifier for `config`.
    pub fn new(config: GoogleConfig) -> Result<Self, reqwest::Error> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&GOOGLE_ISSUERS);
        validation.set_audience(&config.client_ids);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Ok(Self {
            validation,
            keys: KeyCache::new(&config)?,
        })
    }
}

#[async_trait]
impl GoogleVerifier for GoogleIdTokens {
    async fn verify(&self, id_token: &str) -> Result<GoogleIdentity, GoogleError> {
        let header = decode_header(id_token).map_err(|_| GoogleError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(GoogleError::Invalid);
        }
        let kid = header.kid.ok_or(GoogleError::Invalid)?;
        let key = self.keys.key(&kid).await?.ok_or(GoogleError::Invalid)?;
        let data = decode::<Claims>(id_token, &key, &self.validation).map_err(|e| {
            tracing::debug!(error = %e, "google id token refused");
            GoogleError::Invalid
        })?;
        let c = data.claims;
        let email = c.email.ok_or(GoogleError::Invalid)?;
        let email_verified = matches!(&c.email_verified, Value::Bool(true))
            || matches!(&c.email_verified, Value::String(s) if s == "true");
        Ok(GoogleIdentity {
            sub: c.sub,
            email,
            email_verified,
            name: c.name,
            picture: c.picture,
        })
    }
}
