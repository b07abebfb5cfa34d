//! [`FcmFake`]: a local FCM HTTP v1 endpoint and Google OAuth2 token endpoint.
//!
//! ```text
//! let fcm = FcmFake::start().await;
//! let sa = fcm.write_service_account(dir.path());   // token_uri points at the fake
//! // configure the adapter with FCM_BASE_URL = fcm.base_url(), the service account `sa`
//! fcm.unregister("dead-token");                     // 404 UNREGISTERED for that token
//! fcm.enqueue(FcmReply::Unavailable, 3);            // the next 3 sends get 503
//! assert_eq!(fcm.messages()[0].data["type"], "member_joined");
//! ```
//!
//! The token endpoint verifies the JWT-bearer assertion's RS256 signature with the public
//! half of [`test_keys`], its issuer, audience, scope and lifetime, and issues opaque access
//! tokens. The send endpoint checks the bearer token (401 for unknown or revoked ones),
//! the message shape (token, notification, string-only data) and records what it accepts.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use super::fcm_respond::{SendResponder, TokenResponder};
use super::keys::test_keys;

/// The Firebase project the fake serves.
pub const FAKE_PROJECT_ID: &str = "pursue-test";
/// The service account the fake's token endpoint accepts.
pub const FAKE_CLIENT_EMAIL: &str = "push@pursue-test.iam.gserviceaccount.com";
/// The OAuth2 scope an assertion must ask for.
pub const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

/// A scripted answer of the send endpoint, used once per queued entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FcmReply {
    /// 503 `UNAVAILABLE`.
    Unavailable,
    /// 500 `INTERNAL`.
    Internal,
    /// 429 `RESOURCE_EXHAUSTED` / `QUOTA_EXCEEDED`, with `Retry-After: <secs>` if given.
    QuotaExceeded {
        /// Seconds for the `Retry-After` header.
        retry_after_secs: Option<u64>,
    },
    /// 401 `UNAUTHENTICATED` (as for an expired access token).
    Unauthenticated,
    /// 400 `INVALID_ARGUMENT` about the payload (not the token).
    InvalidArgument,
    /// 403 `PERMISSION_DENIED` / `SENDER_ID_MISMATCH`.
    SenderIdMismatch,
}

/// A message the fake accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedMessage {
    /// `message.token`.
    pub token: String,
    /// `message.notification.title`.
    pub title: Option<String>,
    /// `message.notification.body`.
    pub body: Option<String>,
    /// `message.data` (the fake refuses non-string values).
    pub data: BTreeMap<String, String>,
    /// The whole request body.
    pub raw: serde_json::Value,
    /// The bearer token it came with.
    pub access_token: String,
}

/// Shared state of the fake's endpoints.
#[derive(Debug)]
pub(crate) struct State {
    pub token_uri: String,
    pub token_lifetime_secs: u64,
    pub token_requests: usize,
    pub token_failures: VecDeque<u16>,
    pub issued: Vec<String>,
    pub valid: HashSet<String>,
    pub unregistered: HashSet<String>,
    pub invalid: HashSet<String>,
    pub script: VecDeque<FcmReply>,
    pub delay: Duration,
    pub send_requests: Vec<(Instant, Duration)>,
    pub received: Vec<ReceivedMessage>,
}

/// A running fake FCM + OAuth2 server on a random loopback port.
pub struct FcmFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl FcmFake {
    /// Starts the fake.
    pub async fn start() -> FcmFake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            token_uri: format!("{}/token", server.uri()),
            token_lifetime_secs: 3600,
            token_requests: 0,
            token_failures: VecDeque::new(),
            issued: Vec::new(),
            valid: HashSet::new(),
            unregistered: HashSet::new(),
            invalid: HashSet::new(),
            script: VecDeque::new(),
            delay: Duration::ZERO,
            send_requests: Vec::new(),
            received: Vec::new(),
        }));
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(TokenResponder::new(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!(
                "/v1/projects/{FAKE_PROJECT_ID}/messages:send"
            )))
            .respond_with(SendResponder::new(state.clone()))
            .mount(&server)
            .await;
        FcmFake { server, state }
    }

    /// The value for `FCM_BASE_URL`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// The OAuth2 token endpoint (the service account's `token_uri`).
    pub fn token_uri(&self) -> String {
        format!("{}/token", self.server.uri())
    }

    /// The project id (`FCM_PROJECT_ID`).
    pub fn project_id(&self) -> &'static str {
        FAKE_PROJECT_ID
    }

    /// A service-account JSON that the fake accepts, with `token_uri` pointing at it.
    pub fn service_account_json(&self) -> String {
        serde_json::json!({
            "type": "service_account",
            "project_id": FAKE_PROJECT_ID,
            "private_key_id": "fake-key-1",
            "private_key": test_keys().private_key_pem,
            "client_email": FAKE_CLIENT_EMAIL,
            "client_id": "1234567890",
            "token_uri": self.token_uri(),
        })
        .to_string()
    }

    /// Writes [`FcmFake::service_account_json`] to `dir/service-account.json` and returns
    /// the path (the value for `GOOGLE_APPLICATION_CREDENTIALS`).
    pub fn write_service_account(&self, dir: &Path) -> PathBuf {
        let file = dir.join("service-account.json");
        std::fs::write(&file, self.service_account_json()).expect("write the service account");
        file
    }

    /// The messages accepted so far, in arrival order.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.lock().received.clone()
    }

    /// Requests that reached the send endpoint (accepted or not).
    pub fn send_requests(&self) -> usize {
        self.lock().send_requests.len()
    }

    /// Requests that reached the token endpoint (granted or not).
    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    /// Access tokens issued so far.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.lock().issued.clone()
    }

    /// Sends to `token` answer 404 `UNREGISTERED` from now on.
    pub fn unregister(&self, token: &str) {
        self.lock().unregistered.insert(token.to_string());
    }

    /// Sends to `token` answer 400 `INVALID_ARGUMENT` blaming `message.token`.
    pub fn mark_invalid(&self, token: &str) {
        self.lock().invalid.insert(token.to_string());
    }

    /// The next `times` sends (after authentication) get `reply`.
    pub fn enqueue(&self, reply: FcmReply, times: usize) {
        let mut state = self.lock();
        state.script.extend(std::iter::repeat_n(reply, times));
    }

    /// The next `times` token requests get an error with `status` (e.g. 503).
    pub fn fail_token_requests(&self, status: u16, times: usize) {
        self.lock()
            .token_failures
            .extend(std::iter::repeat_n(status, times));
    }

    /// Every access token issued so far is refused with 401 from now on.
    pub fn revoke_access_tokens(&self) {
        self.lock().valid.clear();
    }

    /// `expires_in` of the access tokens issued from now on.
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.lock().token_lifetime_secs = seconds;
    }

    /// Holds every send response for `delay` (a long one makes clients time out).
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// The most send requests the fake held at the same time: each request counts from
    /// its arrival for as long as its response was delayed. With a delay set, this is
    /// the client's peak concurrency.
    pub fn max_concurrent_sends(&self) -> usize {
        let requests = self.lock().send_requests.clone();
        requests
            .iter()
            .map(|(at, _)| {
                requests
                    .iter()
                    .filter(|(start, held)| start <= at && *at < *start + *held)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}
