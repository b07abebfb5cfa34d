//! The fake itself: it must refuse what Google would refuse.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::fcm::{FAKE_CLIENT_EMAIL, FCM_SCOPE, FcmFake};
use super::keys::test_keys;

fn assertion(fake: &FcmFake, issuer: &str, scope: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"iss": issuer, "scope": scope, "aud": fake.token_uri(),
                        "iat": now, "exp": now + 3600});
    let key = EncodingKey::from_rsa_pem(test_keys().private_key_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap()
}

async fn grant(fake: &FcmFake, assertion: &str) -> (u16, Value) {
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
    );
    let response = reqwest::Client::new()
        .post(fake.token_uri())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn the_token_endpoint_checks_signature_issuer_and_scope() {
    let fake = FcmFake::start().await;
    let good = assertion(&fake, FAKE_CLIENT_EMAIL, FCM_SCOPE);
    let (status, body) = grant(&fake, &good).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["access_token"], "fake-access-1");
    assert_eq!(body["expires_in"], 3600);

    // Same header and signature, another payload: the signature no longer matches.
    let other = assertion(&fake, "intruder@example.com", FCM_SCOPE);
    let mut parts: Vec<&str> = good.split('.').collect();
    parts[1] = other.split('.').nth(1).unwrap();
    let (status, body) = grant(&fake, &parts.join(".")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let (status, _) = grant(&fake, &other).await;
    assert_eq!(status, 400, "unknown issuer");
    let (status, body) = grant(&fake, &assertion(&fake, FAKE_CLIENT_EMAIL, "email")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    assert_eq!(fake.token_requests(), 4);
    assert_eq!(fake.issued_tokens(), ["fake-access-1"]);
}

#[tokio::test]
async fn the_send_endpoint_wants_a_valid_bearer_and_string_data() {
    let fake = FcmFake::start().await;
    let (_, token) = grant(&fake, &assertion(&fake, FAKE_CLIENT_EMAIL, FCM_SCOPE)).await;
    let token = token["access_token"].as_str().unwrap().to_string();
    let url = format!(
        "{}/v1/projects/{}/messages:send",
        fake.base_url(),
        fake.project_id()
    );
    let client = reqwest::Client::new();
    let send = |bearer: String, body: Value| {
        let request = client.post(&url).bearer_auth(bearer).json(&body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let message = |data: Value| {
        json!({"message": {"token": "t", "notification": {"title": "T", "body": "B"},
                           "data": data}})
    };
    assert_eq!(send("nope".into(), message(json!({}))).await, 401);
    assert_eq!(send(token.clone(), message(json!({"n": 1}))).await, 400);
    assert_eq!(send(token.clone(), message(json!({"n": "1"}))).await, 200);
    fake.revoke_access_tokens();
    assert_eq!(send(token, message(json!({}))).await, 401);
    assert_eq!(fake.send_requests(), 4);
    let received = fake.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].data["n"], "1");
    assert_eq!(received[0].title.as_deref(), Some("T"));
}
