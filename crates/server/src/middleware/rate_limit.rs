//! Rate limits of contract §4.6, per server instance, on `governor` (GCRA) keyed limiters.
//!
//! | limiter | budget | key | routes |
//! |---|---|---|---|
//! | general | 100 / 60 s | user id of a valid bearer token, else client IP | `/api/*` |
//! | auth | 5 **failed** / 15 min | client IP | `POST /api/auth/login`, `/register` |
//! | password reset | 3 / 60 min | client IP | `POST /api/auth/forgot-password` |
//! | progress | 60 / 60 s | user (else IP) | `/api/progress*` |
//! | upload | 10 / 15 min | user (else IP) | avatar `POST`, icon `PATCH` |
//! | reaction | 30 / 60 s | user (else IP) | `PUT`, `DELETE /api/activities/:id/reactions` |
//! | reaction read | 60 / 60 s | user (else IP) | `GET /api/activities/:id/reactions` |
//!
//! A budget of `max` per `window` is a GCRA quota with a burst of `max` that regains one
//! request every `window / max`. Responses carry `RateLimit-Limit`, `RateLimit-Remaining`
//! and `RateLimit-Reset` (of the most specific limiter that applied); a 429 also carries
//! `Retry-After`. `RATE_LIMITS=off` removes the middleware's effect entirely.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;
use crate::extract::bearer_token;
use crate::state::AppState;

type Keyed = DefaultKeyedRateLimiter<String, StateInformationMiddleware>;

/// One limiter: a budget of `max` requests per `window` per key.
pub struct Limiter {
    max: u32,
    window: Duration,
    code: &'static str,
    message: &'static str,
    inner: Keyed,
}

/// What a limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let through; `remaining` more fit now, the budget is whole again in `reset`.
    Allowed {
        /// The budget.
        limit: u32,
        /// Requests left right now.
        remaining: u32,
        /// Seconds until the budget is whole again.
        reset: u64,
    },
    /// Refused until `retry_after` seconds have passed.
    Denied {
        /// The budget.
        limit: u32,
        /// Seconds before the next request fits.
        retry_after: u64,
    },
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl Limiter {
    /// A limiter of `max` requests per `window`, refusing with `429 code`.
    pub fn new(max: u32, window: Duration, code: &'static str, message: &'static str) -> Self {
        let burst = NonZeroU32::new(max.max(1)).unwrap_or(NonZeroU32::MIN);
        let per_cell = window / burst.get();
        let quota = Quota::with_period(per_cell.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        Self {
            max: burst.get(),
            window,
            code,
            message,
            inner: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
        }
    }

    /// Counts one request of `key`.
    pub fn check(&self, key: &str) -> Decision {
        match self.inner.check_key(&key.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let used = self.max.saturating_sub(remaining);
                let reset = ceil_secs(self.window / self.max * used);
                Decision::Allowed {
                    limit: self.max,
                    remaining,
                    reset,
                }
            }
            Err(not_until) => Decision::Denied {
                limit: self.max,
                retry_after: ceil_secs(not_until.wait_time_from(DefaultClock::default().now()))
                    .max(1),
            },
        }
    }

    /// The 429 for a denied request.
    fn refusal(&self, retry_after: u64) -> ApiError {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, self.code, self.message)
            .with_retry_after(retry_after)
    }

    fn forget_idle(&self) {
        self.inner.retain_recent();
    }
}

/// The limiter that counts only failed requests (the auth limiter): failures are counted
/// after the response, and a key whose budget is spent is refused before the handler runs.
pub struct FailureLimiter {
    failures: Limiter,
    blocked: Mutex<HashMap<String, Instant>>,
}

