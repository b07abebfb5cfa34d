//! `POST /api/auth/google` → 200 existing user / 201 new user.

use actix_web::{HttpRequest, HttpResponse, web};
use pursue_domain::ids::UserId;

use crate::dto::auth::{GoogleRequest, GoogleSessionBody};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::state::AppState;

/// Imports the Google profile picture as the avatar after the response has gone out; a
/// failure is logged and never affects the sign-in (docs/ACCOUNTS.md, Google sign-in).
fn import_picture(state: &AppState, user: UserId, url: String) {
    let images = state.images.clone();
    actix_web::rt::spawn(async move {
        match images.import_avatar(user, &url).await {
            Ok(true) => {
                tracing::info!(user_id = %user, "Google profile picture imported as avatar")
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(user_id = %user, error = %e, "Google profile picture not imported")
            }
        }
    });
}

/// Signs in (or up) with a Google ID token.
#[utoipa::path(
    post,
    path = "/api/auth/google",
    tag = "auth",
    request_body = GoogleRequest,
    responses((status = 201, description = "A new account", body = crate::dto::auth::GoogleSessionBody), (status = 200, description = "An existing account", body = crate::dto::auth::GoogleSessionBody), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn google(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<GoogleRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = crate::extract::client_ip(&req, &state);
    let agreed = body.0.consent_agreed == Some(true);
    let signed_in = state
        .accounts
        .google_sign_in(&body.0.id_token, agreed, ip)
        .await?;
    if let Some(url) = signed_in.import_picture.clone() {
        import_picture(&state, signed_in.session.user.id, url);
    }
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
