//! `POST /api/nudges` (see docs/API.md, Nudges).

mod send;

use actix_web::web;

/// Registers the nudge route under `/api/nudges`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::post().to(send::send));
}
