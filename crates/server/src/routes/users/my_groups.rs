//! `GET /api/users/me/groups`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::groups::MyGroupBody;
use crate::dto::query::PageQuery;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// One page of the caller's groups with their role and `is_read_only`, newest membership
/// first.
#[utoipa::path(
    get,
    path = "/api/users/me/groups",
    tag = "users",
    params(("limit" = Option<i64>, Query, description = "1 or more, default 50; above 100 counts as 100", minimum = 1), ("offset" = Option<i64>, Query, description = "default 0", minimum = 0)),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::MyGroupsBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn my_groups(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = query.resolve()?;
    let (groups, total) = state.groups.my_groups(&user.0, limit, offset).await?;
    let sub = state.subscriptions.state(user.0.id).await?;
    let groups: Vec<MyGroupBody> = groups
        .into_iter()
        .map(|g| {
            let read_only = sub.is_read_only(g.group.id.as_uuid());
            let mut body = MyGroupBody::from(g);
            body.extras.insert(
                "is_read_only".to_owned(),
                serde_json::Value::Bool(read_only),
            );
            body
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "groups": groups, "total": total })))
}
