//! `POST /api/auth/google` → 200 existing user / 201 new user.

use actix_web::{HttpResponse, web};

use crate::dto::auth::{GoogleRequest, GoogleSessionBody};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Signs in (or up) with a Google ID token.
pub async fn google(
    state: web::Data<AppState>,
    body: ValidJson<GoogleRequest>,
) -> Result<HttpResponse, ApiError> {
    let signed_in = state.accounts.google_sign_in(&body.0.id_token).await?;
    let body = GoogleSessionBody {
        access_token: signed_in.session.access_token,
        refresh_token: signed_in.session.refresh_token,
        is_new_user: signed_in.is_new_user,
        user: signed_in.session.user.into(),
    };
    Ok(if signed_in.is_new_user {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}
