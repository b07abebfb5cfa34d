//! A Google JWKS endpoint and an ID-token minter with locally generated RSA keys
//! (`fixtures/google-test-key-{1,2}.pem`, test-only).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The audience the fake's tokens carry by default (configure it as `GOOGLE_CLIENT_ID`).
pub const CLIENT_ID: &str = "pursue-test.apps.googleusercontent.com";
/// Key id of the published key.
pub const KID: &str = "pursue-test-key-1";

const KEY_1: &str = include_str!("../../fixtures/google-test-key-1.pem");
const KEY_1_N: &str = include_str!("../../fixtures/google-test-key-1.n");
const KEY_2: &str = include_str!("../../fixtures/google-test-key-2.pem");

/// Which private key signs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKey {
    /// The key published in the JWKS.
    Published,
    /// A key the JWKS does not contain (bad signature).
    Unpublished,
}

/// The fake JWKS server.
pub struct GoogleFake {
    /// The wiremock server.
    pub server: MockServer,
}

/// The JWKS document the fake serves.
pub fn jwks() -> Value {
    json!({"keys": [{
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID,
        "n": KEY_1_N.trim(), "e": "AQAB"
    }]})
}

impl GoogleFake {
    /// Serves the JWKS at `/oauth2/v3/certs` with `Cache-Control: max-age=300`.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/oauth2/v3/certs"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("cache-control", "public, max-age=300, must-revalidate")
                    .set_body_json(jwks()),
            )
            .mount(&server)
            .await;
        Self { server }
    }

    /// The URL to configure as `GOOGLE_JWKS_URL`.
    pub fn jwks_url(&self) -> String {
        format!("{}/oauth2/v3/certs", self.server.uri())
    }

    /// How many times the JWKS was fetched.
    pub async fn jwks_fetches(&self) -> usize {
        self.server
            .received_requests()
            .await
            .map(|r| {
                r.iter()
                    .filter(|req| req.url.path() == "/oauth2/v3/certs")
                    .count()
            })
            .unwrap_or(0)
    }

    /// Serves `bytes` as `content_type` at `/pictures/<name>` (a profile picture for the
    /// `picture` claim) and returns its URL; other names under `/pictures/` answer 404.
    pub async fn serve_picture(&self, name: &str, bytes: Vec<u8>, content_type: &str) -> String {
        Mock::given(method("GET"))
            .and(path(format!("/pictures/{name}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", content_type)
                    .set_body_bytes(bytes),
            )
            .mount(&self.server)
            .await;
        self.picture_url(name)
    }

    /// The URL `serve_picture(name, …)` serves at (404 until it is served).
    pub fn picture_url(&self, name: &str) -> String {
        format!("{}/pictures/{name}", self.server.uri())
    }
}

/// Valid claims for `sub` and `email`: issuer, audience [`CLIENT_ID`], expiry in an hour,
/// verified e-mail, a name and a picture.
pub fn claims(sub: &str, email: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": "https://accounts.google.com",
        "aud": CLIENT_ID,
        "sub": sub,
        "email": email,
        "email_verified": true,
        "name": "Gina Google",
        "picture": "https://example.invalid/photo.jpg",
        "iat": now,
        "exp": now + 3600,
    })
}

/// A token with `claims`, signed by `key` under `kid`.
pub fn sign(claims: &Value, key: SigningKey, kid: &str) -> String {
    let pem = match key {
        SigningKey::Published => KEY_1,
        SigningKey::Unpublished => KEY_2,
    };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("test RSA key");
    jsonwebtoken::encode(&header, claims, &key).expect("signing a test ID token")
}

/// A valid token with `claims`, signed by the published key.
pub fn id_token(claims: &Value) -> String {
    sign(claims, SigningKey::Published, KID)
}
