//! `/api/groups/*`.

mod activity;
mod approve;
mod change_role;
mod create;
mod create_goal;
mod decline;
mod delete;
mod export;
mod export_range;
mod get;
mod icon_delete;
mod icon_get;
mod icon_upload;
mod invite;
mod join;
mod leave;
mod list_goals;
mod member_progress;
mod members;
mod nudges_sent_today;
mod pending;
mod regenerate_invite;
mod remove_member;
mod update;

use actix_web::web;

/// Registers the group routes under `/api/groups`. Everything below `/{group_id}` sits in
/// one dynamic scope, so a request matches the id pattern once and then plain suffixes
/// (a flat table of two dozen `/{group_id}/…` patterns cost every request one regular
/// expression per pattern tried; docs/BENCHMARKS.md, Feed with reactions).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::post().to(create::create))
        .route("/join", web::post().to(join::join))
        .service(web::scope("/{group_id}").configure(one_group));
}

/// The routes of one group, under `/api/groups/{group_id}` (`/members/me` and
/// `/members/pending` before `/members/{user_id}`).
fn one_group(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(get::get))
        .route("", web::patch().to(update::update))
        .route("", web::delete().to(delete::delete))
        .route("/members", web::get().to(members::members))
        .route("/members/me", web::delete().to(leave::leave))
        .route("/members/pending", web::get().to(pending::pending))
        .route(
            "/members/{user_id}/approve",
            web::post().to(approve::approve),
        )
        .route(
            "/members/{user_id}/decline",
            web::post().to(decline::decline),
        )
        .route(
            "/members/{user_id}/progress",
            web::get().to(member_progress::member_progress),
        )
        .route(
            "/export-progress/validate-range",
            web::get().to(export_range::validate_range),
        )
        .route("/export-progress", web::get().to(export::export))
        .route(
            "/members/{user_id}",
            web::patch().to(change_role::change_role),
        )
        .route(
            "/members/{user_id}",
            web::delete().to(remove_member::remove_member),
        )
        .route("/invite", web::get().to(invite::invite))
        .route(
            "/invite/regenerate",
            web::post().to(regenerate_invite::regenerate),
        )
        .route("/activity", web::get().to(activity::activity))
        .route(
            "/nudges/sent-today",
            web::get().to(nudges_sent_today::sent_today),
        )
        .route("/goals", web::post().to(create_goal::create_goal))
        .route("/goals", web::get().to(list_goals::list_goals))
        .route("/icon", web::patch().to(icon_upload::upload_icon))
        .route("/icon", web::delete().to(icon_delete::delete_icon))
        .route("/icon", web::get().to(icon_get::get_icon));
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create::create,
    join::join,
    get::get,
    update::update,
    delete::delete,
    members::members,
    leave::leave,
    change_role::change_role,
    remove_member::remove_member,
    activity::activity,
    create_goal::create_goal,
    list_goals::list_goals,
    icon_upload::upload_icon,
    icon_delete::delete_icon,
    icon_get::get_icon,
    pending::pending,
    approve::approve,
    decline::decline,
    member_progress::member_progress,
    export_range::validate_range,
    export::export,
    invite::invite,
    regenerate_invite::regenerate,
    nudges_sent_today::sent_today,
))]
pub(crate) struct Api;
