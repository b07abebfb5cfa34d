//! `/api/notifications` (see docs/API.md, Notifications).

mod delete;
mod list;
mod mark_all;
mod mark_read;
mod unread;

use actix_web::web;

/// Registers the inbox routes under `/api/notifications`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list::list))
        .route("/unread-count", web::get().to(unread::unread))
        .route("/mark-all-read", web::post().to(mark_all::mark_all))
        .route("/{id}/read", web::patch().to(mark_read::mark_read))
        .route("/{id}", web::delete().to(delete::delete));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list::list,
    unread::unread,
    mark_all::mark_all,
    mark_read::mark_read,
    delete::delete,
))]
pub(crate) struct Api;
