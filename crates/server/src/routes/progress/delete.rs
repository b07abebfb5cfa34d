//! `DELETE /api/progress/:entry_id` → 204.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Deletes an entry (owner only).
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::entry(&path)?;
    state.progress.delete_entry(&user.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
