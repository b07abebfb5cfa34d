//! `/api/users/*`.

mod avatar_delete;
mod avatar_get;
mod avatar_upload;
mod delete_me;
mod me;
mod my_groups;
mod password;
mod providers;
mod update_me;

use actix_web::web;

/// Registers the user routes under `/api/users`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me::get_me))
        .route("/me", web::patch().to(update_me::update_me))
        .route("/me", web::delete().to(delete_me::delete_me))
        .route("/me/password", web::post().to(password::change_password))
        .route("/me/providers", web::get().to(providers::providers))
        .route("/me/groups", web::get().to(my_groups::my_groups))
        .route("/me/avatar", web::post().to(avatar_upload::upload_avatar))
        .route("/me/avatar", web::delete().to(avatar_delete::delete_avatar))
        .route("/{user_id}/avatar", web::get().to(avatar_get::get_avatar));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    me::get_me,
    update_me::update_me,
    delete_me::delete_me,
    password::change_password,
    providers::providers,
    my_groups::my_groups,
    avatar_upload::upload_avatar,
    avatar_delete::delete_avatar,
    avatar_get::get_avatar,
))]
pub(crate) struct Api;