impl FailureLimiter {
    fn new(failures: Limiter) -> Self {
        Self {
            failures,
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds left on the key's block, if it is blocked.
    fn blocked_for(&self, key: &str) -> Option<u64> {
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        let until = *blocked.get(key)?;
        let now = Instant::now();
        if until > now {
            Some(ceil_secs(until - now).max(1))
        } else {
            blocked.remove(key);
            None
        }
    }

    /// Counts a failed request of `key`; blocks the key once its budget is spent.
    fn record_failure(&self, key: &str) {
        let block = match self.failures.check(key) {
            Decision::Allowed { remaining: 0, .. } => {
                Some(self.failures.window / self.failures.max)
            }
            Decision::Allowed { .. } => None,
            Decision::Denied { retry_after, .. } => Some(Duration::from_secs(retry_after)),
        };
        if let Some(duration) = block {
            self.blocked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.to_owned(), Instant::now() + duration);
        }
    }
}

/// Every limiter of contract §4.6.
pub struct RateLimits {
    trust_proxy: bool,
    general: Limiter,
    auth: FailureLimiter,
    reset: Limiter,
    progress: Limiter,
    upload: Limiter,
    reaction: Limiter,
    reaction_read: Limiter,
    seen: AtomicU64,
}

impl RateLimits {
    /// The contract's limiters; with `trust_proxy` the client IP comes from `Forwarded` /
    /// `X-Forwarded-For` (set by a reverse proxy), else from the TCP peer.
    pub fn new(trust_proxy: bool) -> Self {
        const MINUTE: Duration = Duration::from_secs(60);
        Self {
            trust_proxy,
            general: Limiter::new(
                100,
                MINUTE,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests, please try again later",
            ),
            auth: FailureLimiter::new(Limiter::new(
                5,
                15 * MINUTE,
                "AUTH_RATE_LIMIT_EXCEEDED",
                "Too many failed attempts, please try again later",
            )),
            reset: Limiter::new(
                3,
                60 * MINUTE,
                "PASSWORD_RESET_RATE_LIMIT",
                "Too many password reset requests, please try again later",
            ),
            progress: Limiter::new(
                60,
                MINUTE,
                "PROGRESS_RATE_LIMIT",
                "Too many progress requests, please slow down",
            ),
            upload: Limiter::new(
                10,
                15 * MINUTE,
                "UPLOAD_RATE_LIMIT_EXCEEDED",
                "Too many uploads, please try again later",
            ),
            reaction: Limiter::new(
                30,
                MINUTE,
                "REACTION_RATE_LIMIT_EXCEEDED",
                "Too many reactions, please slow down",
            ),
            reaction_read: Limiter::new(
                60,
                MINUTE,
                "REACTION_READ_RATE_LIMIT_EXCEEDED",
                "Too many reaction requests, please slow down",
            ),
            seen: AtomicU64::new(0),
        }
    }

    /// Drops idle keys now and then so the maps stay small.
    fn housekeeping(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            for limiter in [
                &self.general,
                &self.auth.failures,
                &self.reset,
                &self.progress,
                &self.upload,
                &self.reaction,
                &self.reaction_read,
            ] {
                limiter.forget_idle();
            }
            let now = Instant::now();
            self.auth
                .blocked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|_, until| *until > now);
        }
    }
}

/// Which specific limiter a request falls under.
enum Route {
    Auth,
    Reset,
    Progress,
    Upload,
    Reaction,
    ReactionRead,
    Other,
}

