//! The request handlers of [`super::fcm::FcmFake`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::fcm::{FAKE_CLIENT_EMAIL, FCM_SCOPE, FcmReply, ReceivedMessage, State};
use super::keys::test_keys;

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// `POST /token`: the OAuth2 JWT-bearer grant.
pub(crate) struct TokenResponder {
    state: Arc<Mutex<State>>,
}

impl TokenResponder {
    pub(crate) fn new(state: Arc<Mutex<State>>) -> Self {
        TokenResponder { state }
    }
}

#[derive(Deserialize)]
struct AssertionClaims {
    scope: String,
}

fn oauth_error(status: u16, error: &str, description: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"error": error, "error_description": description}))
}

impl Respond for TokenResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        state.token_requests += 1;
        if let Some(status) = state.token_failures.pop_front() {
            return oauth_error(status, "temporarily_unavailable", "scripted failure");
        }
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        if form.get("grant_type").map(String::as_str) != Some(GRANT_TYPE) {
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type.");
        }
        let Some(assertion) = form.get("assertion") else {
            return oauth_error(400, "invalid_request", "Missing assertion.");
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[state.token_uri.as_str()]);
        validation.set_issuer(&[FAKE_CLIENT_EMAIL]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        let key = DecodingKey::from_rsa_der(&test_keys().public_key_der);
        let claims = match jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation) {
            Ok(data) => data.claims,
            Err(e) => return oauth_error(400, "invalid_grant", &format!("Invalid JWT: {e}")),
        };
        if !claims.scope.split(' ').any(|s| s == FCM_SCOPE) {
            return oauth_error(
                400,
                "invalid_scope",
                "The firebase.messaging scope is missing.",
            );
        }
        let token = format!("fake-access-{}", state.issued.len() + 1);
        state.issued.push(token.clone());
        state.valid.insert(token.clone());
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": token,
            "expires_in": state.token_lifetime_secs,
            "token_type": "Bearer",
        }))
    }
}

/// `POST /v1/projects/{project}/messages:send`.
pub(crate) struct SendResponder {
    state: Arc<Mutex<State>>,
}

impl SendResponder {
    pub(crate) fn new(state: Arc<Mutex<State>>) -> Self {
        SendResponder { state }
    }
}

/// An FCM v1 error body.
fn fcm_error(http: u16, status: &str, error_code: Option<&str>, message: &str) -> ResponseTemplate {
    let mut details = Vec::new();
    if let Some(code) = error_code {
        details.push(json!({
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": code,
        }));
    }
    ResponseTemplate::new(http).set_body_json(json!({"error": {
        "code": http, "message": message, "status": status, "details": details,
    }}))
}

fn scripted(reply: FcmReply) -> ResponseTemplate {
    match reply {
        FcmReply::Unavailable => fcm_error(
            503,
            "UNAVAILABLE",
            Some("UNAVAILABLE"),
            "The service is currently unavailable.",
        ),
        FcmReply::Internal => fcm_error(500, "INTERNAL", Some("INTERNAL"), "Internal error."),
        FcmReply::QuotaExceeded { retry_after_secs } => {
            let response = fcm_error(
                429,
                "RESOURCE_EXHAUSTED",
                Some("QUOTA_EXCEEDED"),
                "Quota exceeded for quota metric 'Send requests'.",
            );
            match retry_after_secs {
                Some(secs) => response.insert_header("Retry-After", secs.to_string()),
                None => response,
            }
        }
        FcmReply::Unauthenticated => unauthenticated(),
        FcmReply::InvalidArgument => fcm_error(
            400,
            "INVALID_ARGUMENT",
            Some("INVALID_ARGUMENT"),
            "Invalid JSON payload received.",
        ),
        FcmReply::SenderIdMismatch => fcm_error(
            403,
            "PERMISSION_DENIED",
            Some("SENDER_ID_MISMATCH"),
            "SenderId mismatch",
        ),
    }
}

fn unauthenticated() -> ResponseTemplate {
    fcm_error(
        401,
        "UNAUTHENTICATED",
        None,
        "Request had invalid authentication credentials.",
    )
}

/// The message's fields, or why the fake (like FCM) refuses it.
fn parse_message(body: &Value, access_token: String) -> Result<ReceivedMessage, String> {
    let message = body.get("message").ok_or("missing `message`")?;
    let token = message
        .get("token")
        .and_then(Value::as_str)
        .ok_or("missing `message.token`")?
        .to_string();
    let notification = message.get("notification");
    let text = |field: &str| {
        notification
            .and_then(|n| n.get(field))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut data = BTreeMap::new();
    if let Some(map) = message.get("data") {
        let map = map.as_object().ok_or("`message.data` must be an object")?;
        for (key, value) in map {
            let value = value
                .as_str()
                .ok_or_else(|| format!("`message.data.{key}` must be a string"))?;
            data.insert(key.clone(), value.to_string());
        }
    }
    Ok(ReceivedMessage {
        token,
        title: text("title"),
        body: text("body"),
        data,
        raw: body.clone(),
        access_token,
    })
}

impl Respond for SendResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        let delay = state.delay;
        state.send_requests.push((Instant::now(), delay));
        let response = self.answer(&mut state, request);
        response.set_delay(delay)
    }
}

impl SendResponder {
    fn answer(&self, state: &mut State, request: &Request) -> ResponseTemplate {
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let Some(access_token) = bearer.filter(|t| state.valid.contains(t)) else {
            return unauthenticated();
        };
        if let Some(reply) = state.script.pop_front() {
            return scripted(reply);
        }
        let body: Value = match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => return fcm_error(400, "INVALID_ARGUMENT", None, &format!("bad JSON: {e}")),
        };
        let message = match parse_message(&body, access_token) {
            Ok(message) => message,
            Err(why) => return fcm_error(400, "INVALID_ARGUMENT", Some("INVALID_ARGUMENT"), &why),
        };
        if state.unregistered.contains(&message.token) {
            return fcm_error(
                404,
                "NOT_FOUND",
                Some("UNREGISTERED"),
                "Requested entity was not found.",
            );
        }
        if state.invalid.contains(&message.token) {
            return ResponseTemplate::new(400).set_body_json(json!({"error": {
                "code": 400,
                "message": "The registration token is not a valid FCM registration token",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                     "errorCode": "INVALID_ARGUMENT"},
                    {"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "message.token",
                                          "description": "Invalid registration token"}]},
                ],
            }}));
        }
        let name = format!(
            "projects/{}/messages/{}",
            super::fcm::FAKE_PROJECT_ID,
            state.received.len() + 1
        );
        state.received.push(message);
        ResponseTemplate::new(200).set_body_json(json!({"name": name}))
    }
}
