//! Google sign-in and linking against a local JWKS fake.

use crate::app::{TestApp, spawn_app, spawn_app_with};
use pursue_testkit::fakes::google::{self, CLIENT_ID, GoogleFake, SigningKey};
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, post, register, s};

async fn app_with_google(fake: &GoogleFake) -> TestApp {
    let url = fake.jwks_url();
    spawn_app_with(|c| {
        c.google_client_ids = vec!["other-client".into(), CLIENT_ID.into()];
        c.google_jwks_url = url;
    })
    .await
}

#[tokio::test]
async fn google_sign_in_creates_then_finds_by_sub() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let token = google::id_token(&google::claims("sub-1", "Gina@Gmail.com"));
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": token, "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["is_new_user"], true);
    assert_eq!(body["user"]["email"], "gina@gmail.com");
    assert_eq!(body["user"]["display_name"], "Gina Google");
    assert_eq!(body["user"]["has_avatar"], false);
    assert!(body["user"]["updated_at"].is_string());
    let (status, again) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": token, "consent_agreed": true}),
    )
    .await;
    assert_eq!((status, again["is_new_user"].as_bool()), (200, Some(false)));
    assert_eq!(again["user"]["id"], body["user"]["id"]);
    let (status, _) = post(
        &app,
        "/api/auth/refresh",
        json!({"refresh_token": s(&again, "refresh_token")}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, providers) = call(
        &app,
        Method::GET,
        "/api/users/me/providers",
        Some(s(&again, "access_token")),
        None,
    )
    .await;
    assert_eq!(providers["providers"][0]["provider"], "google");
    assert_eq!(providers["providers"].as_array().unwrap().len(), 1);
    // keys were fetched once and cached
    assert_eq!(fake.jwks_fetches().await, 1);
}

#[tokio::test]
async fn google_links_by_verified_email_only() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let ann = register(&app, "ann@example.com").await;
    let mut unverified = google::claims("sub-ann", "ann@example.com");
    unverified["email_verified"] = json!(false);
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": google::id_token(&unverified), "consent_agreed": true}),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "INVALID_GOOGLE_TOKEN"));

    let verified = google::id_token(&google::claims("sub-ann", "ann@example.com"));
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": verified, "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["is_new_user"], false);
    assert_eq!(body["user"]["id"], ann["user"]["id"]);
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let base = google::claims("sub-x", "x@gmail.com");
    let now = chrono::Utc::now().timestamp();
    let mut expired = base.clone();
    expired["exp"] = json!(now - 3600);
    expired["iat"] = json!(now - 7200);
    let mut wrong_aud = base.clone();
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_iss = base.clone();
    wrong_iss["iss"] = json!("https://evil.example");
    for (name, token) in [
        (
            "bad signature",
            google::sign(&base, SigningKey::Unpublished, google::KID),
        ),
        (
            "unknown kid",
            google::sign(&base, SigningKey::Unpublished, "other-kid"),
        ),
        ("expired", google::id_token(&expired)),
        ("wrong audience", google::id_token(&wrong_aud)),
        ("wrong issuer", google::id_token(&wrong_iss)),
    ] {
        let (status, body) = post(
            &app,
            "/api/auth/google",
            json!({"id_token": token, "consent_agreed": true}),
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (401, "INVALID_GOOGLE_TOKEN"),
            "{name}"
        );
    }
    for body in [json!({}), json!({"id_token": "not-a-jwt"})] {
        let (status, res) = post(&app, "/api/auth/google", body).await;
        assert_eq!((status, code(&res)), (400, "VALIDATION_ERROR"));
    }
}

