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
    // The template is known before routing (from the resource map), so the span is named
    // after it from the start: exported span names cannot change once the span started.
    let template = req
        .match_pattern()
        .unwrap_or_else(|| crate::middleware::UNMATCHED_ROUTE.into());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id.0,
        method = %method,
        user_id = tracing::field::Empty,
        trace_id = tracing::field::Empty,
        otel.name = %format!("{method} {template}"),
        otel.kind = "server",
        http.route = %template,
        http.response.status_code = tracing::field::Empty,
    );
    if let Some(trace_id) = crate::telemetry::continue_trace(&span, req.headers()) {
        span.record("trace_id", trace_id);
    }
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
            span.record("http.response.status_code", status);
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
