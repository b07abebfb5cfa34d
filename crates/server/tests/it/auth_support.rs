//! Request helpers shared by the account tests (anonymous calls, raw session bodies).

use crate::app::TestApp;
use serde_json::{Value, json};

pub use crate::support::call;

/// `POST` without a token.
pub async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    call(app, reqwest::Method::POST, path, None, Some(body)).await
}

/// Registers `email` with password `Secret123`; returns the session body.
pub async fn register(app: &TestApp, email: &str) -> Value {
    let (status, body) = post(
        app,
        "/api/auth/register",
        json!({"email": email, "password": "Secret123", "display_name": "Ann", "date_of_birth": "1990-01-01", "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

/// The `error.code` of a body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// `token` field of a body as `&str`.
pub fn s<'a>(body: &'a Value, key: &str) -> &'a str {
    body[key].as_str().unwrap()
}
