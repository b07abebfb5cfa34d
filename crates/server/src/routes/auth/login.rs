//! `POST /api/auth/login` → 200 session.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::dto::auth::{Credentials, LoginRequest};
use crate::dto::users::UserBody;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Signs in with e-mail and password.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "Success", body = crate::dto::auth::SessionBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn login(
    state: web::Data<AppState>,
    body: ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let credentials = Credentials::try_from(body.0)?;
    let session = state
        .accounts
        .login(credentials.email, &credentials.password)
        .await?;
    let user = UserBody::from(session.user);
    Ok(HttpResponse::Ok().json(json!({
        "access_token": session.access_token,
        "refresh_token": session.refresh_token,
        "user": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "has_avatar": user.has_avatar,
            "has_date_of_birth": user.has_date_of_birth,
            "updated_at": user.updated_at,
        },
    })))
}
