//! Cross-origin resource sharing for the web site (see docs/OPERATIONS.md, CORS).
//!
//! - Requests without `Origin` (the app, curl, servers) pass untouched.
//! - A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is
//!   answered `204` here with the allowed methods and headers; from any other origin it is
//!   refused with `403 CORS_ORIGIN_NOT_ALLOWED` and no CORS headers.
//! - Other requests run normally; the response echoes `Access-Control-Allow-Origin` (with
//!   credentials) only when the origin is allowed, so browsers hide it from other sites.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};

use crate::error::ApiError;
use crate::state::AppState;

/// Methods a browser may use cross-origin.
pub const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// Request headers a browser may send cross-origin.
pub const ALLOWED_HEADERS: &str = "Content-Type, Authorization";
/// Response headers scripts may read.
const EXPOSED_HEADERS: &str =
    "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After";
/// How long browsers may cache a preflight answer (seconds).
const MAX_AGE: &str = "600";

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    origins: Vec<String>,
}

impl CorsPolicy {
    /// A policy allowing exactly `origins` (scheme, host and optional port, no path).
    pub fn new(origins: Vec<String>) -> Self {
        Self { origins }
    }

    /// Whether `origin` may call the API.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }
}

fn is_allowed_method(method: &str) -> bool {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(&method)
}

fn allow_origin(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
}

fn vary_origin(headers: &mut HeaderMap) {
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// Applies [`CorsPolicy`] from the application state.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let Some(origin) = origin else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let allowed = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| origin.to_str().is_ok_and(|o| s.cors.allows(o)));
    let requested_method = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .map(|m| m.to_str().unwrap_or("").to_ascii_uppercase());
    if req.method() == Method::OPTIONS
        && let Some(requested) = requested_method
    {
        if !(allowed && is_allowed_method(&requested)) {
            let mut response = ApiError::new(
                StatusCode::FORBIDDEN,
                "CORS_ORIGIN_NOT_ALLOWED",
                "Origin not allowed",
            )
            .error_response();
            vary_origin(response.headers_mut());
            return Ok(req.into_response(response));
        }
        let mut response = HttpResponse::NoContent().finish();
        let headers = response.headers_mut();
        allow_origin(headers, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE),
        );
        vary_origin(headers);
        return Ok(req.into_response(response));
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    if allowed {
        allow_origin(headers, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    vary_origin(headers);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_origins_are_allowed() {
        let policy = CorsPolicy::new(vec!["https://getpursue.app".into()]);
        assert!(policy.allows("https://getpursue.app"));
        assert!(!policy.allows("https://getpursue.app.evil.example"));
        assert!(!policy.allows("http://getpursue.app"));
        assert!(!policy.allows("null"));
    }
}
