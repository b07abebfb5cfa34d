//! `GET /api/progress/:entry_id`.

use actix_web::{HttpResponse, web};

use crate::dto::goals::EntryBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// An entry (its owner or any member of its group).
#[utoipa::path(
    get,
    path = "/api/progress/{entry_id}",
    tag = "progress",
    params(("entry_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::goals::EntryBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::entry(&path)?;
    let entry = state.progress.get_entry(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(EntryBody::from(entry)))
}
