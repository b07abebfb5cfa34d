//! `GET /api/groups/:group_id/export-progress` → the `.xlsx` workbook.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use pursue_app::insights::file_name;
use pursue_domain::period::{Timezone, check_not_future};

use crate::dto::insights::ExportParams;
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::routes::ids;
use crate::state::AppState;
use crate::xlsx;

/// The workbook's media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Longest export in days.
const MAX_DAYS: i64 = 730;

/// One sheet per active member with goal completion over the range (active members;
/// 10 per hour per user).
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/export-progress",
    tag = "groups",
    params(("group_id" = uuid::Uuid, Path), ("start_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD"), ("end_date" = chrono::NaiveDate, Query, description = "YYYY-MM-DD, not before start_date, not after today"), ("user_timezone" = String, Query, description = "IANA zone", min_length = 1, max_length = 50)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The .xlsx workbook as an attachment", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = crate::dto::responses::Binary),
        (status = 400, description = "VALIDATION_ERROR", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = 403, description = "FORBIDDEN: not an active member; SUBSCRIPTION_REQUIRED: over the tier maximum", body = crate::openapi::ErrorBody),
        (status = 404, description = "NOT_FOUND: unknown group", body = crate::openapi::ErrorBody),
        (status = 429, description = "EXPORT_RATE_LIMIT_EXCEEDED: 10 per hour", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn export(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    query: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    if let Some(limits) = &state.limits {
        limits.check_export(&user.0.id.to_string()).await?;
    }
    let range = query.range()?;
    let zone_name = query
        .user_timezone
        .as_deref()
        .ok_or_else(|| ApiError::field("user_timezone", "Required"))?;
    let zone = Timezone::parse(zone_name).map_err(|e| ApiError::field("user_timezone", e))?;
    check_not_future(range.end(), zone.tz(), Utc::now())
        .map_err(|e| ApiError::field("end_date", e))?;
    if range.len_days() > MAX_DAYS {
        return Err(ApiError::field(
            "end_date",
            "Export range cannot exceed 24 months.",
        ));
    }
    let group = ids::group(&path)?;
    let report = state.insights.export_report(&user.0, group, range).await?;
    let bytes = xlsx::workbook(&report).map_err(|e| ApiError::internal(&e))?;
    state.insights.record_export(&user.0, group, range).await?;
    let name = file_name(&report.group_name, range.start(), range.end());
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, XLSX))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
