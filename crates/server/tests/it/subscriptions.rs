//! Subscriptions over HTTP against the local Google Play fake.

use crate::app::{TestApp, spawn_app, spawn_app_with};
use chrono::{Duration, Utc};
use diesel_async::RunQueryDsl;
use pursue_testkit::fakes::PlayFake;
use pursue_testkit::fakes::play::FAKE_PACKAGE;
use serde_json::{Value, json};

use crate::support::{User, create_group, get, post, register};

async fn app_with_play(fake: &PlayFake, dir: &std::path::Path) -> TestApp {
    let sa = fake.write_service_account(dir);
    let base = fake.base_url();
    spawn_app_with(move |c| {
        c.accounts.google_play_service_account = Some(sa);
        c.accounts.google_play_api_base_url = base;
        c.accounts.google_play_package_name = FAKE_PACKAGE.into();
    })
    .await
}

fn upgrade_body(token: &str) -> Value {
    json!({"platform": "google_play", "purchase_token": token, "product_id": "pursue_premium_annual"})
}

async fn upgrade(app: &TestApp, user: &User, token: &str) -> (u16, Value) {
    post(app, "/api/subscriptions/upgrade", user, upgrade_body(token)).await
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_new_user_is_free_with_one_group() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let (status, body) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"tier": "free", "status": "active", "group_limit": 1, "current_group_count": 0,
               "groups_remaining": 1, "is_over_limit": false, "subscription_expires_at": null,
               "auto_renew": null, "can_create_group": true, "can_join_group": true})
    );
    let (_, body) = get(&app, "/api/users/me/subscription/eligibility", &ann).await;
    assert_eq!(
        body,
        json!({"can_create_group": true, "can_join_group": true, "reason": null,
               "current_count": 0, "limit": 1, "upgrade_required": false})
    );
    create_group(&app, &ann, "Runners").await;
    let (_, body) = get(&app, "/api/users/me/subscription/eligibility", &ann).await;
    assert_eq!(body["reason"], "at_group_limit");
    assert_eq!(body["upgrade_required"], true);
    assert_eq!(body["can_create_group"], false);
    // The product limit comes before the caps.
    let (status, body) = post(&app, "/api/groups", &ann, json!({"name": "Second"})).await;
    assert_eq!((status, code(&body)), (403, "GROUP_LIMIT_REACHED"));
    assert_eq!(
        body["error"]["message"],
        "Upgrade to Premium to create additional groups"
    );
    crate::support::make_premium(&app, &ann).await;
    for i in 2..=10 {
        create_group(&app, &ann, &format!("g{i}")).await;
    }
    let (status, body) = post(&app, "/api/groups", &ann, json!({"name": "Eleventh"})).await;
    assert_eq!((status, code(&body)), (403, "GROUP_LIMIT_REACHED"));
    assert_eq!(body["error"]["message"], "Maximum groups reached (10)");
    let (_, body) = get(&app, "/api/users/me/subscription/eligibility", &ann).await;
    assert_eq!(
        (body["reason"].as_str(), body["upgrade_required"].as_bool()),
        (Some("at_group_limit"), Some(false))
    );
}

