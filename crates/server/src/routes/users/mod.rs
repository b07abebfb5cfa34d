//! `/api/users/*`.

mod avatar_delete;
mod avatar_get;
mod avatar_upload;
mod consents;
mod data;
mod delete_me;
mod me;
mod my_groups;
mod password;
mod progress;
mod providers;
mod subscription;
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
        .route("/me/progress", web::get().to(progress::my_progress))
        .route("/me/consents", web::get().to(consents::list))
        .route("/me/consents", web::post().to(consents::record))
        .route("/me/consents/status", web::get().to(consents::status))
        .route("/me/data", web::get().to(data::export))
        .route("/me/subscription", web::get().to(subscription::get))
        .route(
            "/me/subscription/eligibility",
            web::get().to(subscription::eligibility),
        )
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
    progress::my_progress,
    consents::list,
    consents::record,
    consents::status,
    data::export,
    subscription::get,
    subscription::eligibility,
))]
pub(crate) struct Api;
