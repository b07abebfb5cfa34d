//! `GET /api/groups/:group_id/export-progress/validate-range`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::insights::ExportParams;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;

/// Checks a range against the caller's tier: 200 when valid, else 400 with a flat body
/// (not the error envelope) that the app parses like the 200.
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/export-progress/validate-range",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("start_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD"), ("end_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD, not before start_date")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{valid: true, max_days_allowed, requested_days, subscription_tier}", body = crate::dto::responses::ExportRangeBody),
        (status = 400, description = "VALIDATION_ERROR in the envelope, or the flat body with valid: false and error absolute_maximum_exceeded or date_range_exceeds_tier_limit", body = crate::dto::responses::ExportRangeError),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an active member", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn validate_range(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let range = query.range()?;
    let group = ids::group(&path)?;
    let check = state
        .insights
        .check_export_range(&user.0, group, range)
        .await?;
    let mut body = json!({
        "valid": check.error.is_none(),
        "max_days_allowed": check.max_days_allowed,
        "requested_days": check.requested_days,
        "subscription_tier": check.tier.as_str(),
    });
    Ok(match check.error {
        None => HttpResponse::Ok().json(body),
        Some((error, message)) => {
            crate::dto::goals::merge(&mut body, json!({ "error": error, "message": message }));
            HttpResponse::BadRequest().json(body)
        }
    })
}
