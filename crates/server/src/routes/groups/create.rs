//! `POST /api/groups` → 201 group.

use actix_web::{HttpResponse, web};
use pursue_app::groups::CreateGroup;

use crate::dto::group_fields::GroupExtras;
use crate::dto::groups::{CreateGroupRequest, GroupBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Creates a group with the caller as creator and its first invite code; the
/// subscription's group limit comes before the caps (`403 GROUP_LIMIT_REACHED`).
#[utoipa::path(
    post,
    path = "/api/groups",
    tag = "groups",
    request_body = CreateGroupRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Success", body = crate::dto::groups::GroupBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<CreateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = CreateGroup::try_from(body.0)?;
    state
        .subscriptions
        .check_group_limit(
            user.0.id,
            pursue_app::subscriptions::GroupLimitAction::Create,
        )
        .await?
        .map_err(crate::error_map::group_limit_error)?;
    let (group, code) = state.groups.create_group(&user.0, input).await?;
    let extras = GroupExtras::new()
        .invite_code(&code)
        .challenge()
        .visibility();
    Ok(HttpResponse::Created().json(GroupBody::with(group, None, extras)))
}
