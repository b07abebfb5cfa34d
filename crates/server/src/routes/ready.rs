//! `GET /ready`: 200 `OK` while serving, 503 `NOT READY` while draining or when the
//! database is unavailable (plain text, for load balancers).

use actix_web::{HttpResponse, web};

use crate::middleware::RawBody;
use crate::state::AppState;

/// Readiness for load balancers and orchestrators.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "health",
    responses((status = 200, description = "Success", content_type = "text/plain", body = String), (status = 503, description = "Unhealthy or not ready"))
)]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let ready = !state.is_draining() && state.readiness.database().await.is_healthy();
    let mut response = if ready {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("OK")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("NOT READY")
    };
    response.extensions_mut().insert(RawBody);
    response
}
