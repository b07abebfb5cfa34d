//! `GET /api/notifications?limit=&before_id=` → 200 `{notifications, unread_count, has_more}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::social::{InboxQuery, NotificationBody};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// One page of the caller's inbox, newest first.
#[utoipa::path(
    get,
    path = "/api/notifications",
    tag = "notifications",
    params(("limit" = Option<u32>, Query, description = "1-50, default 30", minimum = 1, maximum = 50), ("before_id" = Option<uuid::Uuid>, Query, description = "continue after this row")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "{notifications, unread_count, has_more}, newest first", body = crate::dto::responses::NotificationListBody),
        (status = 400, description = "VALIDATION_ERROR", body = crate::openapi::ErrorBody),
        (status = 401, description = "UNAUTHORIZED or INVALID_TOKEN", body = crate::openapi::ErrorBody),
        (status = "4XX", description = "Other refusals, in the error envelope", body = crate::openapi::ErrorBody)
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, before) = query.resolve()?;
    let page = state.social.notifications(&user.0, limit, before).await?;
    let items: Vec<NotificationBody> = page.items.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(json!({
        "notifications": items,
        "unread_count": page.unread_count,
        "has_more": page.has_more,
    })))
}
