//! Unknown routes and wrong methods are `404 ROUTE_NOT_FOUND`; malformed path ids keep the
//! endpoint's own 404 code; `NOT_FOUND` never answers a live caller under `/users/me`.

use crate::app::spawn_app;
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, register, s};

#[tokio::test]
async fn unserved_method_and_path_pairs_are_route_not_found() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    for (method, path) in [
        (Method::PUT, "/api/users/me/progress"),
        (Method::GET, "/api/users/me/not-built-yet"),
        (Method::GET, "/api/nothing"),
        (Method::PUT, "/api/users/me"),
        (Method::POST, "/api/users/me"),
        (Method::GET, "/api/auth/login"),
        (Method::DELETE, "/api/auth/register"),
        (Method::PUT, "/api/users/me/consents"),
        (Method::DELETE, "/api/users/me/consents/status"),
        (Method::PATCH, "/api/users/me/groups"),
        (Method::GET, "/api"),
    ] {
        for token in [Some(t), None] {
            let (status, body) = call(&app, method.clone(), path, token, None).await;
            assert_eq!(status, 404, "{method} {path}: {body}");
            assert_eq!(
                body,
                json!({"error": {"message": "Route not found", "code": "ROUTE_NOT_FOUND"}}),
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn malformed_path_ids_keep_the_endpoint_code() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    for (method, path, want) in [
        (Method::GET, "/api/groups/not-a-uuid", "NOT_FOUND"),
        (Method::GET, "/api/groups/123/goals", "NOT_FOUND"),
        (Method::GET, "/api/goals/zzz", "NOT_FOUND"),
        (Method::GET, "/api/progress/%20", "NOT_FOUND"),
        (Method::DELETE, "/api/devices/nope", "DEVICE_NOT_FOUND"),
        (Method::GET, "/api/users/me/avatar", "NO_AVATAR"),
        (Method::GET, "/api/users/xyz/avatar", "NO_AVATAR"),
    ] {
        let (status, body) = call(&app, method.clone(), path, Some(t), None).await;
        assert_eq!(
            (status, code(&body)),
            (404, want),
            "{method} {path}: {body}"
        );
    }
}

#[tokio::test]
async fn a_deleted_callers_token_is_refused_not_signed_out_by_not_found() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(t),
        Some(json!({"confirmation": "delete"})),
    )
    .await;
    assert_eq!(status, 204);
    for path in [
        "/api/users/me",
        "/api/users/me/consents",
        "/api/users/me/groups",
    ] {
        let (status, body) = call(&app, Method::GET, path, Some(t), None).await;
        assert_eq!((status, code(&body)), (401, "INVALID_TOKEN"), "{path}");
    }
}
