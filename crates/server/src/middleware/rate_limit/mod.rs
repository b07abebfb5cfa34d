//! Rate limits (see docs/API.md, "Rate limits", and docs/SECURITY.md).
//!
//! | limiter | budget | key | routes |
//! |---|---|---|---|
//! | general | 100 / 60 s | user id of a valid bearer token, else client IP | `/api/*` |
//! | auth | 5 **failed** / 15 min | client IP | `POST /api/auth/login`, `/register` |
//! | password reset | 3 / 60 min | client IP | `POST /api/auth/forgot-password` |
//! | progress | 60 / 60 s | user (else IP) | `/api/progress*` |
//! | upload | 10 / 15 min | user (else IP) | avatar `POST`, icon `PATCH` |
//! | export | 10 / 60 min | user | group progress export (checked by its handler) |
//! | data export | 5 / 60 min | user (else IP) | `GET /api/users/me/data` |
//! | reaction | 30 / 60 s | user (else IP) | `PUT`, `DELETE /api/activities/:id/reactions` |
//! | reaction read | 60 / 60 s | user (else IP) | `GET /api/activities/:id/reactions` |
//!
//! Requests are classified by the route pattern the router will match (on the decoded
//! path), so `/api/auth/%6cogin` is `/api/auth/login`. The auth limiter reserves one
//! failure before the handler runs and gives it back when the attempt succeeds, so
//! concurrent attempts can never exceed the budget. Responses carry `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset` (of the most specific limiter that applied);
//! a 429 also carries `Retry-After`. `RATE_LIMITS=off` removes the middleware's effect.
//!
//! More limits: build them with [`RateLimits::limiter`] (so they share the configured
//! store) and call [`Limiter::enforce`] where they apply.

mod client_ip;
mod limiter;
mod redis_store;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

pub use client_ip::client_ip;
pub use limiter::{Decision, LimitStore, Limiter, MemoryStore, Spend};
pub use redis_store::RedisStore;

use crate::error::ApiError;
use crate::extract::{bearer_token, verified_subject};
use crate::state::AppState;

/// Every limiter of the contract, on one store.
pub struct RateLimits {
    trust_proxy: u8,
    store: Arc<dyn LimitStore>,
    general: Limiter,
    auth: Limiter,
    reset: Limiter,
    progress: Limiter,
    upload: Limiter,
    export: Limiter,
    data_export: Limiter,
    reaction: Limiter,
    reaction_read: Limiter,
}

impl RateLimits {
    /// The limiters in process memory; the client IP is taken `trust_proxy` hops from the
    /// right of `Forwarded` / `X-Forwarded-For` (`0`: the TCP peer).
    pub fn new(trust_proxy: u8) -> Self {
        Self::with_store(trust_proxy, Arc::new(MemoryStore::new()))
    }

    /// The limiters on `store` (e.g. Redis, shared by every instance).
    pub fn with_store(trust_proxy: u8, store: Arc<dyn LimitStore>) -> Self {
        const MINUTE: Duration = Duration::from_secs(60);
        let on = |name, max, window, code, message| {
            Limiter::on(store.clone(), name, max, window, code, message)
        };
        Self {
            trust_proxy,
            general: on(
                "general",
                100,
                MINUTE,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests, please try again later",
            ),
            auth: on(
                "auth",
                5,
                15 * MINUTE,
                "AUTH_RATE_LIMIT_EXCEEDED",
                "Too many failed attempts, please try again later",
            ),
            reset: on(
                "reset",
                3,
                60 * MINUTE,
                "PASSWORD_RESET_RATE_LIMIT",
                "Too many password reset requests, please try again later",
            ),
            progress: on(
                "progress",
                60,
                MINUTE,
                "PROGRESS_RATE_LIMIT",
                "Too many progress requests, please slow down",
            ),
            upload: on(
                "upload",
                10,
                15 * MINUTE,
                "UPLOAD_RATE_LIMIT_EXCEEDED",
                "Too many uploads, please try again later",
            ),
            export: on(
                "export",
                10,
                60 * MINUTE,
                "EXPORT_RATE_LIMIT_EXCEEDED",
                "Too many exports, please try again later",
            ),
            data_export: on(
                "data_export",
                5,
                60 * MINUTE,
                "EXPORT_RATE_LIMIT_EXCEEDED",
                "Too many data exports, please try again later",
            ),
            reaction: on(
                "reaction",
                30,
                MINUTE,
                "REACTION_RATE_LIMIT_EXCEEDED",
                "Too many reactions, please slow down",
            ),
            reaction_read: on(
                "reaction_read",
                60,
                MINUTE,
                "REACTION_READ_RATE_LIMIT_EXCEEDED",
                "Too many reaction requests, please slow down",
            ),
            store,
        }
    }

    /// A further limiter on the same store (shared across instances when Redis is
    /// configured); `name` must be unique among limiters.
    pub fn limiter(
        &self,
        name: &'static str,
        max: u32,
        window: Duration,
        code: &'static str,
        message: &'static str,
    ) -> Limiter {
        Limiter::on(self.store.clone(), name, max, window, code, message)
    }

    /// Counts one group export of `user` (10 per hour); the 429 when the budget is spent.
    pub async fn check_export(&self, user: &str) -> Result<(), ApiError> {
        self.export.enforce(user).await.map(drop)
    }