#[tokio::test]
async fn upgrade_grants_only_what_google_confirms() {
    let fake = PlayFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_play(&fake, dir.path()).await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let expiry = Utc::now() + Duration::days(365);

    // Shape and product and platform.
    let (status, body) = post(
        &app,
        "/api/subscriptions/upgrade",
        &ann,
        json!({"platform": "google_play"}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let mut other = upgrade_body("t");
    other["product_id"] = json!("pursue_monthly");
    let (status, body) = post(&app, "/api/subscriptions/upgrade", &ann, other).await;
    assert_eq!((status, code(&body)), (400, "INVALID_PRODUCT"));
    let mut apple = upgrade_body("t");
    apple["platform"] = json!("app_store");
    let (status, body) = post(&app, "/api/subscriptions/upgrade", &ann, apple).await;
    assert_eq!((status, code(&body)), (400, "UNSUPPORTED_PLATFORM"));

    // Unknown token (404, 410), expired purchase: refused, nothing stored.
    let (status, body) = upgrade(&app, &ann, "never-sold").await;
    assert_eq!((status, code(&body)), (400, "INVALID_PURCHASE_TOKEN"));
    fake.forget_with("refunded", 410);
    let (status, body) = upgrade(&app, &ann, "refunded").await;
    assert_eq!((status, code(&body)), (400, "INVALID_PURCHASE_TOKEN"));
    fake.set(
        "old",
        PlayFake::purchase("SUBSCRIPTION_STATE_EXPIRED", expiry, "GPA.old"),
    );
    let (status, body) = upgrade(&app, &ann, "old").await;
    assert_eq!((status, code(&body)), (400, "INVALID_PURCHASE_TOKEN"));
    // Google down: 503, nothing granted.
    fake.set(
        "good",
        PlayFake::purchase("SUBSCRIPTION_STATE_ACTIVE", expiry, "GPA.1"),
    );
    fake.set_down(true);
    let (status, body) = upgrade(&app, &ann, "good").await;
    assert_eq!((status, code(&body)), (503, "PURCHASE_VERIFICATION_FAILED"));
    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(sub["tier"], "free");
    fake.set_down(false);

    // Active purchase: premium.
    let (status, body) = upgrade(&app, &ann, "good").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tier"], "premium");
    assert_eq!(body["status"], "active");
    assert_eq!(body["group_limit"], 10);
    assert!(body["expires_at"].is_string());
    let id = body["subscription_id"].clone();
    // Repeating re-verifies and returns the same row; /verify is the same.
    let (status, again) = post(
        &app,
        "/api/subscriptions/verify",
        &ann,
        upgrade_body("good"),
    )
    .await;
    assert_eq!((status, &again["subscription_id"]), (200, &id));
    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(
        (
            sub["tier"].as_str(),
            sub["group_limit"].as_i64(),
            sub["auto_renew"].as_bool()
        ),
        (Some("premium"), Some(10), Some(true))
    );
    assert!(sub["subscription_expires_at"].is_string());
    // One token, one account.
    let (status, body) = upgrade(&app, &bob, "good").await;
    assert_eq!((status, code(&body)), (409, "PURCHASE_TOKEN_IN_USE"));
    // One purchase transaction, the users cache updated.
    let mut conn = app.db.connect().await;
    #[derive(diesel::QueryableByName)]
    struct Cache {
        #[diesel(sql_type = diesel::sql_types::Text)]
        current_subscription_tier: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        group_limit: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        transactions: i64,
    }
    let c: Cache = diesel::sql_query(format!(
        "SELECT current_subscription_tier, group_limit, \
         (SELECT COUNT(*) FROM subscription_transactions WHERE transaction_type = 'purchase') AS transactions \
         FROM users WHERE id = '{}'",
        ann.id
    ))
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        (
            c.current_subscription_tier.as_str(),
            c.group_limit,
            c.transactions
        ),
        ("premium", 10, 1)
    );
}

#[tokio::test]
async fn cancelled_and_grace_purchases_stay_premium_until_expiry_and_cancel_calls_google() {
    let fake = PlayFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_play(&fake, dir.path()).await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    let expiry = Utc::now() + Duration::days(20);
    fake.set(
        "grace",
        PlayFake::purchase("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", expiry, "GPA.g"),
    );
    let (status, body) = upgrade(&app, &bob, "grace").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("grace_period")),
        "{body}"
    );

    let (status, body) = post(&app, "/api/subscriptions/cancel", &ann, json!({})).await;
    assert_eq!((status, code(&body)), (404, "SUBSCRIPTION_NOT_FOUND"));
    fake.set(
        "t",
        PlayFake::purchase("SUBSCRIPTION_STATE_ACTIVE", expiry, "GPA.t"),
    );
    assert_eq!(upgrade(&app, &ann, "t").await.0, 200);
    fake.set_down(true);
    let (status, body) = post(&app, "/api/subscriptions/cancel", &ann, json!({})).await;
    assert_eq!((status, code(&body)), (503, "PURCHASE_VERIFICATION_FAILED"));
    fake.set_down(false);
    let (status, body) = post(&app, "/api/subscriptions/cancel", &ann, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.cancelled(), ["t"]);
    assert_eq!(
        (body["status"].as_str(), body["auto_renew"].as_bool()),
        (Some("cancelled"), Some(false))
    );
    assert_eq!(
        body["message"],
        format!(
            "Your subscription will remain active until {}",
            expiry.format("%b %-d, %Y")
        )
    );
    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(
        (sub["tier"].as_str(), sub["status"].as_str()),
        (Some("premium"), Some("cancelled"))
    );
    // A cancelled purchase verified again stays cancelled and premium.
    let (status, body) = upgrade(&app, &ann, "t").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("cancelled")));
}

