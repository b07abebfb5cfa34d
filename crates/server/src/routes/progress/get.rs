//! `GET /api/progress/:entry_id`.

use actix_web::{HttpResponse, web};

use crate::dto::goals::EntryBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// An entry (its owner or any member of its group).
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::entry(&path)?;
    let entry = state.progress.get_entry(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(EntryBody::from(entry)))
}
