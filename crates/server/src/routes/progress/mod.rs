//! `/api/progress/*`.

mod delete;
mod get;
mod log;

use actix_web::web;

/// Registers the progress routes under `/api/progress`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::post().to(log::log))
        .route("/{entry_id}", web::get().to(get::get))
        .route("/{entry_id}", web::delete().to(delete::delete));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(log::log, get::get, delete::delete,))]
pub(crate) struct Api;
