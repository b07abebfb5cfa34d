//! `POST /api/groups` → 201 group.

use actix_web::{HttpResponse, web};

use crate::dto::groups::{CreateGroupRequest, GroupBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Creates a group with the caller as creator.
#[utoipa::path(
    post,
    path = "/api/groups",
    tag = "groups",
    request_body = CreateGroupRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<CreateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0.into_input()?;
    let group = state.groups.create_group(&user.0, input).await?;
    Ok(HttpResponse::Created().json(GroupBody::new(group, None)))
}
