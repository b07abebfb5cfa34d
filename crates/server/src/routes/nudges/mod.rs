//! `POST /api/nudges` (see docs/API.md, Nudges).

mod send;

use actix_web::web;

/// Registers the nudge route under `/api/nudges`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::post().to(send::send));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(send::send,))]
pub(crate) struct Api;
