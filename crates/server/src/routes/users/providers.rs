//! `GET /api/users/me/providers`.

use actix_web::{HttpResponse, web};
use pursue_domain::user::AuthProvider;
use serde_json::json;

use crate::error::ApiError;
use crate::extract::AuthUser;
use crate::state::AppState;

/// The caller's sign-in methods by `linked_at`.
#[utoipa::path(
    get,
    path = "/api/users/me/providers",
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::responses::ProvidersBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn providers(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let found = state.accounts.providers(user.0.id).await?;
    let list: Vec<_> = found
        .providers
        .into_iter()
        .map(|p| match p.provider {
            AuthProvider::Email => json!({
                "provider": "email",
                "has_password": found.has_password,
                "linked_at": p.linked_at,
            }),
            AuthProvider::Google => json!({
                "provider": "google",
                "provider_email": p.provider_email,
                "linked_at": p.linked_at,
            }),
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "providers": list })))
}
