//! `DELETE /api/groups/:group_id/icon`.

use actix_web::{HttpResponse, web};

use crate::dto::groups::IconBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Removes the group's icon image, keeping emoji and colour (admin or creator; idempotent).
pub async fn delete_icon(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let icon = state.images.delete_icon(&user.0, id).await?;
    Ok(HttpResponse::Ok().json(IconBody::from(icon)))
}
