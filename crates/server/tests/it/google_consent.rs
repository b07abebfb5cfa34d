//! Google sign-up: consent, age flag, and accounts in their deletion grace period.

use crate::app::{TestApp, spawn_app_with};
use diesel_async::RunQueryDsl;
use pursue_testkit::fakes::google::{self, CLIENT_ID, GoogleFake};
use reqwest::Method;
use serde_json::json;

use crate::auth_support::{call, code, post, s};

async fn app_with_google(fake: &GoogleFake) -> TestApp {
    let url = fake.jwks_url();
    spawn_app_with(|c| {
        c.google_client_ids = vec![CLIENT_ID.into()];
        c.google_jwks_url = url;
    })
    .await
}

#[tokio::test]
async fn a_new_google_account_needs_consent_and_is_not_age_verified() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let token = google::id_token(&google::claims("sub-1", "gina@gmail.com"));
    for body in [
        json!({"id_token": token}),
        json!({"id_token": token, "consent_agreed": false}),
    ] {
        let (status, res) = post(&app, "/api/auth/google", body).await;
        assert_eq!((status, code(&res)), (422, "CONSENT_REQUIRED"), "{res}");
    }
    let mut conn = app.db.connect().await;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count = |sql: &'static str| diesel::sql_query(sql);
    let n: N = count("SELECT COUNT(*) AS n FROM users")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(n.n, 0, "nothing is written before consent");

    let (status, res) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": token, "consent_agreed": true,
               "consent_terms_version": "Feb 11, 2026", "consent_privacy_version": "Mar 3, 2026"}),
    )
    .await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(res["user"]["has_date_of_birth"], false);
    let n: N = count("SELECT COUNT(*) AS n FROM user_consents WHERE action = 'grant'")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(n.n, 2);

    // Signing in again needs no consent.
    let (status, res) = post(&app, "/api/auth/google", json!({"id_token": token})).await;
    assert_eq!((status, res["is_new_user"].as_bool()), (200, Some(false)));
    assert_eq!(res["user"]["has_date_of_birth"], false);
}

#[tokio::test]
async fn a_google_identity_in_its_deletion_grace_period_is_account_deleted() {
    let fake = GoogleFake::start().await;
    let app = app_with_google(&fake).await;
    let token = google::id_token(&google::claims("sub-1", "gina@gmail.com"));
    let (status, res) = post(
        &app,
        "/api/auth/google",
        json!({"id_token": token, "consent_agreed": true}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/users/me",
        Some(s(&res, "access_token")),
        Some(json!({"confirmation": "Delete"})),
    )
    .await;
    assert_eq!(status, 204);
    let purge = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    // By `sub`, and by e-mail under another Google identity.
    let other = google::id_token(&google::claims("sub-2", "gina@gmail.com"));
    for t in [&token, &other] {
        let (status, res) = post(
            &app,
            "/api/auth/google",
            json!({"id_token": t, "consent_agreed": true}),
        )
        .await;
        assert_eq!((status, code(&res)), (401, "ACCOUNT_DELETED"), "{res}");
        assert_eq!(
            res["error"]["message"],
            format!("This account was deleted; its email can be used again after {purge}.")
        );
    }
}