    /// The client IP of `req` under the configured proxy trust.
    pub fn client_ip(&self, req: &actix_web::HttpRequest) -> Option<IpAddr> {
        client_ip(
            req.peer_addr().map(|a| a.ip()),
            req.headers(),
            self.trust_proxy,
        )
    }
}

/// Which specific limiter a request falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Auth,
    Reset,
    Progress,
    Upload,
    DataExport,
    Reaction,
    ReactionRead,
    Other,
}

/// Classifies by method and the matched route pattern (`None`: no route matches).
fn route_of(method: &Method, pattern: Option<&str>) -> Route {
    let Some(pattern) = pattern else {
        return Route::Other;
    };
    match (method, pattern) {
        (&Method::POST, "/api/auth/login" | "/api/auth/register") => Route::Auth,
        (&Method::POST, "/api/auth/forgot-password") => Route::Reset,
        (_, p) if p == "/api/progress" || p.starts_with("/api/progress/") => Route::Progress,
        (&Method::POST, "/api/users/me/avatar") => Route::Upload,
        (&Method::PATCH, "/api/groups/{group_id}/icon") => Route::Upload,
        (&Method::GET, "/api/users/me/data") => Route::DataExport,
        (&Method::GET, "/api/activities/{activity_id}/reactions") => Route::ReactionRead,
        (_, "/api/activities/{activity_id}/reactions") => Route::Reaction,
        _ => Route::Other,
    }
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, decision: Decision) {
    let (limit, remaining, reset) = match decision {
        Decision::Allowed {
            limit,
            remaining,
            reset,
        } => (limit, remaining, reset),
        Decision::Denied { limit, retry_after } => (limit, 0, retry_after),
    };
    for (name, value) in [
        ("ratelimit-limit", u64::from(limit)),
        ("ratelimit-remaining", u64::from(remaining)),
        ("ratelimit-reset", reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

fn refuse(
    req: ServiceRequest,
    limiter: &Limiter,
    decision: Decision,
    retry_after: u64,
) -> ServiceResponse<BoxBody> {
    let mut response = limiter.refusal(retry_after).error_response();
    set_headers(response.headers_mut(), decision);
    req.into_response(response)
}

/// Applies the limiters to `/api/*` requests (a no-op with `RATE_LIMITS=off`).
pub async fn rate_limits(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let limits = state.as_ref().and_then(|s| s.limits.clone());
    // The path the router sees: percent-decoded (except reserved characters).
    let path = req.match_info().as_str().to_owned();
    let (Some(state), Some(limits)) = (state, limits) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if !path.starts_with("/api/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let ip = limits
        .client_ip(req.request())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let user = bearer_token(req.request())
        .and_then(|token| verified_subject(req.request(), &state, &token))
        .map(|id| format!("user:{id}"));
    let caller = user.unwrap_or_else(|| format!("ip:{ip}"));

    let general = limits.general.check(&caller).await;
    if let Decision::Denied { retry_after, .. } = general {
        return Ok(refuse(req, &limits.general, general, retry_after));
    }
    let pattern = req.request().resource_map().match_pattern(&path);
    let route = route_of(req.method(), pattern.as_deref());
    let limiter = match route {
        Route::Auth => Some((&limits.auth, &ip)),
        Route::Reset => Some((&limits.reset, &ip)),
        Route::Progress => Some((&limits.progress, &caller)),
        Route::Upload => Some((&limits.upload, &caller)),
        Route::DataExport => Some((&limits.data_export, &caller)),
        Route::Reaction => Some((&limits.reaction, &caller)),
        Route::ReactionRead => Some((&limits.reaction_read, &caller)),
        Route::Other => None,
    };
    let mut specific = None;
    if let Some((limiter, key)) = limiter {
        let decision = limiter.check(key).await;
        if let Decision::Denied { retry_after, .. } = decision {
            return Ok(refuse(req, limiter, decision, retry_after));
        }
        specific = Some(decision);
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    // The auth budget counts failures only: a reserved unit goes back on success.
    if route == Route::Auth && response.status().as_u16() < 400 {
        limits.auth.refund(&ip).await;
    }
    set_headers(response.headers_mut(), specific.unwrap_or(general));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns_map_to_their_limiters() {
        let is = |m: Method, p: Option<&str>, want: Route| {
            assert_eq!(route_of(&m, p), want, "{m} {p:?}")
        };
        is(Method::POST, Some("/api/auth/login"), Route::Auth);
        is(Method::POST, Some("/api/auth/register"), Route::Auth);
        is(Method::GET, Some("/api/auth/login"), Route::Other);
        is(
            Method::POST,
            Some("/api/auth/forgot-password"),
            Route::Reset,
        );
        is(Method::POST, Some("/api/progress"), Route::Progress);
        is(
            Method::DELETE,
            Some("/api/progress/{entry_id}"),
            Route::Progress,
        );
        is(Method::POST, Some("/api/users/me/avatar"), Route::Upload);
        is(Method::GET, Some("/api/users/me/avatar"), Route::Other);
        is(
            Method::PATCH,
            Some("/api/groups/{group_id}/icon"),
            Route::Upload,
        );
        is(Method::PATCH, Some("/api/groups/{group_id}"), Route::Other);
        is(Method::POST, None, Route::Other);
    }
}
