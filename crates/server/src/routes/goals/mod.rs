//! `/api/goals/*`.

mod archive;
mod get;
mod my_progress;
mod progress;
mod update;

use actix_web::web;

/// Registers the goal routes under `/api/goals`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{goal_id}", web::get().to(get::get))
        .route("/{goal_id}", web::patch().to(update::update))
        .route("/{goal_id}", web::delete().to(archive::archive))
        .route("/{goal_id}/progress", web::get().to(progress::progress))
        .route(
            "/{goal_id}/progress/me",
            web::get().to(my_progress::my_progress),
        );
}

/// Parses an optional `YYYY-MM-DD` query value (`400` when malformed).
pub(crate) fn query_date(
    field: &str,
    value: Option<&str>,
) -> Result<Option<chrono::NaiveDate>, crate::error::ApiError> {
    value
        .map(|v| {
            pursue_domain::period::UserDate::parse(v)
                .map(|d| d.date())
                .map_err(|e| crate::error::ApiError::field(field, e))
        })
        .transpose()
}

/// OpenAPI entries of these routes: one `#[utoipa::path]` per handler, listed here (see
/// docs/API.md, OpenAPI).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get::get,
    update::update,
    archive::archive,
    progress::progress,
    my_progress::my_progress,
))]
pub(crate) struct Api;
