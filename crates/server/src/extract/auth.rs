//! The bearer-token extractor: `Authorization: Bearer <access token>` → the active user.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use pursue_app::accounts::AuthError;
use pursue_domain::ids::UserId;
use pursue_ports::users::UserRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller. A missing or non-`Bearer` header is `401 UNAUTHORIZED`; a bad,
/// expired or foreign-algorithm token, or a deleted user, is `401 INVALID_TOKEN`.
#[derive(Debug, Clone)]
pub struct AuthUser(pub UserRecord);

/// The outcome of verifying the request's bearer token (its subject, `None` when the
/// token does not verify), left in the request extensions by the first verifier (the
/// rate-limit middleware) so that [`AuthUser`] does not verify it again.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedToken(pub Option<UserId>);

/// The subject of `req`'s bearer token `token`, verified once per request: the stored
/// outcome when there is one, else verified now and stored.
pub fn verified_subject(req: &HttpRequest, state: &AppState, token: &str) -> Option<UserId> {
    if let Some(VerifiedToken(subject)) = req.extensions().get::<VerifiedToken>() {
        return *subject;
    }
    let subject = state.accounts.token_subject(token);
    req.extensions_mut().insert(VerifiedToken(subject));
    subject
}

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
        let verified = req.extensions().get::<VerifiedToken>().copied();
        Box::pin(async move {
            let token = token.ok_or_else(ApiError::unauthorized)?;
            let state = state
                .ok_or_else(|| ApiError::internal(&anyhow::anyhow!("application state missing")))?;
            let subject = match verified {
                Some(VerifiedToken(subject)) => subject,
                None => state.accounts.token_subject(&token),
            };
            let subject = subject.ok_or_else(|| ApiError::from(AuthError::InvalidToken))?;
            let user = state
                .accounts
                .active_user(subject)
                .await
                .map_err(ApiError::from)?;
            tracing::Span::current().record("user_id", tracing::field::display(user.id));
            Ok(AuthUser(user))
        })
    }
}
