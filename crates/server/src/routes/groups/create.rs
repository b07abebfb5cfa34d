//! `POST /api/groups` → 201 group.

use actix_web::{HttpResponse, web};

use crate::dto::group_fields::GroupExtras;
use crate::dto::groups::{CreateGroupRequest, GroupBody};
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Creates a group with the caller as creator and its first invite code.
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<CreateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0.into_input()?;
    let (group, code) = state.groups.create_group(&user.0, input).await?;
    let extras = GroupExtras::new()
        .invite_code(&code)
        .challenge()
        .visibility();
    Ok(HttpResponse::Created().json(GroupBody::with(group, None, extras)))
}
