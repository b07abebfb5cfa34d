//! `GET /api/users/me/progress`.

use actix_web::{HttpResponse, web};

use crate::dto::insights::{MyProgressParams, my_progress_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Streaks, the week, the heatmap and per-goal breakdowns over the caller's goals.
#[utoipa::path(
    get,
    path = "/api/users/me/progress",
    tag = "users",
    params(("start_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD, default today - 29"), ("end_date" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD, default today"), ("user_timezone" = Option<String>, Query, description = "IANA zone", min_length = 1, max_length = 50)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{streak, weekly_activity, heatmap, goal_breakdown, ...}", body = crate::dto::responses::MyProgressBody),
        (status = 400, description = "VALIDATION_ERROR: bad dates or over 90 days", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn my_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<MyProgressParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.resolve()?;
    let progress = state.insights.my_progress(&user.0, query).await?;
    Ok(HttpResponse::Ok().json(my_progress_body(progress)))
}
