//! `GET /api/groups/:group_id/members`.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use crate::dto::goals::merge;
use crate::dto::groups::MemberBody;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// The active members, creator first, each with `logged_this_period` / `last_log_at`
/// (members only).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/members",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::MembersBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn members(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = ids::group(&path)?;
    let members: Vec<Value> = state
        .insights
        .members(&user.0, id)
        .await?
        .into_iter()
        .map(|p| {
            let mut body = json!(MemberBody::from(p.member));
            merge(
                &mut body,
                json!({
                    "logged_this_period": p.last_log_at.is_some(),
                    "last_log_at": p.last_log_at,
                }),
            );
            body
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "members": members })))
}
