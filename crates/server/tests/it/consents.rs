//! Sign-up with date of birth and consents, the age rule, PATCH date_of_birth, and the
//! consent endpoints.

use crate::app::{TestApp, spawn_app};
use chrono::{Datelike, Duration, Utc};
use diesel::sql_types::{Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};

use crate::auth_support::{call, code, post, register, s};

fn signup(email: &str, dob: &str) -> Value {
    json!({"email": email, "password": "Secret123", "display_name": "Ann",
           "date_of_birth": dob, "consent_agreed": true,
           "consent_terms_version": "Feb 11, 2026", "consent_privacy_version": "Mar 3, 2026"})
}

/// The date `years` years before today (UTC), shifted by `days`.
fn years_ago(years: i32, days: i64) -> String {
    let today = Utc::now().date_naive();
    let mut d = today.with_year(today.year() - years);
    if d.is_none() {
        // 29 February today: the same day `years` ago does not exist.
        d = (today - Duration::days(1)).with_year(today.year() - years);
    }
    (d.unwrap() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[derive(diesel::QueryableByName, Debug)]
struct ConsentRow {
    #[diesel(sql_type = Text)]
    consent_type: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    ip_address: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    agreed_at: chrono::DateTime<Utc>,
}

async fn consent_rows(app: &TestApp) -> Vec<ConsentRow> {
    let mut conn = app.db.connect().await;
    diesel::sql_query(
        "SELECT consent_type, action, ip_address, agreed_at FROM user_consents ORDER BY consent_type",
    )
    .load(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn sign_up_needs_an_adult_birth_date_and_consent() {
    let app = spawn_app().await;
    let missing = [
        ("date_of_birth", json!(null)),
        ("consent_agreed", json!(null)),
        ("consent_agreed", json!(false)),
        ("date_of_birth", json!("2001-02-30")),
        ("date_of_birth", json!("1899-12-31")),
        ("date_of_birth", json!(years_ago(0, 1))),
        ("date_of_birth", json!("01/02/1990")),
        ("consent_terms_version", json!("x".repeat(31))),
    ];
    for (field, value) in missing {
        let mut body = signup("ann@example.com", "1990-01-01");
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
        let (status, res) = post(&app, "/api/auth/register", body).await;
        assert_eq!(
            (status, code(&res)),
            (400, "VALIDATION_ERROR"),
            "{field}={value}"
        );
        assert_eq!(res["error"]["details"][0]["path"], json!([field]), "{res}");
    }
    // Shape errors come before the age rule.
    let mut bad = signup("ann@example.com", &years_ago(10, 0));
    bad["password"] = json!("short");
    let (status, res) = post(&app, "/api/auth/register", bad).await;
    assert_eq!((status, code(&res)), (400, "VALIDATION_ERROR"));

    // One day short of 18 → UNDER_AGE with the message the app matches.
    let (status, res) = post(
        &app,
        "/api/auth/register",
        signup("ann@example.com", &years_ago(18, 1)),
    )
    .await;
    assert_eq!((status, code(&res)), (400, "UNDER_AGE"), "{res}");
    assert_eq!(
        res["error"]["message"],
        "You must be 18 or older to create an account."
    );
    assert!(consent_rows(&app).await.is_empty());

    // The eighteenth birthday is enough.
    let (status, res) = post(
        &app,
        "/api/auth/register",
        signup("ann@example.com", &years_ago(18, 0)),
    )
    .await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(res["user"]["has_date_of_birth"], true);
    assert!(res["user"]["updated_at"].is_string());

    // Age is checked before the e-mail conflict (UNDER_AGE, not 409).
    let (status, res) = post(
        &app,
        "/api/auth/register",
        signup("ann@example.com", &years_ago(17, 0)),
    )
    .await;
    assert_eq!((status, code(&res)), (400, "UNDER_AGE"));
    let (status, res) = post(
        &app,
        "/api/auth/register",
        signup("ann@example.com", "1990-01-01"),
    )
    .await;
    assert_eq!((status, code(&res)), (409, "EMAIL_EXISTS"));
}

#[tokio::test]
async fn sign_up_records_the_configured_policy_versions() {
    let app = spawn_app().await;
    let mut body = signup("ann@example.com", "1990-06-15");
    body["consent_terms_version"] = json!("Jan 1, 2020");
    let (status, res) = post(&app, "/api/auth/register", body).await;
    assert_eq!(status, 201, "{res}");
    let rows = consent_rows(&app).await;
    let types: Vec<_> = rows.iter().map(|r| r.consent_type.as_str()).collect();
    assert_eq!(types, ["privacy policy Mar 3, 2026", "terms Feb 11, 2026"]);
    assert!(rows.iter().all(|r| r.action == "grant"));
    assert!(
        rows.iter()
            .all(|r| r.ip_address.as_deref() == Some("127.0.0.1"))
    );
    assert_eq!(rows[0].agreed_at, rows[1].agreed_at);

    // The consents list, newest first, then by type.
    let t = s(&res, "access_token");
    let (status, list) = call(&app, Method::GET, "/api/users/me/consents", Some(t), None).await;
    assert_eq!(status, 200);
    let got: Vec<_> = list["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["consent_type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["privacy policy Mar 3, 2026", "terms Feb 11, 2026"]);
    assert_eq!(list["consents"][0]["action"], "grant");
    assert!(list["consents"][0]["agreed_at"].is_string());
    assert!(list["consents"][0].get("ip_address").is_none());

    // Login shows the flag too.
    let (status, login) = post(
        &app,
        "/api/auth/login",
        json!({"email": "ann@example.com", "password": "Secret123"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(login["user"]["has_date_of_birth"], true);
}

#[tokio::test]
async fn profile_birth_date_verifies_age_once_and_never_unverifies() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let mut conn = app.db.connect().await;
    diesel::sql_query(
        "UPDATE users SET age_verified = FALSE, updated_at = NOW() - interval '1 hour'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let (_, me) = call(&app, Method::GET, "/api/users/me", Some(t), None).await;
    assert_eq!(me["has_date_of_birth"], false);
    let before = me["updated_at"].clone();

    // Under 18: refused, nothing changes.
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"display_name": "Young", "date_of_birth": years_ago(16, 0)})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "UNDER_AGE"));
    assert_eq!(
        body["error"]["message"],
        "You must be 18 or older to use Pursue."
    );
    let (_, me) = call(&app, Method::GET, "/api/users/me", Some(t), None).await;
    assert_eq!(
        (me["display_name"].as_str(), &me["updated_at"]),
        (Some("Ann"), &before)
    );

    // Invalid dates are validation errors.
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"date_of_birth": "1990-13-01"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));

    // An adult date verifies; the response has exactly the contract's keys.
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"date_of_birth": "1985-02-28"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["has_date_of_birth"], true);
    for key in [
        "id",
        "email",
        "display_name",
        "has_avatar",
        "has_date_of_birth",
        "updated_at",
    ] {
        assert!(body.get(key).is_some(), "{key}: {body}");
    }
    assert_ne!(body["updated_at"], before);
    let after = body["updated_at"].clone();

    // Nothing to change → no write (the avatar cache key stays).
    let (status, body) = call(
        &app,
        Method::PATCH,
        "/api/users/me",
        Some(t),
        Some(json!({"date_of_birth": "1970-01-01", "display_name": "Ann"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["updated_at"], &body["has_date_of_birth"]),
        (&after, &json!(true))
    );
    // The birth date itself is never stored.
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM information_schema.columns \
         WHERE table_name = 'users' AND column_name = 'date_of_birth'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(n.n, 0);
}

#[tokio::test]
async fn consents_are_recorded_and_summarised() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    for bad in [
        json!({}),
        json!({"consent_types": []}),
        json!({"consent_types": (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
        json!({"consent_types": [""]}),
        json!({"consent_types": ["x".repeat(51)]}),
        json!({"consent_types": ["analytics"], "action": "maybe"}),
        json!({"consent_types": "analytics"}),
    ] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/users/me/consents",
            Some(t),
            Some(bad.clone()),
        )
        .await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/users/me/consents",
        Some(t),
        Some(json!({"consent_types": ["analytics", "crash_reporting"], "action": "grant"})),
    )
    .await;
    assert_eq!((status, body), (201, json!({"success": true})));
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/users/me/consents",
        Some(t),
        Some(json!({"consent_types": ["analytics", "analytics"], "action": "revoke"})),
    )
    .await;
    assert_eq!(status, 201);
    // No dedup: 2 sign-up rows + 2 + 2.
    assert_eq!(consent_rows(&app).await.len(), 6);

    let (status, body) = call(
        &app,
        Method::GET,
        "/api/users/me/consents/status",
        Some(t),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let st = &body["status"];
    assert_eq!(st["analytics"]["action"], "revoke");
    assert_eq!(st["crash_reporting"]["action"], "grant");
    assert_eq!(st["terms Feb 11, 2026"]["action"], "grant");
    assert!(st["analytics"]["updated_at"].is_string());
    assert_eq!(st.as_object().unwrap().len(), 4);

    let (_, list) = call(&app, Method::GET, "/api/users/me/consents", Some(t), None).await;
    let list = list["consents"].as_array().unwrap().clone();
    assert_eq!(list.len(), 6);
    assert_eq!(list[0]["action"], "revoke");

    // A user without rows: `{}`.
    let mut conn = app.db.connect().await;
    diesel::sql_query("DELETE FROM user_consents")
        .execute(&mut conn)
        .await
        .unwrap();
    let (_, body) = call(
        &app,
        Method::GET,
        "/api/users/me/consents/status",
        Some(t),
        None,
    )
    .await;
    assert_eq!(body, json!({"status": {}}));
    let (_, body) = call(&app, Method::GET, "/api/users/me/consents", Some(t), None).await;
    assert_eq!(body, json!({"consents": []}));
}

/// A NUL, another control or a bidirectional override in a consent type is refused with
/// `400 VALIDATION_ERROR` (found by the fuzzer: a NUL answered 500), and nothing is stored.
#[tokio::test]
async fn consent_types_refuse_control_characters() {
    let app = spawn_app().await;
    let ann = register(&app, "ann@example.com").await;
    let t = s(&ann, "access_token");
    let before = consent_rows(&app).await.len();
    for bad in [
        "a\u{0}b",
        "\u{f}x",
        "x\u{1b}[2J",
        "\u{202e}evil",
        "two\nlines",
    ] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/users/me/consents",
            Some(t),
            Some(json!({"consent_types": ["analytics", bad]})),
        )
        .await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad:?}");
        assert_eq!(
            body["error"]["details"][0]["path"],
            json!(["consent_types", 1])
        );
    }
    assert_eq!(consent_rows(&app).await.len(), before);
}

#[tokio::test]
async fn every_bad_sign_up_field_is_reported_at_once() {
    let app = spawn_app().await;
    let body = json!({
        "email": "not-an-address",
        "password": "short",
        "display_name": "",
        "date_of_birth": "1990-13-01",
        "consent_agreed": false,
        "consent_privacy_version": "x".repeat(31),
    });
    let (status, res) = post(&app, "/api/auth/register", body).await;
    assert_eq!((status, code(&res)), (400, "VALIDATION_ERROR"), "{res}");
    assert_eq!(
        crate::support::detail_paths(&res),
        [
            "email",
            "password",
            "display_name",
            "date_of_birth",
            "consent_agreed",
            "consent_privacy_version"
        ]
    );
    assert!(consent_rows(&app).await.is_empty());
}
