//! The verifier against a local JWKS fake with locally generated RSA keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use pursue_google::{GoogleConfig, GoogleIdTokens};
use pursue_ports::google::{GoogleError, GoogleVerifier};
use pursue_testkit::fakes::google::{self, CLIENT_ID, GoogleFake, KID, SigningKey};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn verifier(url: String, min_refetch: Duration) -> GoogleIdTokens {
    let mut config = GoogleConfig::new(url, vec!["a".into(), CLIENT_ID.into()]);
    config.min_refetch = min_refetch;
    GoogleIdTokens::new(config).unwrap()
}

#[tokio::test]
async fn verifies_and_caches_keys() {
    let fake = GoogleFake::start().await;
    let v = verifier(fake.jwks_url(), Duration::from_secs(3600));
    let mut claims = google::claims("sub-1", "a@gmail.com");
    claims["email_verified"] = json!("true");
    claims["iss"] = json!("accounts.google.com");
    let id = v.verify(&google::id_token(&claims)).await.unwrap();
    assert_eq!(
        (id.sub.as_str(), id.email.as_str(), id.email_verified),
        ("sub-1", "a@gmail.com", true)
    );
    assert_eq!(id.name.as_deref(), Some("Gina Google"));
    v.verify(&google::id_token(&claims)).await.unwrap();
    assert_eq!(fake.jwks_fetches().await, 1);
    // an unknown kid inside the refetch bound: refused without another fetch
    let other = google::sign(&claims, SigningKey::Unpublished, "rotated-key");
    assert!(matches!(v.verify(&other).await, Err(GoogleError::Invalid)));
    assert_eq!(fake.jwks_fetches().await, 1);
}

#[tokio::test]
async fn unknown_kids_refetch_when_allowed() {
    let fake = GoogleFake::start().await;
    let v = verifier(fake.jwks_url(), Duration::ZERO);
    let claims = google::claims("sub-1", "a@gmail.com");
    v.verify(&google::id_token(&claims)).await.unwrap();
    let other = google::sign(&claims, SigningKey::Unpublished, "rotated-key");
    assert!(matches!(v.verify(&other).await, Err(GoogleError::Invalid)));
    assert_eq!(fake.jwks_fetches().await, 2);
}

#[tokio::test]
async fn honours_cache_control() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("cache-control", "no-store")
                .set_body_json(google::jwks()),
        )
        .mount(&server)
        .await;
    let v = verifier(server.uri(), Duration::from_secs(3600));
    let token = google::id_token(&google::claims("s", "a@gmail.com"));
    v.verify(&token).await.unwrap();
    v.verify(&token).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn refuses_bad_tokens() {
    let fake = GoogleFake::start().await;
    let v = verifier(fake.jwks_url(), Duration::from_secs(3600));
    let base = google::claims("sub-1", "a@gmail.com");
    let now = chrono::Utc::now().timestamp();
    let mut expired = base.clone();
    expired["exp"] = json!(now - 600);
    let mut aud = base.clone();
    aud["aud"] = json!("nope");
    let mut iss = base.clone();
    iss["iss"] = json!("https://accounts.google.com.evil");
    let mut no_email = base.clone();
    no_email.as_object_mut().unwrap().remove("email");
    for (name, token) in [
        (
            "signature",
            google::sign(&base, SigningKey::Unpublished, KID),
        ),
        ("expired", google::id_token(&expired)),
        ("audience", google::id_token(&aud)),
        ("issuer", google::id_token(&iss)),
        ("no email", google::id_token(&no_email)),
    ] {
        assert!(
            matches!(v.verify(&token).await, Err(GoogleError::Invalid)),
            "{name}"
        );
    }
    // HS256 with the same header kid: algorithm refused
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some(KID.into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &base,
        &jsonwebtoken::EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    assert!(matches!(v.verify(&hs).await, Err(GoogleError::Invalid)));
    assert!(matches!(
        v.verify("not a jwt").await,
        Err(GoogleError::Malformed)
    ));
}

#[tokio::test]
async fn unreachable_keys_are_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let v = verifier(server.uri(), Duration::ZERO);
    let token = google::id_token(&google::claims("s", "a@gmail.com"));
    assert!(matches!(
        v.verify(&token).await,
        Err(GoogleError::Unavailable(_))
    ));
}
