//! `/api/subscriptions/*` (docs/API.md, Subscriptions).

mod cancel;
mod select_group;
mod upgrade;

use actix_web::web;

/// Registers the subscription routes under `/api/subscriptions`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/upgrade", web::post().to(upgrade::upgrade))
        .route("/verify", web::post().to(upgrade::verify))
        .route("/cancel", web::post().to(cancel::cancel))
        .route(
            "/downgrade/select-group",
            web::post().to(select_group::select_group),
        );
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    upgrade::upgrade,
    upgrade::verify,
    cancel::cancel,
    select_group::select_group,
))]
pub(crate) struct Api;
