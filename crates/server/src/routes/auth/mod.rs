//! `/api/auth/*`.

mod forgot_password;
mod google;
mod link_google;
mod login;
mod logout;
mod refresh;
mod register;
mod reset_password;
mod unlink;

use actix_web::web;

/// Registers the auth routes under `/api/auth`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::post().to(register::register))
        .route("/login", web::post().to(login::login))
        .route("/google", web::post().to(google::google))
        .route("/refresh", web::post().to(refresh::refresh))
        .route("/logout", web::post().to(logout::logout))
        .route(
            "/forgot-password",
            web::post().to(forgot_password::forgot_password),
        )
        .route(
            "/reset-password",
            web::post().to(reset_password::reset_password),
        )
        .route("/link/google", web::post().to(link_google::link_google))
        .route("/unlink/{provider}", web::delete().to(unlink::unlink));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    register::register,
    login::login,
    google::google,
    refresh::refresh,
    logout::logout,
    forgot_password::forgot_password,
    reset_password::reset_password,
    link_google::link_google,
    unlink::unlink,
))]
pub(crate) struct Api;
