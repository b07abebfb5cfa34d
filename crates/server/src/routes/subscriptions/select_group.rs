//! `POST /api/subscriptions/downgrade/select-group`: the group that stays writable.

use actix_web::{HttpResponse, web};
use chrono::{Duration, SecondsFormat};
use pursue_domain::ids::GroupId;
use pursue_domain::subscription_state::READ_ONLY_DAYS;
use pursue_ports::subscription_store::SelectOutcome;
use serde_json::json;

use crate::dto::subscriptions::SelectGroupRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Records the kept group; the others turn read-only for 30 days.
#[utoipa::path(
    post,
    path = "/api/subscriptions/downgrade/select-group",
    tag = "subscriptions",
    request_body = SelectGroupRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{status, kept_group, removed_groups, read_only_access_until}", body = crate::dto::responses::SelectedGroupBody),
        (status = 400, description = "VALIDATION_ERROR, INVALID_STATE, INVALID_GROUP", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn select_group(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<SelectGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let keep = GroupId::try_from(body.0)?;
    let outcome = state.subscriptions.select_group(user.0.id, keep).await?;
    let SelectOutcome::Selected {
        kept,
        removed,
        downgrade_date,
    } = outcome
    else {
        return Err(ApiError::bad_request(
            "INVALID_GROUP",
            "You are not an active member of this group",
        ));
    };
    let removed: Vec<_> = removed
        .into_iter()
        .map(|g| json!({"id": g.id, "name": g.name.as_str()}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "status": "success",
        "kept_group": {"id": kept.id, "name": kept.name.as_str()},
        "removed_groups": removed,
        "read_only_access_until": (downgrade_date + Duration::days(READ_ONLY_DAYS))
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    })))
}
