//! Counts and times every request by method, route template and status class (see
//! docs/OPERATIONS.md, Metrics). The route label is the matched pattern, never the raw
//! path, so ids do not explode the series count.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

use crate::monitoring::{HTTP_DURATION, HTTP_REQUESTS, record_sign_in, status_class};

/// Label for requests no route matched.
pub const UNMATCHED_ROUTE: &str = "<unmatched>";

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Records `http_requests_total` and `http_request_duration_seconds`, and sign-in outcomes.
pub async fn http_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let response = next.call(req).await?;
    let status = response.status().as_u16();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    if method == "POST" {
        match route.as_str() {
            "/api/auth/login" => record_sign_in("password", status),
            "/api/auth/google" => record_sign_in("google", status),
            _ => {}
        }
    }
    let class = status_class(status);
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => class)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route, "status" => class)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}
