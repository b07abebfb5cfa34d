//! `/api/activities/:id/reactions` (see docs/API.md, Reactions).

mod delete_reaction;
mod list_reactions;
mod put_reaction;

use actix_web::web;
use uuid::Uuid;

use crate::error::ApiError;

/// Registers the reaction routes under `/api/activities`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/{activity_id}/reactions",
        web::put().to(put_reaction::put_reaction),
    )
    .route(
        "/{activity_id}/reactions",
        web::delete().to(delete_reaction::delete_reaction),
    )
    .route(
        "/{activity_id}/reactions",
        web::get().to(list_reactions::list_reactions),
    );
}

/// A hyphenated UUID path id; anything else is 404 `NOT_FOUND`.
pub(crate) fn path_uuid(s: &str) -> Result<Uuid, ApiError> {
    pursue_domain::ids::UserId::parse(s)
        .map(|id| id.as_uuid())
        .ok_or_else(|| ApiError::not_found("Resource not found"))
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    put_reaction::put_reaction,
    delete_reaction::delete_reaction,
    list_reactions::list_reactions,
))]
pub(crate) struct Api;
