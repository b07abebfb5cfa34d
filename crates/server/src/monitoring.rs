//! Prometheus metrics: the process-wide recorder, `GET /metrics`, and the HTTP recording
//! helpers (see docs/OPERATIONS.md, Metrics). The outbox and image-pipeline metrics are
//! recorded by `pursue_runtime::metrics`.
//!
//! Everything records through the `metrics` facade, so any crate can add a metric with
//! `metrics::counter!` / `gauge!` / `histogram!`; the names below are the ones dashboards
//! rely on.

use std::sync::OnceLock;

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use pursue_postgres::PgPool;
use pursue_runtime::config::Secret;
pub use pursue_runtime::metrics::{
    IMAGE_PIPELINE, OUTBOX_BACKLOG, OUTBOX_DELIVERIES, OUTBOX_OLDEST_AGE,
};

/// Requests served, by `method`, `route` (the matched template) and `status` (`2xx`, …).
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// Request latency in seconds, by `method`, `route` and `status`.
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
/// Open connections of the PostgreSQL pool.
pub const DB_POOL_SIZE: &str = "db_pool_connections";
/// Largest pool size allowed (`DB_POOL_SIZE`).
pub const DB_POOL_MAX: &str = "db_pool_max_connections";
/// Connections lent out to requests or the worker.
pub const DB_POOL_IN_USE: &str = "db_pool_in_use";
/// Tasks waiting for a connection.
pub const DB_POOL_WAITING: &str = "db_pool_waiting";
/// Sign-in attempts, by `method` (`password`, `google`) and `outcome`.
pub const SIGN_INS: &str = "sign_in_total";
/// Password-hashing jobs waiting for a hashing thread.
pub const HASH_QUEUE_DEPTH: &str = "password_hash_queue_depth";
/// Seconds a password-hashing job waited before a thread took it.
pub const HASH_WAIT: &str = "password_hash_wait_seconds";

/// Histogram buckets (seconds) shared by every latency metric.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide Prometheus recorder on first use and returns its handle.
pub fn recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by method, route template and status class"
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency"
    );
    describe_gauge!(DB_POOL_SIZE, "open PostgreSQL connections");
    describe_gauge!(DB_POOL_MAX, "maximum PostgreSQL connections");
    describe_gauge!(DB_POOL_IN_USE, "PostgreSQL connections in use");
    describe_gauge!(DB_POOL_WAITING, "tasks waiting for a PostgreSQL connection");
    describe_gauge!(OUTBOX_BACKLOG, "pending outbox rows");
    describe_gauge!(
        OUTBOX_OLDEST_AGE,
        metrics::Unit::Seconds,
        "age of the oldest pending outbox row"
    );
    describe_counter!(
        OUTBOX_DELIVERIES,
        "outbox delivery attempts by topic and outcome"
    );
    describe_histogram!(
        IMAGE_PIPELINE,
        metrics::Unit::Seconds,
        "image processing time per upload"
    );
    describe_counter!(SIGN_INS, "sign-in attempts by method and outcome");
    describe_gauge!(
        HASH_QUEUE_DEPTH,
        "password-hashing jobs waiting for a thread"
    );
    describe_histogram!(
        HASH_WAIT,
        metrics::Unit::Seconds,
        "password-hashing queue wait"
    );
}

/// What `/metrics` needs: the recorder, the optional token, and the pool to sample.
#[derive(Clone)]
pub struct Monitoring {
    handle: PrometheusHandle,
    token: Option<Secret>,
    pool: Option<PgPool>,
}

impl Monitoring {
    /// `/metrics` for `pool`, behind `token` when set.
    pub fn new(token: Option<Secret>, pool: Option<PgPool>) -> Self {
        Self {
            handle: recorder(),
            token,
            pool,
        }
    }

    /// The Prometheus text exposition, with the pool sampled now.
    pub fn render(&self) -> String {
        if let Some(pool) = &self.pool {
            let status = pool.status();
            metrics::gauge!(DB_POOL_SIZE).set(status.size as f64);
            metrics::gauge!(DB_POOL_MAX).set(status.max_size as f64);
            metrics::gauge!(DB_POOL_IN_USE)
                .set(status.size.saturating_sub(status.available) as f64);
            metrics::gauge!(DB_POOL_WAITING).set(status.waiting as f64);
        }
        self.handle.run_upkeep();
        self.handle.render()
    }

    fn authorized(&self, req: &HttpRequest) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        req.headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.as_bytes(), token.expose().as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics`: Prometheus text format; `401` without the `METRICS_TOKEN` bearer token
/// when one is configured.
pub async fn metrics_endpoint(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !state.monitoring.authorized(&req) {
        return Err(ApiError::unauthorized());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.monitoring.render()))
}

/// The status class label of `status` (`2xx`, `4xx`, …).
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Records one sign-in attempt (`method`: `password` or `google`) from its HTTP status.
pub fn record_sign_in(method: &'static str, status: u16) {
    let outcome = match status {
        200..=299 => "success",
        401 | 403 => "rejected",
        429 => "rate_limited",
        400..=499 => "invalid",
        _ => "error",
    };
    metrics::counter!(SIGN_INS, "method" => method, "outcome" => outcome).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert_eq!(status_class(204), "2xx");
        assert_eq!(status_class(404), "4xx");
        assert_eq!(status_class(503), "5xx");
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