fn route_of(method: &Method, path: &str) -> Route {
    let path = path.trim_end_matches('/');
    match (method, path) {
        (&Method::POST, "/api/auth/login" | "/api/auth/register") => Route::Auth,
        (&Method::POST, "/api/auth/forgot-password") => Route::Reset,
        (_, p) if p == "/api/progress" || p.starts_with("/api/progress/") => Route::Progress,
        (&Method::POST, "/api/users/me/avatar") => Route::Upload,
        (m, p)
            if p.starts_with("/api/activities/")
                && p.ends_with("/reactions")
                && p.matches('/').count() == 4 =>
        {
            if m == Method::GET {
                Route::ReactionRead
            } else {
                Route::Reaction
            }
        }
        (&Method::PATCH, p)
            if p.starts_with("/api/groups/")
                && p.ends_with("/icon")
                && p.matches('/').count() == 4 =>
        {
            Route::Upload
        }
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
    let (Some(state), Some(limits)) = (state, limits) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if !req.path().starts_with("/api/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    limits.housekeeping();
    let ip = if limits.trust_proxy {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_owned)
            .unwrap_or_else(|| "unknown".to_owned())
    } else {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    };
    let user = bearer_token(req.request())
        .and_then(|token| state.accounts.token_subject(&token))
        .map(|id| format!("user:{id}"));
    let caller = user.unwrap_or_else(|| format!("ip:{ip}"));

    let general = limits.general.check(&caller);
    if let Decision::Denied { retry_after, .. } = general {
        return Ok(refuse(req, &limits.general, general, retry_after));
    }
    let route = route_of(req.method(), req.path());
    let specific = match route {
        Route::Auth => {
            if let Some(retry_after) = limits.auth.blocked_for(&ip) {
                let decision = Decision::Denied {
                    limit: limits.auth.failures.max,
                    retry_after,
                };
                return Ok(refuse(req, &limits.auth.failures, decision, retry_after));
            }
            None
        }
        Route::Reset => Some((&limits.reset, limits.reset.check(&ip))),
        Route::Progress => Some((&limits.progress, limits.progress.check(&caller))),
        Route::Upload => Some((&limits.upload, limits.upload.check(&caller))),
        Route::Reaction => Some((&limits.reaction, limits.reaction.check(&caller))),
        Route::ReactionRead => Some((&limits.reaction_read, limits.reaction_read.check(&caller))),
        Route::Other => None,
    };
    if let Some((limiter, decision @ Decision::Denied { retry_after, .. })) = specific {
        return Ok(refuse(req, limiter, decision, retry_after));
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    if matches!(route, Route::Auth) && response.status().as_u16() >= 400 {
        limits.auth.record_failure(&ip);
    }
    set_headers(
        response.headers_mut(),
        specific.map(|(_, d)| d).unwrap_or(general),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_spent_then_refused_with_a_retry_time() {
        let limiter = Limiter::new(3, Duration::from_secs(60), "X", "x");
        let remaining: Vec<_> = (0..3)
            .map(|_| match limiter.check("k") {
                Decision::Allowed { remaining, .. } => remaining,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(remaining, vec![2, 1, 0]);
        match limiter.check("k") {
            Decision::Denied { limit, retry_after } => {
                assert_eq!(limit, 3);
                assert!((1..=20).contains(&retry_after), "{retry_after}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            limiter.check("other"),
            Decision::Allowed { remaining: 2, .. }
        ));
    }

    #[test]
    fn failures_block_only_after_the_budget() {
        let auth = FailureLimiter::new(Limiter::new(2, Duration::from_secs(60), "X", "x"));
        assert_eq!(auth.blocked_for("ip"), None);
        auth.record_failure("ip");
        assert_eq!(auth.blocked_for("ip"), None);
        auth.record_failure("ip");
        let blocked = auth.blocked_for("ip").unwrap();
        assert!((1..=30).contains(&blocked), "{blocked}");
        assert_eq!(auth.blocked_for("elsewhere"), None);
    }

    #[test]
    fn routes_map_to_their_limiters() {
        let is = |m: Method, p: &str, want: fn(&Route) -> bool| {
            assert!(want(&route_of(&m, p)), "{m} {p}")
        };
        is(Method::POST, "/api/auth/login", |r| {
            matches!(r, Route::Auth)
        });
        is(Method::POST, "/api/auth/register/", |r| {
            matches!(r, Route::Auth)
        });
        is(Method::GET, "/api/auth/login", |r| {
            matches!(r, Route::Other)
        });
        is(Method::POST, "/api/auth/forgot-password", |r| {
            matches!(r, Route::Reset)
        });
        is(Method::POST, "/api/progress", |r| {
            matches!(r, Route::Progress)
        });
        is(Method::DELETE, "/api/progress/abc", |r| {
            matches!(r, Route::Progress)
        });
        is(Method::GET, "/api/progressive", |r| {
            matches!(r, Route::Other)
        });
        is(Method::POST, "/api/users/me/avatar", |r| {
            matches!(r, Route::Upload)
        });
        is(Method::GET, "/api/users/me/avatar", |r| {
            matches!(r, Route::Other)
        });
        is(Method::PUT, "/api/activities/x/reactions", |r| {
            matches!(r, Route::Reaction)
        });
        is(Method::DELETE, "/api/activities/x/reactions", |r| {
            matches!(r, Route::Reaction)
        });
        is(Method::GET, "/api/activities/x/reactions", |r| {
            matches!(r, Route::ReactionRead)
        });
        is(Method::GET, "/api/activities/x/y/reactions", |r| {
            matches!(r, Route::Other)
        });
        is(Method::PATCH, "/api/groups/123/icon", |r| {
            matches!(r, Route::Upload)
        });
        is(Method::PATCH, "/api/groups/123", |r| {
            matches!(r, Route::Other)
        });
    }
}
