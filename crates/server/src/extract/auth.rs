//! The bearer-token extractor: `Authorization: Bearer <access token>` → the active user.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use pursue_ports::users::UserRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller. A missing or non-`Bearer` header is `401 UNAUTHORIZED`; a bad,
/// expired or foreign-algorithm token, or a deleted user, is `401 INVALID_TOKEN`.
#[derive(Debug, Clone)]
pub struct AuthUser(pub UserRecord);

/// The bearer token of `req`: `None` when the header is missing or does not use the
/// `Bearer` scheme (→ `UNAUTHORIZED`); an empty token is returned as such and fails
/// verification (→ `INVALID_TOKEN`). HTTP parsers drop trailing spaces, so a bare
/// `Bearer` counts as `Bearer ` with an empty token.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    if value == "Bearer" {
        return Some(String::new());
    }
    Some(value.strip_prefix("Bearer ")?.trim().to_string())
}

impl FromRequest for AuthUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token.ok_or_else(ApiError::unauthorized)?;
            let state = state
                .ok_or_else(|| ApiError::internal(&anyhow::anyhow!("application state missing")))?;
            let user = state
                .accounts
                .authenticate(&token)
                .await
                .map_err(ApiError::from)?;
            tracing::Span::current().record("user_id", tracing::field::display(user.id));
            Ok(AuthUser(user))
        })
    }
}
