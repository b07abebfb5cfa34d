//! HTTP middleware: request context and access log, the catch-all error envelope, and
//! security headers.

mod cors;
mod deadline;
mod envelope;
mod http_metrics;
mod rate_limit;
mod request_context;

pub use cors::{CorsPolicy, cors};
pub use deadline::{RequestDeadline, request_deadline};
pub use http_metrics::{UNMATCHED_ROUTE, http_metrics};

pub use envelope::{RawBody, json_errors};
pub use rate_limit::{
    Decision, LimitStore, Limiter, MemoryStore, RateLimits, RedisStore, Spend, client_ip,
    rate_limits,
};
pub use request_context::request_context;

use actix_web::middleware::DefaultHeaders;

/// Security headers (docs/API.md, CORS) on every response.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains; preload",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("Content-Security-Policy", "default-src 'self'"))
}
