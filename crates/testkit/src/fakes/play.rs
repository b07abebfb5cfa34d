//! [`PlayFake`]: a local Android Publisher API (`purchases.subscriptionsv2.get`,
//! `purchases.subscriptions.cancel`) and its OAuth2 token endpoint.
//!
//! ```text
//! let play = PlayFake::start().await;
//! let sa = play.write_service_account(dir.path());       // token_uri points at the fake
//! play.set(token, PlayFake::purchase("SUBSCRIPTION_STATE_ACTIVE", days(365)));
//! play.forget_with(token, 410);                           // unknown token answers 410
//! play.set_down(true);                                    // every call answers 503
//! ```
//!
//! The token endpoint checks the assertion's RS256 signature (the public half of
//! [`test_keys`]), issuer and scope, and issues opaque access tokens; the API checks the
//! bearer token (401 for unknown ones) and the package name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::keys::test_keys;

/// The package the fake serves.
pub const FAKE_PACKAGE: &str = "app.getpursue.test";
/// The service account the fake's token endpoint accepts.
pub const PLAY_CLIENT_EMAIL: &str = "play@pursue-test.iam.gserviceaccount.com";
/// The scope an assertion must ask for.
pub const PLAY_SCOPE: &str = "https://www.googleapis.com/auth/androidpublisher";

#[derive(Default)]
struct State {
    purchases: HashMap<String, Value>,
    gone: HashMap<String, u16>,
    cancelled: Vec<String>,
    issued: Vec<String>,
    token_requests: usize,
    api_requests: usize,
    down: bool,
}

/// A running fake on a random loopback port.
pub struct PlayFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

struct TokenEndpoint(Arc<Mutex<State>>);

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.0);
        state.token_requests += 1;
        if state.down {
            return ResponseTemplate::new(503);
        }
        let body = String::from_utf8_lossy(&request.body).to_string();
        let assertion = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("assertion="))
            .unwrap_or_default();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        let key = DecodingKey::from_rsa_der(&test_keys().public_key_der);
        let claims = jsonwebtoken::decode::<Value>(assertion, &key, &validation)
            .ok()
            .map(|d| d.claims);
        match claims {
            Some(c) if c["iss"] == PLAY_CLIENT_EMAIL && c["scope"] == PLAY_SCOPE => {
                let token = format!("play-access-{}", state.issued.len() + 1);
                state.issued.push(token.clone());
                ResponseTemplate::new(200).set_body_json(
                    json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer"}),
                )
            }
            _ => ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})),
        }
    }
}

struct Api(Arc<Mutex<State>>);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.0);
        state.api_requests += 1;
        if state.down {
            return ResponseTemplate::new(503).set_body_json(json!({"error": {"code": 503}}));
        }
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if !state.issued.contains(&bearer) {
            return ResponseTemplate::new(401);
        }
        let p = request.url.path().to_string();
        let prefix = format!("/androidpublisher/v3/applications/{FAKE_PACKAGE}/purchases/");
        let Some(rest) = p.strip_prefix(&prefix) else {
            return ResponseTemplate::new(404);
        };
        let (token, cancel) = if let Some(t) = rest.strip_prefix("subscriptionsv2/tokens/") {
            (t.to_string(), false)
        } else if let Some(t) = rest
            .split("/tokens/")
            .nth(1)
            .and_then(|t| t.strip_suffix(":cancel"))
        {
            (t.to_string(), true)
        } else {
            return ResponseTemplate::new(404);
        };
        if let Some(status) = state.gone.get(&token) {
            return ResponseTemplate::new(*status);
        }
        match state.purchases.get(&token).cloned() {
            None => ResponseTemplate::new(404),
            Some(_) if cancel => {
                state.cancelled.push(token.clone());
                if let Some(p) = state.purchases.get_mut(&token) {
                    p["subscriptionState"] = json!("SUBSCRIPTION_STATE_CANCELED");
                    if let Some(items) = p["lineItems"].as_array_mut() {
                        for i in items {
                            i["autoRenewingPlan"] = json!({"autoRenewEnabled": false});
                        }
                    }
                }
                ResponseTemplate::new(200).set_body_string("")
            }
            Some(body) => ResponseTemplate::new(200).set_body_json(body),
        }
    }
}

impl PlayFake {
    /// Starts the fake.
    pub async fn start() -> PlayFake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(TokenEndpoint(state.clone()))
            .mount(&server)
            .await;
        Mock::given(path_regex("^/androidpublisher/"))
            .respond_with(Api(state.clone()))
            .mount(&server)
            .await;
        PlayFake { server, state }
    }

    /// The value for `GOOGLE_PLAY_API_BASE_URL`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// A service-account JSON the fake accepts, with `token_uri` pointing at it.
    pub fn service_account_json(&self) -> String {
        json!({
            "type": "service_account",
            "project_id": "pursue-test",
            "private_key_id": "play-key-1",
            "private_key": test_keys().private_key_pem,
            "client_email": PLAY_CLIENT_EMAIL,
            "token_uri": format!("{}/token", self.server.uri()),
        })
        .to_string()
    }

    /// Writes the service account to `dir/play-service-account.json`; returns the path.
    pub fn write_service_account(&self, dir: &Path) -> PathBuf {
        let file = dir.join("play-service-account.json");
        std::fs::write(&file, self.service_account_json()).expect("write the service account");
        file
    }

    /// A `SubscriptionPurchaseV2` body for the premium product.
    pub fn purchase(state: &str, expiry: DateTime<Utc>, order_id: &str) -> Value {
        json!({
            "kind": "androidpublisher#subscriptionPurchaseV2",
            "subscriptionState": state,
            "startTime": (expiry - chrono::Duration::days(365)).to_rfc3339(),
            "latestOrderId": order_id,
            "lineItems": [{
                "productId": "pursue_premium_annual",
                "expiryTime": expiry.to_rfc3339(),
                "autoRenewingPlan": {"autoRenewEnabled": state == "SUBSCRIPTION_STATE_ACTIVE"},
                "latestSuccessfulOrderId": order_id,
            }],
        })
    }

    /// Answers `body` for `token` from now on.
    pub fn set(&self, token: &str, body: Value) {
        let mut s = lock(&self.state);
        s.gone.remove(token);
        s.purchases.insert(token.to_string(), body);
    }

    /// Answers `status` (404, 410, 400) for `token` from now on.
    pub fn forget_with(&self, token: &str, status: u16) {
        lock(&self.state).gone.insert(token.to_string(), status);
    }

    /// While `down`, every call answers 503.
    pub fn set_down(&self, down: bool) {
        lock(&self.state).down = down;
    }

    /// Tokens cancelled through the API, in order.
    pub fn cancelled(&self) -> Vec<String> {
        lock(&self.state).cancelled.clone()
    }

    /// Requests that reached the token endpoint.
    pub fn token_requests(&self) -> usize {
        lock(&self.state).token_requests
    }

    /// Requests that reached the API.
    pub fn api_requests(&self) -> usize {
        lock(&self.state).api_requests
    }
}