#[tokio::test]
async fn after_expiry_an_over_limit_user_selects_the_group_to_keep() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let g1 = create_group(&app, &ann, "First").await;
    let mut conn = app.db.connect().await;
    // Premium earlier, expired now; in three groups.
    for sql in [
        format!(
            "INSERT INTO user_subscriptions (user_id, tier, status, started_at, expires_at, platform, platform_purchase_token) \
             VALUES ('{}', 'premium', 'active', NOW() - interval '400 days', NOW() - interval '1 day', 'google_play', 'x')",
            ann.id
        ),
        format!(
            "INSERT INTO groups (id, name, creator_user_id) VALUES \
             ('00000000-0000-0000-0000-0000000000a2', 'Second', '{0}'), ('00000000-0000-0000-0000-0000000000a3', 'Third', '{0}')",
            ann.id
        ),
        format!(
            "INSERT INTO group_memberships (group_id, user_id, role, joined_at) VALUES \
             ('00000000-0000-0000-0000-0000000000a2', '{0}', 'creator', NOW() + interval '1 second'), \
             ('00000000-0000-0000-0000-0000000000a3', '{0}', 'creator', NOW() + interval '2 seconds')",
            ann.id
        ),
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(
        (
            sub["tier"].as_str(),
            sub["status"].as_str(),
            sub["is_over_limit"].as_bool(),
            sub["current_group_count"].as_i64()
        ),
        (Some("free"), Some("over_limit"), Some(true), Some(3))
    );
    let (_, el) = get(&app, "/api/users/me/subscription/eligibility", &ann).await;
    assert_eq!(el["reason"], "over_limit");

    let path = "/api/subscriptions/downgrade/select-group";
    let (status, body) = post(&app, path, &ann, json!({"keep_group_id": "nope"})).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = post(
        &app,
        path,
        &ann,
        json!({"keep_group_id": uuid::Uuid::new_v4()}),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "INVALID_GROUP"));
    let (status, body) = post(&app, path, &ann, json!({"keep_group_id": g1})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["kept_group"], json!({"id": g1, "name": "First"}));
    let names: Vec<_> = body["removed_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Second", "Third"]);
    let until = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        body["read_only_access_until"]
            .as_str()
            .unwrap()
            .starts_with(&until)
    );

    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(
        (sub["status"].as_str(), sub["is_over_limit"].as_bool()),
        (Some("expired"), Some(false))
    );
    // The kept group stays writable, the others are read-only.
    let (_, kept) = get(&app, &format!("/api/groups/{g1}"), &ann).await;
    assert_eq!(kept["is_read_only"], false);
    let (_, second) = get(
        &app,
        "/api/groups/00000000-0000-0000-0000-0000000000a2",
        &ann,
    )
    .await;
    assert_eq!(second["is_read_only"], true, "{second}");
    let (_, mine) = get(&app, "/api/users/me/groups", &ann).await;
    let flags: Vec<_> = mine["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["is_read_only"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(flags.contains(&("First".to_string(), false)), "{flags:?}");
    assert!(flags.contains(&("Third".to_string(), true)), "{flags:?}");
    // Not over the limit any more: nothing to choose.
    let (status, body) = post(&app, path, &ann, json!({"keep_group_id": g1})).await;
    assert_eq!((status, code(&body)), (400, "INVALID_STATE"));
    #[derive(diesel::QueryableByName)]
    struct H {
        #[diesel(sql_type = diesel::sql_types::Text)]
        previous_tier: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        groups_before_downgrade: i32,
    }
    let h: H = diesel::sql_query(
        "SELECT previous_tier, groups_before_downgrade FROM subscription_downgrade_history",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        (h.previous_tier.as_str(), h.groups_before_downgrade),
        ("premium", 3)
    );
}

