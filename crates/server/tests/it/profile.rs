//! PATCH /users/me, password, providers and unlink.

use crate::app::spawn_app;
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, post, register, s};

#[tokio::test]
async fn patch_me_changes_the_display_name() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"display_name": "  Annie ", "unknown": 1})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["display_name"], "Annie");
    assert_eq!(body["email"], "ann@example.com");
    assert_eq!(body["has_avatar"], false);
    assert!(body["updated_at"].is_string() && body["id"].is_string());
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (status, body["display_name"].as_str()),
        (200, Some("Annie"))
    );
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"display_name": ""})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"display_name": "x".repeat(101)})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = call(&app, Method::PATCH, "/api/users/me", None, Some(json!({}))).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHORIZED"));
}

#[tokio::test]
async fn change_password_checks_the_current_one() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let path = "/api/users/me/password";
    let (status, body) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"current_password": "Wrong1234", "new_password": "Newpass123"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_PASSWORD"));
    let (status, body) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"current_password": null, "new_password": "Newpass123"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "PASSWORD_REQUIRED"));
    let (status, body) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"current_password": "Secret123", "new_password": "weak"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"current_password": "Secret123", "new_password": "Newpass123"})),
    )
    .await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Newpass123"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn providers_and_unlink() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let (status, body) = call(&app, Method::GET, "/api/users/me/providers", Some(t), None).await;
    assert_eq!(status, 200);
    let list = body["providers"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["provider"], "email");
    assert_eq!(list[0]["has_password"], true);
    assert!(list[0]["linked_at"].is_string());

    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/facebook",
        Some(t),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_PROVIDER"));
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/email",
        Some(t),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "CANNOT_UNLINK_LAST_PROVIDER"));

    // add a google row directly, then unlinking works and email unlink nulls the hash
    let mut conn = app.db.connect().await;
    use diesel_async::RunQueryDsl;
    diesel::sql_query(
        "INSERT INTO auth_providers (user_id, provider, provider_user_id, provider_email, linked_at) \
         SELECT id, 'google', 'sub-1', 'ann@gmail.com', NOW() + interval '1 second' FROM users",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let (_, body) = call(&app, Method::GET, "/api/users/me/providers", Some(t), None).await;
    let list = body["providers"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[1],
        json!({"provider": "google", "provider_email": "ann@gmail.com", "linked_at": list[1]["linked_at"]})
    );
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/email",
        Some(t),
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/google",
        Some(t),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "CANNOT_UNLINK_LAST_PROVIDER"));

    // a password-less user sets a first password; current_password given → NO_PASSWORD
    let path = "/api/users/me/password";
    let (status, body) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"current_password": "Secret123", "new_password": "Newpass123"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "NO_PASSWORD"));
    let (status, _) = call(
        &app,
        Method::POST,
        path,
        Some(t),
        Some(json!({"new_password": "Newpass123"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = call(&app, Method::GET, "/api/users/me/providers", Some(t), None).await;
    let names: Vec<&str> = body["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["provider"].as_str().unwrap())
        .collect();
    // the google row was stamped a second ahead, the new email row now
    assert_eq!(names, vec!["email", "google"]);
    // now unlink google; unlinking it again → 404 would need 2 providers: add google back
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/google",
        Some(t),
        None,
    )
    .await;
    assert_eq!(status, 200);
    diesel::sql_query("INSERT INTO auth_providers (user_id, provider, provider_user_id) SELECT id, 'facebook', 'f' FROM users")
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/auth/unlink/google",
        Some(t),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (404, "PROVIDER_NOT_FOUND"));
}
