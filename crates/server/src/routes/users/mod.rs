//! `/api/users/*`.

mod me;

use actix_web::web;

/// Registers the user routes under `/api/users`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me::get_me));
}