#[tokio::test]
async fn without_a_service_account_nothing_is_granted() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let (status, body) = upgrade(&app, &ann, "anything").await;
    assert_eq!((status, code(&body)), (503, "PURCHASE_VERIFICATION_FAILED"));
}

#[derive(diesel::QueryableByName)]
struct RowState {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    expires_at: chrono::DateTime<Utc>,
}

async fn row_state(conn: &mut diesel_async::AsyncPgConnection, token: &str) -> RowState {
    diesel::sql_query(format!(
        "SELECT status, expires_at FROM user_subscriptions WHERE platform_purchase_token = '{token}'"
    ))
    .get_result(conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_worker_re_verifies_expiring_purchases_one_runner_at_a_time() {
    let fake = PlayFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let sa = fake.write_service_account(dir.path());
    let base = fake.base_url();
    let db = pursue_testkit::fresh_database().await;
    let mut conn = db.connect().await;
    // Another instance holds the job's lock at first.
    diesel::sql_query(format!(
        "SELECT pg_advisory_lock({}) AS got",
        pursue_postgres::jobs::REVERIFY_PURCHASES
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let app = crate::app::spawn_app_on(db.alias(), move |c| {
        c.accounts.google_play_service_account = Some(sa);
        c.accounts.google_play_api_base_url = base;
        c.accounts.google_play_package_name = FAKE_PACKAGE.into();
        c.accounts.reverify_interval_secs = 1;
    })
    .await;
    let ann = register(&app, "ann").await;
    let renewed = Utc::now() + Duration::days(365);
    fake.set(
        "renews",
        PlayFake::purchase("SUBSCRIPTION_STATE_ACTIVE", renewed, "GPA.2"),
    );
    fake.forget_with("lapsed", 410);
    for (token, expires) in [
        ("renews", "NOW() + interval '2 hours'"),
        ("lapsed", "NOW() - interval '1 hour'"),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO user_subscriptions (user_id, tier, status, started_at, expires_at, platform, platform_purchase_token) \
             VALUES ('{}', 'premium', 'active', NOW() - interval '{} days', {expires}, 'google_play', '{token}')",
            ann.id,
            if token == "renews" { 300 } else { 400 }
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        fake.api_requests(),
        0,
        "the lock holder runs the job, not this instance"
    );
    assert_eq!(row_state(&mut conn, "lapsed").await.status, "active");
    diesel::sql_query(format!(
        "SELECT pg_advisory_unlock({}) AS got",
        pursue_postgres::jobs::REVERIFY_PURCHASES
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let start = std::time::Instant::now();
    loop {
        let lapsed = row_state(&mut conn, "lapsed").await;
        let renews = row_state(&mut conn, "renews").await;
        if lapsed.status == "expired" && (renews.expires_at - renewed).num_seconds().abs() <= 1 {
            assert_eq!(renews.status, "active");
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "not re-verified"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let (_, sub) = get(&app, "/api/users/me/subscription", &ann).await;
    assert_eq!(sub["tier"], "premium");
}

/// Found by the fuzzer: a NUL in the purchase token reached PostgreSQL and answered 500.
/// Control and bidirectional formatting characters are refused with `400
/// VALIDATION_ERROR` before the store or the database is asked.
#[tokio::test]
async fn a_purchase_token_with_control_characters_is_refused() {
    let fake = PlayFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_play(&fake, dir.path()).await;
    let ann = register(&app, "ann").await;
    for token in ["a\u{0}b", "tok\u{1b}en", "\u{202e}token", "two\nlines"] {
        for path in ["/api/subscriptions/upgrade", "/api/subscriptions/verify"] {
            let (status, body) = post(&app, path, &ann, upgrade_body(token)).await;
            assert_eq!(
                (status, code(&body)),
                (400, "VALIDATION_ERROR"),
                "{path} {token:?}"
            );
            assert_eq!(
                body["error"]["details"][0]["path"],
                json!(["purchase_token"])
            );
        }
    }
}
