//! The contract's error envelope and the one place where errors become HTTP responses.
//!
//! `{"error": {"message": str, "code": "UPPER_SNAKE", "details"?: [...], ...extra}}`

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

/// One failed field of a `VALIDATION_ERROR`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    /// Where the problem is: keys and array indices.
    pub path: Vec<PathSegment>,
    /// Human-readable explanation.
    pub message: String,
    /// Machine-readable kind (`invalid_type`, `too_small`, …).
    pub code: String,
}

/// A key or an index in a [`FieldError`] path.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum PathSegment {
    /// Object key.
    Key(String),
    /// Array index.
    Index(usize),
}

impl FieldError {
    /// A problem with the top-level field `field`.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            path: vec![PathSegment::Key(field.to_string())],
            message: message.into(),
            code: code.to_string(),
        }
    }
}

/// An error response in the contract's shape.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<Vec<FieldError>>,
    extra: Map<String, Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            extra: Map::new(),
            retry_after: None,
        }
    }

    /// `400 VALIDATION_ERROR` with field details.
    pub fn validation(message: impl Into<String>, details: Vec<FieldError>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message);
        e.details = Some(details);
        e
    }

    /// The field details (none for an error without them).
    pub fn into_details(self) -> Vec<FieldError> {
        self.details.unwrap_or_default()
    }

    /// `400 VALIDATION_ERROR` for one top-level field.
    pub fn field(field: &str, problem: impl std::fmt::Display) -> Self {
        Self::validation(
            "Invalid request body",
            vec![FieldError::field(field, "invalid", problem.to_string())],
        )
    }

    /// `400` with an endpoint-specific code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// `404 NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// `404 ROUTE_NOT_FOUND`: no route serves this method and path (see docs/API.md,
    /// Unknown routes). Never `NOT_FOUND`, which the app reads as "your account is gone"
    /// under `/users/me`.
    pub fn route_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "ROUTE_NOT_FOUND", "Route not found")
    }

    /// `401 UNAUTHORIZED` (no usable `Authorization` header).
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "Authentication required",
        )
    }

    /// `403 FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    /// `503` while a dependency is unavailable (pool exhausted, database down). An outage
    /// is logged at ERROR once per 10 s (with the count of requests refused meanwhile),
    /// the other refusals at DEBUG, so an outage cannot flood the log.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        match unavailable_log_turn() {
            Some(refused) => {
                tracing::error!(error = %cause, refused_since_last_line = refused, "dependency unavailable")
            }
            None => tracing::debug!(error = %cause, "dependency unavailable"),
        }
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable, please retry",
        )
    }

    /// `500 INTERNAL_ERROR`; the cause is logged (with the request id of the current span)
    /// and never sent to the client.
    pub fn internal(cause: &anyhow::Error) -> Self {
        tracing::error!(error = format!("{cause:#}"), "unexpected error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "An unexpected error occurred",
        )
    }

    /// Adds a key beside `message` and `code` (e.g. `limit`, `current`, `resource`).
    pub fn with_extra(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Sets `Retry-After` (seconds).
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("message".into(), Value::String(self.message.clone()));
        error.insert("code".into(), Value::String(self.code.to_string()));
        if let Some(details) = &self.details {
            error.insert(
                "details".into(),
                serde_json::to_value(details).unwrap_or(Value::Null),
            );
        }
        for (k, v) in &self.extra {
            error.insert(k.clone(), v.clone());
        }
        let mut root = Map::new();
        root.insert("error".into(), Value::Object(error));
        Value::Object(root)
    }

    /// The generic envelope for a status produced by the framework rather than a handler.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => Self::route_not_found(),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "Request body is too large",
            ),
            StatusCode::UNAUTHORIZED => Self::unauthorized(),
            StatusCode::FORBIDDEN => Self::forbidden("Forbidden"),
            StatusCode::TOO_MANY_REQUESTS => Self::new(
                status,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests, please try again later",
            ),
            StatusCode::REQUEST_TIMEOUT => {
                Self::new(status, "REQUEST_TIMEOUT", "Request timed out")
            }
            StatusCode::SERVICE_UNAVAILABLE => Self::new(
                status,
                "SERVICE_UNAVAILABLE",
                "The service is temporarily unavailable, please retry",
            ),
            s if s.is_client_error() => Self::validation("Invalid request", Vec::new()),
            _ => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_ERROR",
                "An unexpected error occurred",
            ),
        }
    }
}

/// `Some(refusals since the last ERROR line)` when this refusal should be logged at ERROR.
fn unavailable_log_turn() -> Option<u64> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_LINE_S: AtomicU64 = AtomicU64::new(0);
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let last = LAST_LINE_S.load(Ordering::Relaxed);
    if now >= last.saturating_add(10)
        && LAST_LINE_S
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        Some(REFUSED.swap(0, Ordering::Relaxed))
    } else {
        REFUSED.fetch_add(1, Ordering::Relaxed);
        None
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        response.json(self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn envelope_shape() {
        let e = ApiError::validation(
            "Invalid request body",
            vec![FieldError::field(
                "email",
                "invalid_string",
                "Invalid email",
            )],
        );
        assert_eq!(
            e.body(),
            serde_json::json!({"error": {"message": "Invalid request body", "code": "VALIDATION_ERROR",
                "details": [{"path": ["email"], "message": "Invalid email", "code": "invalid_string"}]}})
        );
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RESOURCE_LIMIT_EXCEEDED",
            "Too many groups",
        )
        .with_extra("limit", 10)
        .with_extra("current", 10)
        .with_extra("resource", "groups_created");
        assert_eq!(e.body()["error"]["limit"], 10);
        assert!(e.body()["error"].get("details").is_none());
    }

    #[test]
    fn internal_errors_are_opaque() {
        let e = ApiError::internal(&anyhow::anyhow!("password for db is hunter2"));
        let body = e.error_response().into_body().try_into_bytes().unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("hunter2"));
        assert!(text.contains("INTERNAL_ERROR"));
    }

    #[test]
    fn framework_statuses_map_to_contract_codes() {
        assert_eq!(
            ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED).code(),
            "ROUTE_NOT_FOUND"
        );
        assert_eq!(
            ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED).status_code(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE).code(),
            "VALIDATION_ERROR"
        );
        assert_eq!(
            ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE).code(),
            "PAYLOAD_TOO_LARGE"
        );
        assert_eq!(
            ApiError::for_status(StatusCode::BAD_GATEWAY).code(),
            "INTERNAL_ERROR"
        );
    }
}