#[tokio::test]
async fn link_google_and_conflicts() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let ann = register(&app, "ann@example.com").await;
    let bob = register(&app, "bob@example.com").await;
    let t = s(&ann, "access_token");
    let token = google::id_token(&google::claims("sub-ann", "Ann.G@gmail.com"));
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/link/google",
        Some(t),
        Some(json!({"id_token": token, "consent_agreed": true})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({"success": true, "provider": "google", "provider_email": "ann.g@gmail.com"})
        )
    );
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/link/google",
        Some(t),
        Some(json!({"id_token": google::id_token(&google::claims("sub-2", "a@gmail.com")), "consent_agreed": true})),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "ALREADY_LINKED"));
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/link/google",
        Some(s(&bob, "access_token")),
        Some(json!({"id_token": token, "consent_agreed": true})),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "GOOGLE_ACCOUNT_IN_USE"));
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/auth/link/google",
        None,
        Some(json!({"id_token": token, "consent_agreed": true})),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "UNAUTHORIZED"));
}

#[tokio::test]
async fn without_a_client_id_google_answers_503() {
    let app = spawn_app().await;
    let (status, body) = post(&app, "/api/auth/google", json!({"id_token": "a.b.c"})).await;
    assert_eq!((status, code(&body)), (503, "GOOGLE_SIGNIN_DISABLED"));
}

async fn avatar_status(app: &TestApp, user_id: &str) -> (u16, Vec<u8>) {
    let (status, _, bytes) =
        crate::image_support::fetch(app, &format!("/api/users/{user_id}/avatar"), None).await;
    (status, bytes)
}

async fn wait_for_avatar(app: &TestApp, user_id: &str) -> Vec<u8> {
    for _ in 0..200 {
        let (status, bytes) = avatar_status(app, user_id).await;
        if status == 200 {
            return bytes;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no avatar was imported for {user_id}");
}

#[tokio::test]
async fn a_new_google_user_gets_the_profile_picture_as_avatar() {
    let fake = GoogleFake::start().await;
    let picture = fake
        .serve_picture(
            "gina.jpg",
            crate::image_support::jpeg(640, 480),
            "image/jpeg",
        )
        .await;
    let app = app_with_google(&fake).await;
    let mut claims = google::claims("sub-pic", "gina@gmail.com");
    claims["picture"] = json!(picture);
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": google::id_token(&claims), "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["user"]["id"].as_str().unwrap().to_string();
    let served = wait_for_avatar(&app, &id).await;
    crate::image_support::assert_square_webp(&served);
    let (_, me) = call(
        &app,
        Method::GET,
        "/api/users/me",
        Some(s(&body, "access_token")),
        None,
    )
    .await;
    assert_eq!(me["has_avatar"], true, "{me}");
}

#[tokio::test]
async fn a_missing_picture_never_blocks_sign_in_and_avatars_are_not_replaced() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;

    // The picture URL answers 404: the sign-in still succeeds, without an avatar.
    let mut claims = google::claims("sub-404", "nopic@gmail.com");
    claims["picture"] = json!(fake.picture_url("missing.jpg"));
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": google::id_token(&claims), "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["user"]["id"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(avatar_status(&app, &id).await.0, 404);

    // An e-mail account with its own avatar links Google: its avatar stays.
    let ann = register(&app, "ann@example.com").await;
    let ann_token = s(&ann, "access_token").to_string();
    let ann_id = ann["user"]["id"].as_str().unwrap().to_string();
    let support_user = crate::support::User {
        token: ann_token.clone(),
        id: ann_id.clone(),
    };
    let own = crate::image_support::encoded(64, 64, image::ImageFormat::Png);
    let (status, _) =
        crate::image_support::upload_avatar(&app, &support_user, &own, "image/png").await;
    assert_eq!(status, 200);
    let before = wait_for_avatar(&app, &ann_id).await;
    let picture = fake
        .serve_picture(
            "ann.jpg",
            crate::image_support::jpeg(300, 300),
            "image/jpeg",
        )
        .await;
    let mut claims = google::claims("sub-ann", "ann@example.com");
    claims["picture"] = json!(picture);
    let (status, body) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": google::id_token(&claims), "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        avatar_status(&app, &ann_id).await.1,
        before,
        "the avatar was replaced"
    );
}
