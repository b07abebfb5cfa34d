//! `/api/auth/*`.

mod login;
mod register;

use actix_web::web;

/// Registers the auth routes under `/api/auth`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::post().to(register::register))
        .route("/login", web::post().to(login::login));
}
