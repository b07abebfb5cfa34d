//! A newcomer's first session exactly as the shipped app sends it: sign-up → consents →
//! profile → subscription → delete. No call may meet a 404 or a sign-out code.

use crate::app::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// Sends what the app's `ApiClient` sends: JSON body, bearer token, `Accept` JSON.
pub async fn app_call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method.clone(), app.url(path))
        .header("Accept", "application/json")
        .header("User-Agent", "okhttp/4.12.0");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json; charset=utf-8")
            .body(b.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    assert!(
        matches!(status, 200 | 201 | 204),
        "{method} {path} → {status} {body}: the app would fail or sign out"
    );
    (status, body)
}

#[tokio::test]
async fn sign_up_consent_profile_subscription_delete() {
    let app = spawn_app().await;
    // Sign-up screen: date of birth, consent checkbox, the policy versions it showed.
    let (status, session) = app_call(
        &app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({
            "email": "newcomer@example.com", "password": "Newcomer1", "display_name": "Nia",
            "date_of_birth": "1995-07-14", "consent_agreed": true,
            "consent_terms_version": "Feb 11, 2026", "consent_privacy_version": "Mar 3, 2026",
        })),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(session["user"]["has_date_of_birth"], true);
    let token = session["access_token"].as_str().unwrap().to_string();
    let t = Some(token.as_str());

    // Every launch: the user, then the re-consent check.
    let (_, me) = app_call(&app, Method::GET, "/api/users/me", t, None).await;
    assert_eq!(me["has_date_of_birth"], true);
    let (_, consents) = app_call(&app, Method::GET, "/api/users/me/consents", t, None).await;
    let types: Vec<_> = consents["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["consent_type"].as_str().unwrap().to_string())
        .collect();
    assert!(
        types.contains(&"terms Feb 11, 2026".to_string()),
        "{types:?}"
    );
    // Privacy settings: analytics on, crash reporting off.
    app_call(
        &app,
        Method::POST,
        "/api/users/me/consents",
        t,
        Some(json!({"consent_types": ["analytics"], "action": "grant"})),
    )
    .await;
    app_call(
        &app,
        Method::POST,
        "/api/users/me/consents",
        t,
        Some(json!({"consent_types": ["crash_reporting"], "action": "revoke"})),
    )
    .await;
    let (_, status_body) =
        app_call(&app, Method::GET, "/api/users/me/consents/status", t, None).await;
    assert_eq!(status_body["status"]["crash_reporting"]["action"], "revoke");

    // Profile: the DOB gate (already passed) and a new name.
    let (_, profile) = app_call(
        &app,
        Method::PATCH,
        "/api/users/me",
        t,
        Some(json!({"display_name": "Nia R", "date_of_birth": "1995-07-14"})),
    )
    .await;
    assert_eq!(profile["display_name"], "Nia R");
    app_call(&app, Method::GET, "/api/users/me/providers", t, None).await;

    // Profile tab and the create-group gate.
    let (_, sub) = app_call(&app, Method::GET, "/api/users/me/subscription", t, None).await;
    assert_eq!(
        (sub["tier"].as_str(), sub["can_create_group"].as_bool()),
        (Some("free"), Some(true))
    );
    let (_, el) = app_call(
        &app,
        Method::GET,
        "/api/users/me/subscription/eligibility",
        t,
        None,
    )
    .await;
    assert_eq!(el["can_create_group"], true);
    let (_, group) = app_call(
        &app,
        Method::POST,
        "/api/groups",
        t,
        Some(json!({"name": "Morning runs", "icon_emoji": "🏃"})),
    )
    .await;
    let (_, groups) = app_call(&app, Method::GET, "/api/users/me/groups", t, None).await;
    assert_eq!(groups["groups"][0]["id"], group["id"]);
    let (_, el) = app_call(
        &app,
        Method::GET,
        "/api/users/me/subscription/eligibility",
        t,
        None,
    )
    .await;
    assert_eq!(
        (el["reason"].as_str(), el["upgrade_required"].as_bool()),
        (Some("at_group_limit"), Some(true))
    );
    app_call(&app, Method::GET, "/api/users/me/data", t, None).await;

    // Delete account: the app sends only the confirmation, also for password accounts.
    let (status, _) = app_call(
        &app,
        Method::DELETE,
        "/api/users/me",
        t,
        Some(json!({"confirmation": "delete"})),
    )
    .await;
    assert_eq!(status, 204);
}
