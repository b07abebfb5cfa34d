//! Device endpoints (docs/API.md, Devices) over HTTP.

use crate::app::{TestApp, spawn_app};
use serde_json::{Value, json};

use crate::support::*;

async fn register_device(app: &TestApp, user: &User, body: Value) -> (u16, Value) {
    post(app, "/api/devices/register", user, body).await
}

fn ids(list: &Value) -> Vec<String> {
    list["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn register_list_and_delete_own_devices() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;

    let (status, first) = register_device(
        &app,
        &ann,
        json!({"fcm_token": "token-phone", "device_name": "Pixel 8", "platform": "android"}),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["device_name"], "Pixel 8");
    assert_eq!(first["platform"], "android");
    assert!(first["id"].is_string());
    assert_eq!(first.as_object().unwrap().len(), 3, "{first}");

    let (status, second) = register_device(&app, &ann, json!({"fcm_token": "token-tablet"})).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["device_name"], Value::Null);
    assert_eq!(second["platform"], Value::Null);

    let (status, list) = get(&app, "/api/devices", &ann).await;
    assert_eq!(status, 200, "{list}");
    // Most recently active first.
    assert_eq!(
        ids(&list),
        vec![
            second["id"].as_str().unwrap().to_string(),
            first["id"].as_str().unwrap().to_string()
        ]
    );
    let item = &list["devices"][1];
    for key in ["id", "device_name", "platform", "last_active", "created_at"] {
        assert!(item.get(key).is_some(), "{key} missing in {item}");
    }

    // Re-registering the phone updates it in place and makes it the most recent.
    let (status, again) = register_device(
        &app,
        &ann,
        json!({"fcm_token": "token-phone", "device_name": "Pixel 9", "platform": "android"}),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["device_name"], "Pixel 9");
    let (_, list) = get(&app, "/api/devices", &ann).await;
    assert_eq!(ids(&list)[0], first["id"].as_str().unwrap());
    assert_eq!(ids(&list).len(), 2);

    let (status, _) = delete(
        &app,
        &format!("/api/devices/{}", first["id"].as_str().unwrap()),
        &ann,
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = get(&app, "/api/devices", &ann).await;
    assert_eq!(ids(&list), vec![second["id"].as_str().unwrap().to_string()]);

    // Deleting it again: gone.
    let (status, body) = delete(
        &app,
        &format!("/api/devices/{}", first["id"].as_str().unwrap()),
        &ann,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "DEVICE_NOT_FOUND");
}

#[tokio::test]
async fn a_token_moves_to_the_account_that_registers_it() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let (_, device) = register_device(&app, &ann, json!({"fcm_token": "shared-phone"})).await;
    let (status, moved) = register_device(
        &app,
        &bob,
        json!({"fcm_token": "shared-phone", "platform": "ios"}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["id"], device["id"], "the same row, reassigned");
    assert_eq!(moved["platform"], "ios");
    let (_, anns) = get(&app, "/api/devices", &ann).await;
    assert!(ids(&anns).is_empty(), "{anns}");
    let (_, bobs) = get(&app, "/api/devices", &bob).await;
    assert_eq!(ids(&bobs), vec![device["id"].as_str().unwrap().to_string()]);
}

#[tokio::test]
async fn other_peoples_and_malformed_devices_are_not_found() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let (_, device) = register_device(&app, &ann, json!({"fcm_token": "anns-phone"})).await;
    let id = device["id"].as_str().unwrap();

    let (status, body) = delete(&app, &format!("/api/devices/{id}"), &bob).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "DEVICE_NOT_FOUND");
    let (_, anns) = get(&app, "/api/devices", &ann).await;
    assert_eq!(ids(&anns).len(), 1, "bob's attempt deleted nothing");

    let (status, body) = delete(&app, "/api/devices/not-a-uuid", &bob).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "DEVICE_NOT_FOUND");
}

#[tokio::test]
async fn bad_bodies_are_validation_errors_and_change_nothing() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    for body in [
        json!({}),
        json!({"fcm_token": ""}),
        json!({"fcm_token": "x".repeat(257)}),
        json!({"fcm_token": 42}),
        json!({"fcm_token": "ok", "platform": "windows"}),
        json!({"fcm_token": "ok", "device_name": "n".repeat(129)}),
    ] {
        let (status, res) = register_device(&app, &ann, body.clone()).await;
        assert_eq!(status, 400, "{body} → {res}");
        assert_eq!(res["error"]["code"], "VALIDATION_ERROR", "{body} → {res}");
    }
    let (_, list) = get(&app, "/api/devices", &ann).await;
    assert!(ids(&list).is_empty(), "{list}");

    // Unknown keys are ignored (D11); the longest token is accepted.
    let (status, res) = register_device(
        &app,
        &ann,
        json!({"fcm_token": "x".repeat(256), "app_version": "1.2"}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
}

#[tokio::test]
async fn device_routes_need_a_token() {
    let app = spawn_app().await;
    for (method, path) in [
        (reqwest::Method::POST, "/api/devices/register"),
        (reqwest::Method::GET, "/api/devices"),
        (
            reqwest::Method::DELETE,
            "/api/devices/67e55044-10b1-426f-9247-bb680e5fe0c8",
        ),
    ] {
        let (status, body) = call(&app, method, path, None, Some(json!({"fcm_token": "t"}))).await;
        assert_eq!(status, 401, "{path}: {body}");
    }
}
