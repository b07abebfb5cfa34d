//! The per-request deadline and the drain signal (see docs/SECURITY.md, "Faults").
//!
//! - Every request — reading its body included, since extractors run inside the handler —
//!   must answer within `REQUEST_TIMEOUT_SECS` (30 s). Past it the handler is dropped, which
//!   drops any open transaction uncommitted (its connection is discarded by the pool, so
//!   PostgreSQL rolls it back), and the client gets `503 SERVICE_UNAVAILABLE`.
//! - Once shutdown starts, every response carries `Connection: close`, so kept-alive
//!   clients reconnect elsewhere instead of hitting a closed socket.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

use crate::error::ApiError;
use crate::state::AppState;

/// Longest time one request may take; registered as app data (30 s when absent).
#[derive(Debug, Clone, Copy)]
pub struct RequestDeadline(pub Duration);

impl Default for RequestDeadline {
    fn default() -> Self {
        Self(Duration::from_secs(30))
    }
}

/// The deadline passed: `503 SERVICE_UNAVAILABLE` in the envelope, connection closed (the
/// request body may be unread). Raised as an error because the request itself went with
/// the abandoned handler.
#[derive(Debug)]
struct TimedOut;

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request outlived its deadline")
    }
}

impl ResponseError for TimedOut {
    fn status_code(&self) -> StatusCode {
        StatusCode::SERVICE_UNAVAILABLE
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "The request took too long, please retry",
        )
        .with_retry_after(1)
        .error_response();
        response
            .head_mut()
            .set_connection_type(ConnectionType::Close);
        response
    }
}

/// Answers `503` when the request outlives its deadline; adds `Connection: close` while
/// the server drains.
pub async fn request_deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limit = req
        .app_data::<web::Data<RequestDeadline>>()
        .map(|d| d.0)
        .unwrap_or_else(|| RequestDeadline::default().0);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    // No clone of the request may outlive this point: the router needs it unshared.
    let (method, path) = (req.method().clone(), req.path().to_owned());
    let Ok(result) = tokio::time::timeout(limit, next.call(req)).await else {
        tracing::warn!(
            timeout_s = limit.as_secs_f64(),
            %method,
            path,
            "request timed out; its work was abandoned"
        );
        return Err(TimedOut.into());
    };
    let mut response = result?.map_into_boxed_body();
    if state.is_some_and(|s| s.is_draining()) {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}
