//! `/api/devices/*` (docs/API.md, Devices).

mod delete;
mod list;
mod register;

use actix_web::web;

/// Registers the device routes under `/api/devices`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list::list))
        .route("/register", web::post().to(register::register))
        .route("/{device_id}", web::delete().to(delete::delete));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list::list, register::register, delete::delete,))]
pub(crate) struct Api;
