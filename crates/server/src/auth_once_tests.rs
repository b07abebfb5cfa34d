//! The access token is verified once per request: the rate-limit middleware verifies it
//! and the `AuthUser` extractor reuses the outcome.

use std::sync::Arc;

use actix_web::{HttpResponse, test, web};
use chrono::Utc;
use pursue_app::accounts::AccountService;
use pursue_domain::ids::UserId;
use pursue_ports::auth::{AccessClaims, MockPasswordHasher, MockTokenService, TokenError};
use pursue_ports::users::{MockUserRepository, UserRecord};
use uuid::Uuid;

use crate::extract::AuthUser;
use crate::middleware::RateLimits;
use crate::startup::http_app;

async fn whoami(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().body(user.0.id.to_string())
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/whoami", web::get().to(whoami));
}

/// A state whose token service verifies each token exactly `times` times.
fn state(times: usize, limits: bool) -> web::Data<crate::state::AppState> {
    let id = Uuid::from_u128(42);
    let mut tokens = MockTokenService::new();
    tokens
        .expect_verify_access()
        .times(times)
        .returning(move |token| match token {
            "good" => Ok(AccessClaims {
                user_id: id,
                email: "ann@example.com".into(),
            }),
            _ => Err(TokenError::Invalid),
        });
    let mut users = MockUserRepository::new();
    users.expect_find_active().returning(|id| {
        Ok(Some(UserRecord {
            id,
            email: pursue_domain::user::Email::stored("ann@example.com".into()),
            display_name: pursue_domain::user::DisplayName::stored("Ann".into()),
            has_avatar: false,
            age_verified: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }))
    });
    let mut state = crate::startup_tests::state().get_ref().clone();
    state.accounts = AccountService::new(
        Arc::new(users),
        Arc::new(MockPasswordHasher::new()),
        Arc::new(tokens),
    );
    state.limits = limits.then(|| Arc::new(RateLimits::new(0)));
    web::Data::new(state)
}

async fn status_and_body(state: web::Data<crate::state::AppState>, token: &str) -> (u16, String) {
    let app = test::init_service(http_app(state, routes)).await;
    let req = test::TestRequest::get()
        .uri("/api/whoami")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let res = test::call_service(&app, req).await;
    let status = res.status().as_u16();
    let body = test::read_body(res).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[actix_web::test]
async fn the_limiter_and_the_extractor_verify_the_token_once() {
    let (status, body) = status_and_body(state(1, true), "good").await;
    assert_eq!(status, 200);
    assert_eq!(body, UserId::from_uuid(Uuid::from_u128(42)).to_string());
    // A token that does not verify: refused without a second verification.
    let (status, body) = status_and_body(state(1, true), "bad").await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("INVALID_TOKEN"), "{body}");
    // Rate limits off: the extractor verifies, once.
    let (status, _) = status_and_body(state(1, false), "good").await;
    assert_eq!(status, 200);
}
