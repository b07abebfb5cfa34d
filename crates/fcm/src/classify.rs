//! Classification of FCM HTTP v1 error responses into [`PushError`]s.
//!
//! FCM answers errors with `{"error": {"code", "message", "status", "details": [
//! {"@type": "…FcmError", "errorCode": "UNREGISTERED"}, {"@type": "…BadRequest",
//! "fieldViolations": [{"field": "message.token", …}]}]}}`. The `errorCode` in the details
//! is the most specific signal, then the canonical `status`, then the HTTP status.

use std::time::Duration;

use pursue_ports::push::PushError;
use serde::Deserialize;

/// Longest reason kept from an error body.
const MAX_REASON: usize = 200;

/// What an FCM error response says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FcmFailure {
    /// HTTP status.
    pub http: u16,
    /// The most specific error code (`errorCode`, else `status`), if any.
    pub code: Option<String>,
    /// FCM's message.
    pub message: String,
    /// Whether a field violation or the message blames the registration token.
    pub blames_token: bool,
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    message: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    details: Vec<Detail>,
}

#[derive(Deserialize)]
struct Detail {
    #[serde(rename = "errorCode", default)]
    error_code: Option<String>,
    #[serde(rename = "fieldViolations", default)]
    field_violations: Vec<FieldViolation>,
}

#[derive(Deserialize)]
struct FieldViolation {
    #[serde(default)]
    field: String,
}

impl FcmFailure {
    /// Reads an error response; a body that is not FCM's JSON still yields the status.
    pub fn parse(http: u16, body: &str) -> Self {
        let Ok(Envelope { error }) = serde_json::from_str::<Envelope>(body) else {
            return FcmFailure {
                http,
                code: None,
                message: truncate(body.trim()),
                blames_token: false,
            };
        };
        let code = error
            .details
            .iter()
            .find_map(|d| d.error_code.clone())
            .or(error.status)
            .filter(|code| !code.is_empty());
        let violation = error
            .details
            .iter()
            .flat_map(|d| &d.field_violations)
            .any(|v| v.field == "message.token");
        let blames_token = violation
            || error
                .message
                .to_ascii_lowercase()
                .contains("registration token");
        FcmFailure {
            http,
            code,
            message: truncate(&error.message),
            blames_token,
        }
    }

    /// Whether a fresh access token may fix the call (401 that is not about a third
    /// party's credentials, i.e. APNs or web push).
    pub fn wants_new_access_token(&self) -> bool {
        self.http == 401 && self.code.as_deref() != Some("THIRD_PARTY_AUTH_ERROR")
    }

    /// The error to report; `retry_after` comes from the `Retry-After` header.
    pub fn into_error(self, retry_after: Option<Duration>) -> PushError {
        let reason = self.reason();
        let code = self.code.as_deref().unwrap_or_default();
        match (self.http, code) {
            (_, "UNREGISTERED") | (404, "NOT_FOUND") => PushError::InvalidToken(reason),
            (400, "INVALID_ARGUMENT") | (400, "") if self.blames_token => {
                PushError::InvalidToken(reason)
            }
            (429, _)
            | (_, "QUOTA_EXCEEDED" | "RESOURCE_EXHAUSTED" | "UNAVAILABLE" | "INTERNAL") => {
                PushError::Retryable {
                    retry_after,
                    reason,
                }
            }
            (408, _) | (500..=599, _) => PushError::Retryable {
                retry_after,
                reason,
            },
            (401, _) if self.wants_new_access_token() => PushError::Unexpected(anyhow::anyhow!(
                "FCM refused a freshly issued access token: {reason}"
            )),
            // A 404 that is not FCM's answer (wrong FCM_BASE_URL, a proxy) must never delete
            // devices.
            (404, _) => PushError::Unexpected(anyhow::anyhow!(
                "FCM endpoint not found (check FCM_BASE_URL and FCM_PROJECT_ID): {reason}"
            )),
            // SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR, PERMISSION_DENIED, payload errors:
            // the message cannot be delivered, but the device may be fine.
            (400..=499, _) => PushError::Rejected(reason),
            _ => PushError::Unexpected(anyhow::anyhow!("unexpected FCM response: {reason}")),
        }
    }

    fn reason(&self) -> String {
        match &self.code {
            Some(code) if self.message.is_empty() => format!("HTTP {} {code}", self.http),
            Some(code) => format!("HTTP {} {code}: {}", self.http, self.message),
            None if self.message.is_empty() => format!("HTTP {}", self.http),
            None => format!("HTTP {}: {}", self.http, self.message),
        }
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date.
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = date.with_timezone(&chrono::Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_REASON) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
