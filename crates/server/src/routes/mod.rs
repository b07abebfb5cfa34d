//! Route table. One handler per file; handlers parse, call a use case, and shape JSON.

pub(crate) mod activities;
mod auth;
mod devices;
mod goals;
mod groups;
mod health;
pub(crate) mod ids;
mod notifications;
mod nudges;
mod picture;
mod progress;
mod ready;
mod subscriptions;
mod users;

use actix_web::{HttpResponse, web};

use crate::error::ApiError;

/// OpenAPI entries of `/health` and `/ready`: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(health::health, ready::ready,))]
pub(crate) struct Api;

/// The OpenAPI document of every route, merged from each module's `Api`.
pub(crate) fn api_doc() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = Api::openapi();
    for part in [
        auth::Api::openapi(),
        users::Api::openapi(),
        groups::Api::openapi(),
        goals::Api::openapi(),
        progress::Api::openapi(),
        devices::Api::openapi(),
        subscriptions::Api::openapi(),
        activities::Api::openapi(),
        nudges::Api::openapi(),
        notifications::Api::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::openapi::configure)
        .route("/health", web::get().to(health::health))
        .route("/ready", web::get().to(ready::ready))
        .service(web::scope("/api/auth").configure(auth::configure))
        .service(web::scope("/api/users").configure(users::configure))
        .service(web::scope("/api/groups").configure(groups::configure))
        .service(web::scope("/api/goals").configure(goals::configure))
        .service(web::scope("/api/progress").configure(progress::configure))
        .service(web::scope("/api/devices").configure(devices::configure))
        .service(web::scope("/api/subscriptions").configure(subscriptions::configure))
        .service(web::scope("/api/activities").configure(activities::configure))
        .service(web::scope("/api/nudges").configure(nudges::configure))
        .service(web::scope("/api/notifications").configure(notifications::configure));
}

/// Fallback for unknown routes: `404 ROUTE_NOT_FOUND` in the envelope.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::route_not_found())
}
