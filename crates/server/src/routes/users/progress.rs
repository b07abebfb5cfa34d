//! `GET /api/users/me/progress`.

use actix_web::{HttpResponse, web};

use crate::dto::insights::{MyProgressParams, my_progress_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Streaks, the week, the heatmap and per-goal breakdowns over the caller's goals.
pub async fn my_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<MyProgressParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.resolve()?;
    let progress = state.insights.my_progress(&user.0, query).await?;
    Ok(HttpResponse::Ok().json(my_progress_body(progress)))
}
