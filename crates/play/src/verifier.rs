//! [`PurchaseVerifier`] over the Android Publisher API.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pursue_domain::purchase::{LineItem, PlayPurchase, PlayState};
use pursue_fcm::ServiceAccount;
use pursue_ports::purchases::{PurchaseError, PurchaseVerifier};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::token::TokenSource;

/// Time limit of one API call.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where and as whom to call the API.
#[derive(Debug, Clone)]
pub struct PlayConfig {
    /// `GOOGLE_PLAY_API_BASE_URL` (no trailing slash).
    pub base_url: String,
    /// `GOOGLE_PLAY_PACKAGE_NAME`.
    pub package_name: String,
}

/// The Android Publisher client.
pub struct GooglePlay {
    http: reqwest::Client,
    config: PlayConfig,
    tokens: TokenSource,
}

impl GooglePlay {
    /// A client authenticated by the service-account file at `path`.
    ///
    /// Errors: the file cannot be read or parsed, or its key is not an RSA PEM key.
    pub fn from_file(config: PlayConfig, path: &Path) -> anyhow::Result<Self> {
        let account = ServiceAccount::from_file(path)?;
        Self::new(config, &account)
    }

    /// A client authenticated by `account`.
    ///
    /// Errors: the key is not an RSA PEM key, or the HTTP client cannot be built.
    pub fn new(config: PlayConfig, account: &ServiceAccount) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        let tokens = TokenSource::new(http.clone(), account)?;
        Ok(Self {
            http,
            config,
            tokens,
        })
    }

    fn url(&self, tail: &str) -> String {
        format!(
            "{}/androidpublisher/v3/applications/{}/purchases/{tail}",
            self.config.base_url, self.config.package_name
        )
    }

    /// One authenticated call; a 401 retries once with a fresh access token.
    async fn call(&self, method: reqwest::Method, url: &str) -> Result<String, PurchaseError> {
        for attempt in 0..2 {
            let token = self.tokens.token().await?;
            let response = self
                .http
                .request(method.clone(), url)
                .bearer_auth(&token)
                .header(reqwest::header::CONTENT_LENGTH, "0")
                .send()
                .await
                .map_err(|e| PurchaseError::Unavailable(anyhow::anyhow!("Google Play: {e}")))?;
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            match status {
                s if s.is_success() => return Ok(body),
                StatusCode::UNAUTHORIZED if attempt == 0 => {
                    self.tokens.invalidate(&token).await;
                }
                StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::GONE => {
                    return Err(PurchaseError::UnknownToken);
                }
                s => {
                    return Err(PurchaseError::Unavailable(anyhow::anyhow!(
                        "Google Play answered HTTP {s}"
                    )));
                }
            }
        }
        Err(PurchaseError::Unavailable(anyhow::anyhow!(
            "Google Play refused the access token"
        )))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PurchaseBody {
    #[serde(default)]
    subscription_state: Option<String>,
    #[serde(default)]
    line_items: Vec<LineItemBody>,
    #[serde(default)]
    start_time: Option<DateTime<Utc>>,
    #[serde(default)]
    latest_order_id: Option<String>,
    #[serde(default)]
    linked_purchase_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineItemBody {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    expiry_time: Option<DateTime<Utc>>,
    #[serde(default)]
    auto_renewing_plan: Option<AutoRenewingPlan>,
    #[serde(default)]
    latest_successful_order_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AutoRenewingPlan {
    #[serde(default)]
    auto_renew_enabled: Option<bool>,
}

/// Parses a `SubscriptionPurchaseV2` body.
pub(crate) fn parse(raw: String) -> Result<PlayPurchase, PurchaseError> {
    let body: PurchaseBody = serde_json::from_str(&raw).map_err(|e| {
        PurchaseError::Unavailable(anyhow::anyhow!("unreadable Google Play answer: {e}"))
    })?;
    Ok(PlayPurchase {
        state: body
            .subscription_state
            .as_deref()
            .and_then(|s| PlayState::parse(s).ok()),
        line_items: body
            .line_items
            .into_iter()
            .map(|i| LineItem {
                product_id: i.product_id,
                expiry_time: i.expiry_time,
                auto_renew: i.auto_renewing_plan.and_then(|p| p.auto_renew_enabled),
                latest_successful_order_id: i.latest_successful_order_id,
            })
            .collect(),
        start_time: body.start_time,
        latest_order_id: body.latest_order_id,
        linked_purchase_token: body.linked_purchase_token,
        raw,
    })
}

#[async_trait]
impl PurchaseVerifier for GooglePlay {
    async fn subscription(&self, purchase_token: &str) -> Result<PlayPurchase, PurchaseError> {
        let url = self.url(&format!("subscriptionsv2/tokens/{purchase_token}"));
        let raw = self.call(reqwest::Method::GET, &url).await?;
        parse(raw)
    }

    async fn cancel(&self, product_id: &str, purchase_token: &str) -> Result<(), PurchaseError> {
        let url = self.url(&format!(
            "subscriptions/{product_id}/tokens/{purchase_token}:cancel"
        ));
        self.call(reqwest::Method::POST, &url).await.map(drop)
    }
}

/// The verifier without a service account: every call is unavailable (→ 503), so no
/// premium is ever granted on an unverifiable token.
pub struct UnconfiguredPlay;

#[async_trait]
impl PurchaseVerifier for UnconfiguredPlay {
    async fn subscription(&self, _: &str) -> Result<PlayPurchase, PurchaseError> {
        Err(PurchaseError::Unavailable(anyhow::anyhow!(
            "GOOGLE_PLAY_SERVICE_ACCOUNT is not configured"
        )))
    }

    async fn cancel(&self, _: &str, _: &str) -> Result<(), PurchaseError> {
        Err(PurchaseError::Unavailable(anyhow::anyhow!(
            "GOOGLE_PLAY_SERVICE_ACCOUNT is not configured"
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_a_subscription_purchase() {
        let raw = r#"{"kind":"androidpublisher#subscriptionPurchaseV2",
            "subscriptionState":"SUBSCRIPTION_STATE_ACTIVE","startTime":"2026-01-01T00:00:00Z",
            "latestOrderId":"GPA.9","linkedPurchaseToken":"old",
            "lineItems":[{"productId":"pursue_premium_annual","expiryTime":"2027-01-01T00:00:00.123Z",
              "autoRenewingPlan":{"autoRenewEnabled":true},"latestSuccessfulOrderId":"GPA.1"}]}"#;
        let p = parse(raw.to_string()).unwrap();
        assert_eq!(p.state, Some(PlayState::Active));
        assert_eq!(p.line_items[0].auto_renew, Some(true));
        assert_eq!(p.linked_purchase_token.as_deref(), Some("old"));
        assert_eq!(p.raw, raw);
        let odd = parse(r#"{"subscriptionState":"SOMETHING_NEW"}"#.into()).unwrap();
        assert_eq!(odd.state, None);
        assert!(parse("not json".into()).is_err());
    }
}
