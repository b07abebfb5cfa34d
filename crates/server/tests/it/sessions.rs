//! Refresh rotation, reuse detection and logout.

use crate::app::spawn_app;
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, post, register, s};

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_every_session() {
    let app = spawn_app().await;
    let first = register(&app, "ann@example.com").await;
    let (_, other_login) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Secret123"}),
    )
    .await;
    let r0 = s(&first, "refresh_token");

    let (status, rotated) = post(&app, "/api/auth/refresh", json!({"refresh_token": r0})).await;
    assert_eq!(status, 200, "{rotated}");
    let r1 = s(&rotated, "refresh_token");
    assert_ne!(r1, r0);
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/users/me",
        Some(s(&rotated, "access_token")),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // r0 was revoked by the rotation: presenting it again is theft → all sessions revoked.
    let (status, body) = post(&app, "/api/auth/refresh", json!({"refresh_token": r0})).await;
    assert_eq!((status, code(&body)), (401, "INVALID_REFRESH_TOKEN"));
    for token in [r1, s(&other_login, "refresh_token")] {
        let (status, body) = post(&app, "/api/auth/refresh", json!({"refresh_token": token})).await;
        assert_eq!(
            (status, code(&body)),
            (401, "INVALID_REFRESH_TOKEN"),
            "{token}"
        );
    }
}

#[tokio::test]
async fn refresh_refuses_garbage_and_missing_tokens() {
    let app = spawn_app().await;
    let session = register(&app, "ann@example.com").await;
    let (status, body) = post(&app, "/api/auth/refresh", json!({"refresh_token": "nope"})).await;
    assert_eq!((status, code(&body)), (401, "INVALID_REFRESH_TOKEN"));
    // an access token is not a refresh token (other key)
    let (status, body) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&session, "access_token")}),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "INVALID_REFRESH_TOKEN"));
    let (status, body) = post(&app, "/api/auth/refresh", json!({})).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
}

#[tokio::test]
async fn logout_revokes_only_the_callers_session_and_always_answers_204() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let bob = register(&app, "bob@example.com").await;
    let access = s(&ann, "access_token");

    // someone else's token: 204, nothing revoked
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        Some(access),
        Some(json!({"refresh_token": s(&bob, "refresh_token")})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&bob, "refresh_token")}),
    )
    .await;
    assert_eq!(status, 200);
    // garbage: 204
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        Some(access),
        Some(json!({"refresh_token": "x"})),
    )
    .await;
    assert_eq!(status, 204);
    // own: revoked
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        Some(access),
        Some(json!({"refresh_token": s(&ann, "refresh_token")})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&ann, "refresh_token")}),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "INVALID_REFRESH_TOKEN"));
    // no bearer → 401, missing body field → 400
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        None,
        Some(json!({"refresh_token": "x"})),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "UNAUTHORIZED"));
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        Some(access),
        Some(json!({})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
}
