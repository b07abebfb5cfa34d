//! `GET /health` (docs/OPERATIONS.md, Probes).

use actix_web::{HttpResponse, web};
use chrono::{SecondsFormat, Utc};
use pursue_app::health::DatabaseStatus;
use serde_json::json;

use crate::state::AppState;

/// Resident memory above which `memory` reports `warning` (still 200).
const MEMORY_WARNING_MB: u64 = 900;

/// Probes the database and reports process health; 503 when the database is unavailable.
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses((status = 200, description = "Success", body = crate::dto::responses::HealthBody), (status = 503, description = "Unhealthy or not ready"))
)]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let database = state.health.database().await;
    let memory_mb = resident_memory_mb();
    let memory = if memory_mb >= MEMORY_WARNING_MB {
        "warning"
    } else {
        "healthy"
    };
    let timestamp = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let uptime = state.started.elapsed().as_secs_f64();
    let mode = |enabled: bool| if enabled { "enabled" } else { "disabled" };
    let push = mode(state.deliveries.push);
    let email = mode(state.deliveries.email);
    match database {
        DatabaseStatus::Healthy { latency } => HttpResponse::Ok().json(json!({
            "status": "healthy",
            "timestamp": timestamp,
            "uptime": uptime,
            "checks": {
                "database": "healthy",
                "database_latency_ms": latency.as_millis() as u64,
                "memory": memory,
                "memory_usage_mb": memory_mb,
                "push": push,
                "email": email,
            }
        })),
        DatabaseStatus::Unhealthy { reason } => {
            tracing::warn!(reason, "health check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unhealthy",
                "timestamp": timestamp,
                "uptime": uptime,
                "checks": {
                    "database": "unhealthy",
                    "memory": memory,
                    "memory_usage_mb": memory_mb,
                    "push": push,
                    "email": email,
                },
                "error": "Database connection failed",
            }))
        }
    }
}

/// Resident set size of this process in MiB (0 when /proc is unavailable).
fn resident_memory_mb() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .unwrap_or(0);
    let page_size = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .and_then(|v| u64::try_from(v).ok())
        .unwrap_or(4096);
    pages * page_size / (1024 * 1024)
}
