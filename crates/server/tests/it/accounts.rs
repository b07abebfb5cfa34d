//! Registration, sign-in and authentication over HTTP.

use crate::app::{TestApp, spawn_app};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn register(app: &TestApp, email: &str) -> Value {
    let (status, body) = post(
        app,
        "/api/auth/register",
        json!({"email": email, "password": "Secret123", "display_name": "Ann", "date_of_birth": "1990-01-01", "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app
        .client
        .get(app.url("/api/users/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn register_returns_tokens_and_the_user() {
    let app = spawn_app().await;
    let body = register(&app, "  Ann@Example.COM ").await;
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refresh_token"].is_string());
    let user = &body["user"];
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["display_name"], "Ann");
    assert_eq!(user["has_avatar"], false);
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user["updated_at"].is_string());
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());

    let (status, profile) = me(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(profile["id"], user["id"]);
    assert_eq!(profile["email"], "ann@example.com");

    // one users row, one email provider row, one refresh token stored as a SHA-256 hash
    let mut conn = app.db.connect().await;
    use pursue_postgres::schema::{auth_providers, refresh_tokens};
    let providers: Vec<(String, String)> = auth_providers::table
        .select((auth_providers::provider, auth_providers::provider_user_id))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        providers,
        vec![("email".to_string(), "ann@example.com".to_string())]
    );
    let hashes: Vec<String> = refresh_tokens::table
        .select(refresh_tokens::token_hash)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].len(), 64);
    assert_ne!(hashes[0], body["refresh_token"].as_str().unwrap());
}

#[tokio::test]
async fn register_rejects_duplicates_and_bad_input() {
    let app = spawn_app().await;
    register(&app, "ann@example.com").await;
    let (status, body) = post(
        &app,
        "/api/auth/register",
        json!({"email": "ANN@example.com", "password": "Secret123", "display_name": "Other", "date_of_birth": "1990-01-01", "consent_agreed": true}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("EMAIL_EXISTS"))
    );

    for (payload, field) in [
        (
            json!({"email": "not-an-email", "password": "Secret123", "display_name": "A"}),
            "email",
        ),
        (
            json!({"email": "b@example.com", "password": "short1A", "display_name": "A"}),
            "password",
        ),
        (
            json!({"email": "b@example.com", "password": "alllowercase1", "display_name": "A"}),
            "password",
        ),
        (
            json!({"email": "b@example.com", "password": "NoDigitsHere", "display_name": "A"}),
            "password",
        ),
        (
            json!({"email": "b@example.com", "password": "Secret123", "display_name": ""}),
            "display_name",
        ),
        (
            json!({"email": "b@example.com", "password": "Secret123", "display_name": "x".repeat(101)}),
            "display_name",
        ),
        (
            json!({"email": "b@example.com", "password": "Secret123"}),
            "display_name",
        ),
    ] {
        let (status, body) = post(&app, "/api/auth/register", payload.clone()).await;
        assert_eq!(status, 400, "{payload}: {body}");
        assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
        let paths: Vec<&Value> = body["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["path"])
            .collect();
        assert!(paths.contains(&&json!([field])), "{payload}: {body}");
    }
    // unknown keys from newer clients are ignored (D11)
    let (status, _) = post(
        &app,
        "/api/auth/register",
        json!({"email": "c@example.com", "password": "Secret123", "display_name": "C",
               "consent_agreed": true, "date_of_birth": "1990-01-01"}),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn login_succeeds_and_fails_uniformly() {
    let app = spawn_app().await;
    register(&app, "ann@example.com").await;
    let (status, body) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ANN@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "ann@example.com");
    assert!(body["user"].get("created_at").is_none());
    let (status, _) = me(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);

    let (s1, wrong) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Wrong1234"}),
    )
    .await;
    let (s2, unknown) = post(
        &app,
        "/api/auth/login",
        json!({"email": "nobody@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(
        wrong, unknown,
        "same body for unknown e-mail and wrong password"
    );
    assert_eq!(wrong["error"]["code"], "INVALID_CREDENTIALS");

    let (status, body) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": ""}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
}

#[tokio::test]
async fn bcrypt_era_users_log_in_and_are_upgraded_to_argon2id() {
    let app = spawn_app().await;
    let legacy = bcrypt::hash("Secret123", 10).unwrap();
    let mut conn = app.db.connect().await;
    use pursue_postgres::schema::users;
    diesel::insert_into(users::table)
        .values((
            users::email.eq("old@example.com"),
            users::display_name.eq("Old"),
            users::password_hash.eq(&legacy),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "old@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 200);
    let stored: Option<String> = users::table
        .filter(users::email.eq("old@example.com"))
        .select(users::password_hash)
        .first(&mut conn)
        .await
        .unwrap();
    let stored = stored.unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    let (status, _) = post(
        &app,
        "/api/auth/login",
        json!({"email": "old@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 200, "the upgraded hash works");
}

#[tokio::test]
async fn bearer_tokens_are_checked() {
    let app = spawn_app().await;
    let body = register(&app, "ann@example.com").await;
    let token = body["access_token"].as_str().unwrap();

    let res = app
        .client
        .get(app.url("/api/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "UNAUTHORIZED"
    );
    let res = app
        .client
        .get(app.url("/api/users/me"))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "UNAUTHORIZED"
    );
    // The scheme is right but the token is empty: a bad token, not a missing header.
    for header in ["Bearer ", "Bearer", "Bearer    "] {
        let res = app
            .client
            .get(app.url("/api/users/me"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.json::<Value>().await.unwrap()["error"]["code"],
            "INVALID_TOKEN",
            "{header:?}"
        );
    }

    for bad in [
        "garbage",
        &format!("{token}x"),
        body["refresh_token"].as_str().unwrap(),
    ] {
        let (status, body) = me(&app, bad).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("INVALID_TOKEN")),
            "{bad}"
        );
    }

    // a soft-deleted user's token stops working at once
    let mut conn = app.db.connect().await;
    use pursue_postgres::schema::users;
    diesel::update(users::table)
        .set(users::deleted_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, body) = me(&app, token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("INVALID_TOKEN"))
    );
}
