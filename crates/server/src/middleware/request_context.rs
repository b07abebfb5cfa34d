//! Request id, tracing span and the access log line of every request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::extract::{REQUEST_ID_HEADER, RequestId};

/// Requests slower than this are logged at `warn`.
const SLOW_REQUEST_MS: u128 = 1000;

/// Assigns the request id, runs the request inside a span carrying it, echoes it in
/// `X-Request-Id` and writes one access-log line (method, route template, status, latency).
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(RequestId::from_header)
        .unwrap_or_else(RequestId::generate);
    req.extensions_mut().insert(request_id.clone());
    let method = req.method().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id.0,
        method = %method,
        user_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let route = response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "<unmatched>".into());
            if let Ok(value) = HeaderValue::from_str(&request_id.0) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            let _enter = span.enter();
            if elapsed.as_millis() > SLOW_REQUEST_MS {
                tracing::warn!(route, status, latency_ms, "slow request");
            } else {
                tracing::info!(route, status, latency_ms, "request");
            }
            Ok(response)
        }
        Err(error) => {
            let _enter = span.enter();
            tracing::error!(latency_ms, error = %error, "request failed");
            Err(error)
        }
    }
}
