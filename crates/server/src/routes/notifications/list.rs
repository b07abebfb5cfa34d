//! `GET /api/notifications?limit=&before_id=` → 200 `{notifications, unread_count, has_more}`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::social::{InboxQuery, NotificationBody};
use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// One page of the caller's inbox, newest first.
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
