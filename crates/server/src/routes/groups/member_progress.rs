//! `GET /api/groups/:group_id/members/:user_id/progress`.

use actix_web::{HttpResponse, web};

use crate::dto::insights::{HistoryParams, history_body};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// One member's goal summaries and log over a range (active members only).
pub async fn member_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.resolve()?;
    let (group, target) = path.into_inner();
    let group = ids::group(&group)?;
    let target = ids::user(&target)?;
    let history = state
        .insights
        .member_history(&user.0, group, target, query)
        .await?;
    Ok(HttpResponse::Ok().json(history_body(history, query.range)))
}
