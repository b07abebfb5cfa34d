//! The JWKS cache.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use pursue_ports::google::GoogleError;
use reqwest::header::CACHE_CONTROL;
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::GoogleConfig;

#[derive(Debug, Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    n: Option<String>,
    e: Option<String>,
}

struct Cached {
    keys: HashMap<String, DecodingKey>,
    fresh_until: Instant,
    fetched_at: Instant,
}

/// Keys by `kid`, refreshed per `Cache-Control` and on unknown ids (rate-bounded).
pub(crate) struct KeyCache {
    client: reqwest::Client,
    url: String,
    min_refetch: Duration,
    default_max_age: Duration,
    state: Mutex<Option<Cached>>,
}

/// The `max-age` of a `Cache-Control` value (`no-store`/`no-cache` → 0).
pub fn parse_max_age(value: &str) -> Option<Duration> {
    let mut result = None;
    for directive in value.split(',').map(|d| d.trim().to_ascii_lowercase()) {
        if directive == "no-store" || directive == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(secs) = directive.strip_prefix("max-age=") {
            result = secs.trim_matches('"').parse().ok().map(Duration::from_secs);
        }
    }
    result
}

impl KeyCache {
    pub(crate) fn new(config: &GoogleConfig) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: reqwest::Client::builder().timeout(config.timeout).build()?,
            url: config.jwks_url.clone(),
            min_refetch: config.min_refetch,
            default_max_age: config.default_max_age,
            state: Mutex::new(None),
        })
    }

    /// The key `kid`, fetching when the cache is stale or (rate-bounded) lacks it.
    pub(crate) async fn key(&self, kid: &str) -> Result<Option<DecodingKey>, GoogleError> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(cached) = state.as_ref() {
            let fresh = now < cached.fresh_until;
            if let Some(key) = cached.keys.get(kid)
                && fresh
            {
                return Ok(Some(key.clone()));
            }
            let may_refetch = !fresh || now.duration_since(cached.fetched_at) >= self.min_refetch;
            if !may_refetch {
                return Ok(None);
            }
        }
        match self.fetch().await {
            Ok(fetched) => {
                let key = fetched.keys.get(kid).cloned();
                *state = Some(fetched);
                Ok(key)
            }
            Err(e) => {
                // Serve a stale key rather than fail while Google is unreachable.
                if let Some(key) = state.as_ref().and_then(|c| c.keys.get(kid)) {
                    tracing::warn!(error = %e, "JWKS refresh failed; using cached keys");
                    return Ok(Some(key.clone()));
                }
                Err(GoogleError::Unavailable(e))
            }
        }
    }

    async fn fetch(&self) -> anyhow::Result<Cached> {
        let response = self
            .client
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?;
        let max_age = response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_max_age)
            .unwrap_or(self.default_max_age);
        let jwks: Jwks = response.json().await?;
        let keys = jwks
            .keys
            .into_iter()
            .filter(|k| k.kty == "RSA")
            .filter_map(|k| {
                let key =
                    DecodingKey::from_rsa_components(k.n.as_deref()?, k.e.as_deref()?).ok()?;
                Some((k.kid?, key))
            })
            .collect();
        let now = Instant::now();
        Ok(Cached {
            keys,
            fresh_until: now + max_age,
            fetched_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            parse_max_age("public, max-age=19845, must-revalidate, no-transform"),
            Some(Duration::from_secs(19845))
        );
        assert_eq!(parse_max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(parse_max_age("public"), None);
        assert_eq!(parse_max_age("max-age=abc"), None);
    }
}
