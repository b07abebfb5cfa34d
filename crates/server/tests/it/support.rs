//! Shared helpers: HTTP calls, registration, groups, goals.

use crate::app::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// A registered user.
#[derive(Clone)]
pub struct User {
    pub token: String,
    pub id: String,
}

/// Sends a request with an optional bearer token and JSON body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A budget of `burst` requests regaining one every `regain`, spent through `send` until the
/// first 429: returns that answer's body. Fails when fewer than `burst` passed, or more than
/// the burst plus what the elapsed time regained (so a slow machine cannot make the test
/// fail, and a limiter that does not hold still does).
pub async fn spend_until_refused<F, Fut>(
    burst: usize,
    regain: std::time::Duration,
    mut send: F,
) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (u16, Value)>,
{
    let started = std::time::Instant::now();
    let mut passed = 0usize;
    loop {
        let (status, body) = send().await;
        if status == 429 {
            assert!(passed >= burst, "refused after {passed} of {burst}: {body}");
            return body;
        }
        passed += 1;
        let regained = (started.elapsed().as_secs_f64() / regain.as_secs_f64()).ceil() as usize;
        assert!(
            passed <= burst + regained,
            "{passed} passed in {:?}: the budget of {burst} does not hold",
            started.elapsed()
        );
    }
}

pub async fn get(app: &TestApp, path: &str, user: &User) -> (u16, Value) {
    call(app, Method::GET, path, Some(&user.token), None).await
}

pub async fn post(app: &TestApp, path: &str, user: &User, body: Value) -> (u16, Value) {
    call(app, Method::POST, path, Some(&user.token), Some(body)).await
}

pub async fn patch(app: &TestApp, path: &str, user: &User, body: Value) -> (u16, Value) {
    call(app, Method::PATCH, path, Some(&user.token), Some(body)).await
}

pub async fn delete(app: &TestApp, path: &str, user: &User) -> (u16, Value) {
    call(app, Method::DELETE, path, Some(&user.token), None).await
}

/// Registers `name` as `<name>@example.com`.
pub async fn register(app: &TestApp, name: &str) -> User {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({
            "email": format!("{name}@example.com"),
            "password": "Secret123",
            "display_name": name,
            "date_of_birth": "1990-01-01",
            "consent_agreed": true,
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    User {
        token: body["access_token"].as_str().unwrap().to_string(),
        id: body["user"]["id"].as_str().unwrap().to_string(),
    }
}

/// Creates a group named `name`; returns its id.
pub async fn create_group(app: &TestApp, owner: &User, name: &str) -> String {
    let (status, body) = post(app, "/api/groups", owner, json!({ "name": name })).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// The group's standing invite code.
pub async fn invite(app: &TestApp, group: &str, member: &User) -> String {
    let (status, body) = get(app, &format!("/api/groups/{group}/invite"), member).await;
    assert_eq!(status, 200, "{body}");
    body["invite_code"].as_str().unwrap().to_string()
}

/// Approves the pending request of `user`.
pub async fn approve(app: &TestApp, group: &str, admin: &User, user: &User) -> (u16, Value) {
    post(
        app,
        &format!("/api/groups/{group}/members/{}/approve", user.id),
        admin,
        json!({}),
    )
    .await
}

/// Asks to join with `code` and has `admin` approve; the status of the approval.
pub async fn join_approved(
    app: &TestApp,
    user: &User,
    code: &str,
    group: &str,
    admin: &User,
) -> u16 {
    let (status, body) = join(app, user, code).await;
    assert_eq!(status, 200, "{body}");
    approve(app, group, admin, user).await.0
}

/// Joins with `code`.
pub async fn join(app: &TestApp, user: &User, code: &str) -> (u16, Value) {
    post(
        app,
        "/api/groups/join",
        user,
        json!({ "invite_code": code }),
    )
    .await
}

/// A group with a creator, an admin, a member and an outsider.
pub struct Cast {
    pub group: String,
    pub creator: User,
    pub admin: User,
    pub member: User,
    pub outsider: User,
}

pub async fn cast(app: &TestApp) -> Cast {
    let creator = register(app, "creator").await;
    let admin = register(app, "admin").await;
    let member = register(app, "member").await;
    let outsider = register(app, "outsider").await;
    let group = create_group(app, &creator, "Runners").await;
    let code = invite(app, &group, &creator).await;
    assert_eq!(
        join_approved(app, &admin, &code, &group, &creator).await,
        200
    );
    assert_eq!(
        join_approved(app, &member, &code, &group, &creator).await,
        200
    );
    let (status, body) = patch(
        app,
        &format!("/api/groups/{group}/members/{}", admin.id),
        &creator,
        json!({ "role": "admin" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    Cast {
        group,
        creator,
        admin,
        member,
        outsider,
    }
}

/// Creates a goal in `group` with `body`; returns its id.
pub async fn create_goal(app: &TestApp, group: &str, admin: &User, body: Value) -> String {
    let (status, res) = post(app, &format!("/api/groups/{group}/goals"), admin, body).await;
    assert_eq!(status, 201, "{res}");
    res["id"].as_str().unwrap().to_string()
}

/// Logs progress.
pub async fn log(app: &TestApp, user: &User, goal: &str, value: f64, date: &str) -> (u16, Value) {
    post(
        app,
        "/api/progress",
        user,
        json!({ "goal_id": goal, "value": value, "user_date": date, "user_timezone": "UTC" }),
    )
    .await
}

/// Today in UTC as `YYYY-MM-DD`.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Gives `user` an entitled premium subscription (10 groups) straight in the database.
pub async fn make_premium(app: &TestApp, user: &User) {
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.connect().await;
    diesel::sql_query(format!(
        "INSERT INTO user_subscriptions (user_id, tier, status, started_at, expires_at, platform, \
         platform_purchase_token) VALUES ('{0}', 'premium', 'active', NOW(), \
         NOW() + interval '30 days', 'google_play', 'test-premium-{0}')",
        user.id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

/// The first path segment of every detail of an error envelope, in order.
pub fn detail_paths(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .expect("the envelope has details")
        .iter()
        .map(|d| d["path"][0].as_str().unwrap_or_default().to_string())
        .collect()
}
